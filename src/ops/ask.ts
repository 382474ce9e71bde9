/**
 * `caro ask`: one turn of the agent loop (the request with the matched skills'
 * knowledge to an OpenAI-compatible endpoint, the answer read as a proposed
 * command), and running that command on the user's terminal once they
 * confirmed it.
 *
 * @module
 */
import type { ContextAugmentation, ContextInjector } from "../context/mod.ts";
import {
  type ChatMessage,
  type LlmConfig,
  parseProposal,
  type Proposal,
  streamChat,
  type StreamChatOptions,
} from "../agent/mod.ts";
import { type Runner, SystemRunner } from "../process/mod.ts";

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

/**
 * Runs the command the user confirmed, on their terminal (stdin, stdout and
 * stderr are theirs). It is the user's own command, not a skill's: it is not
 * judged by any skill's grants.
 *
 * @returns the exit code
 * @example
 * ```ts
 * import { runConfirmedCommand } from "./ask.ts";
 * if ((await Deno.permissions.query({ name: "run" })).state === "granted") {
 *   if (await runConfirmedCommand("exit 3") !== 3) throw new Error();
 * }
 * ```
 */
export async function runConfirmedCommand(
  command: string,
  runner: Runner = new SystemRunner(),
): Promise<number> {
  return (await runner.run(command, { interactive: true })).code;
}
