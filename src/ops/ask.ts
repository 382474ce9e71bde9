import type { ContextAugmentation, ContextInjector } from "../context/mod.ts";
import { type ChatMessage, streamChat, type StreamChatOptions } from "./chat_client.ts";
import type { LlmConfig } from "./llm_config.ts";
import { parseProposal, type Proposal } from "./proposal.ts";

/** Options of {@link askForCommand}. */
export interface AskForCommandOptions extends StreamChatOptions {
  /** The context budget (default the injector's). */
  maxTokens?: number;
}

/** What {@link askForCommand} returns. */
export interface AskResult extends Proposal {
  /** The whole answer of the model. */
  answer: string;
  /** The knowledge injected into the system prompt. */
  context: ContextAugmentation;
  /** The messages sent. */
  messages: ChatMessage[];
}

/**
 * The agent loop's one turn (`caro ask`): the system prompt is the matched
 * skills' context followed by the base prompt of `core.shell` (as
 * {@link ContextInjector.augmentContext} orders it), the request is the user
 * message; the answer is streamed and read as a proposed command plus its
 * explanation. Nothing is run here: running needs the user's confirmation.
 *
 * @throws {SkillError} `network` when the model endpoint cannot be reached
 * @example
 * ```ts
 * import { askForCommand } from "./ask.ts";
 * import { ContextInjector } from "../context/mod.ts";
 * let user = "";
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
 *   user = (await req.json()).messages[1].content;
 *   return new Response('data: {"choices":[{"delta":{"content":"~~~sh\\ndf -h\\n~~~\\nfree space"}}]}\n\ndata: [DONE]\n\n');
 * });
 * const result = await askForCommand(new ContextInjector([]), "how full is my disk", {
 *   baseUrl: `http://127.0.0.1:${server.addr.port}/v1`, model: "m",
 *   origin: { baseUrl: "default", model: "default" },
 * });
 * await server.shutdown();
 * if (result.command !== "df -h" || user !== "how full is my disk") throw new Error();
 * ```
 */
export async function askForCommand(
  injector: ContextInjector,
  request: string,
  llm: LlmConfig,
  options: AskForCommandOptions = {},
): Promise<AskResult> {
  const context = await injector.augmentContext(request, options.maxTokens);
  const messages: ChatMessage[] = [
    { role: "system", content: context.systemContext },
    { role: "user", content: request },
  ];
  const answer = await streamChat(llm, messages, options);
  return { ...parseProposal(answer), answer, context, messages };
}
