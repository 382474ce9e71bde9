/**
 * A fake OpenAI-compatible chat-completions server on 127.0.0.1 (real HTTP,
 * real server-sent events written in pieces), recording every request.
 *
 * @module
 */

/** One request the server received. */
export interface RecordedRequest {
  path: string;
  authorization: string | null;
  body: {
    model: string;
    stream: boolean;
    messages: Array<{ role: string; content: string }>;
  };
}

/** A running fake server. */
export interface FakeLlm {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the server; each answer is streamed as SSE `data:` events of a few
 * characters, split across writes mid-line, then `data: [DONE]`.
 */
export function startFakeLlm(
  answer: string,
  options: { status?: number } = {},
): FakeLlm {
  const requests: RecordedRequest[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    requests.push({
      path: url.pathname,
      authorization: req.headers.get("authorization"),
      body: await req.json(),
    });
    if (options.status && options.status !== 200) {
      return new Response(JSON.stringify({ error: { message: "model not found" } }), {
        status: options.status,
      });
    }
    const events: string[] = [];
    for (let i = 0; i < answer.length; i += 7) {
      const delta = { choices: [{ index: 0, delta: { content: answer.slice(i, i + 7) } }] };
      events.push(`data: ${JSON.stringify(delta)}\n\n`);
    }
    events.push("data: [DONE]\n\n");
    const text = events.join("");
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        // Pieces of 13 bytes: events and lines arrive split, as over a real network.
        for (let i = 0; i < text.length; i += 13) {
          controller.enqueue(encoder.encode(text.slice(i, i + 13)));
          await new Promise((r) => setTimeout(r, 0));
        }
        controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    requests,
    close: () => server.shutdown(),
  };
}
