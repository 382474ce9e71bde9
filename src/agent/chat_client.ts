import { redactCredentials, SkillError } from "../errors/mod.ts";
import type { LlmConfig } from "./llm_config.ts";

/** One message of a chat. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Options of {@link streamChat}. */
export interface StreamChatOptions {
  /** The API key (sent as a bearer token), when the endpoint needs one. */
  apiKey?: string;
  /** Called with each piece of the answer as it arrives. */
  onDelta?: (text: string) => void;
  /** The HTTP edge (default the global `fetch`). */
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/**
 * Sends a chat to an OpenAI-compatible `POST {baseUrl}/chat/completions` with
 * `stream: true` and reads the server-sent events until `data: [DONE]`,
 * returning the whole answer.
 *
 * @throws {SkillError} `network` when the endpoint cannot be reached or answers
 *   with an error, with a hint naming the setting to change
 * @example
 * ```ts
 * import { streamChat } from "./chat_client.ts";
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
 *   new Response('data: {"choices":[{"delta":{"content":"ls -la"}}]}\n\ndata: [DONE]\n\n', {
 *     headers: { "content-type": "text/event-stream" },
 *   }));
 * const config = {
 *   baseUrl: `http://127.0.0.1:${server.addr.port}/v1`, model: "m",
 *   origin: { baseUrl: "default", model: "default" },
 * };
 * const answer = await streamChat(config, [{ role: "user", content: "list files" }]);
 * if (answer !== "ls -la") throw new Error(answer);
 * await server.shutdown();
 * ```
 */
export async function streamChat(
  config: LlmConfig,
  messages: ChatMessage[],
  options: StreamChatOptions = {},
): Promise<string> {
  const url = `${config.baseUrl}/chat/completions`;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "text/event-stream",
  };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers,
      body: JSON.stringify({ model: config.model, messages, stream: true }),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw unreachable(config, url, error instanceof Error ? error.message : String(error), error);
  }
  if (!response.ok) {
    const body = (await response.text()).slice(0, 500);
    throw new SkillError(
      "network",
      `The model endpoint ${
        redactCredentials(url)
      } answered ${response.status} ${response.statusText}`,
      {
        why: body.trim() || "no details in the response",
        hints: response.status === 401 || response.status === 403
          ? [{
            to: "give it an API key",
            run: `set [llm] api_key_env in config.toml and export that variable`,
          }]
          : response.status === 404
          ? [{ to: "choose a model the server has", run: "CARO_LLM_MODEL=<model> caro ask …" }, {
            to: "set it for good",
            run: `[llm] model = "<model>" in config.toml`,
          }]
          : [{ to: "point caro at another endpoint", run: "CARO_LLM_BASE_URL=<url> caro ask …" }],
      },
    );
  }
  if (!response.body) throw unreachable(config, url, "the response has no body");
  let answer = "";
  let buffer = "";
  const decoder = new TextDecoder();
  const handle = (line: string): boolean => {
    if (!line.startsWith("data:")) return false;
    const data = line.slice(5).trim();
    if (data === "[DONE]") return true;
    if (data === "") return false;
    let event: {
      choices?: Array<{ delta?: { content?: string | null }; message?: { content?: string } }>;
      error?: { message?: string };
    };
    try {
      event = JSON.parse(data);
    } catch (error) {
      throw new SkillError("network", `The model endpoint sent an event that is not JSON`, {
        why: `${data.slice(0, 200)}\n${error instanceof Error ? error.message : error}`,
        cause: error,
      });
    }
    if (event.error) {
      throw new SkillError("network", `The model endpoint reported an error`, {
        why: event.error.message ?? JSON.stringify(event.error),
      });
    }
    const choice = event.choices?.[0];
    const text = choice?.delta?.content ?? choice?.message?.content ?? "";
    if (text) {
      answer += text;
      options.onDelta?.(text);
    }
    return false;
  };
  let done = false;
  for await (const bytes of response.body) {
    buffer += decoder.decode(bytes, { stream: true });
    let newline: number;
    while (!done && (newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      done = handle(line);
    }
    if (done) break;
  }
  if (!done && buffer.trim() !== "") handle(buffer.trim());
  return answer;
}

function unreachable(config: LlmConfig, url: string, why: string, cause?: unknown): SkillError {
  const where = config.origin.baseUrl === "default"
    ? `the default (Ollama at ${config.baseUrl})`
    : config.origin.baseUrl === "config.toml"
    ? "[llm] base_url in config.toml"
    : `$${config.origin.baseUrl}`;
  return new SkillError("network", `Cannot reach the model endpoint ${redactCredentials(url)}`, {
    why: `${why}\nthe endpoint comes from ${where}`,
    cause,
    hints: [
      { to: "start a local model", run: "ollama serve && ollama pull llama3.2" },
      { to: "use another endpoint", run: "CARO_LLM_BASE_URL=http://127.0.0.1:8080/v1 caro ask …" },
      { to: "set it for good", run: '[llm] base_url = "…" in $CARO_HOME/config.toml' },
    ],
  });
}
