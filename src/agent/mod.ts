/**
 * The model side of `caro ask` (SPEC §9): an OpenAI-compatible
 * chat-completions endpoint, the answer streamed and read as a proposed command
 * with its explanation. The turn itself (skill context + request) is
 * `askForCommand` in `src/ops/`.
 *
 * - {@link readLlmConfig} / {@link llmConfigOf}: `[llm]` of `config.toml`, `CARO_LLM_*` overrides.
 * - {@link streamChat}: the streaming (SSE) client.
 * - {@link parseProposal}: command and explanation out of an answer.
 *
 * @example
 * ```ts
 * import { parseProposal } from "./mod.ts";
 * if (parseProposal("~~~\nuptime\n~~~").command !== "uptime") throw new Error();
 * ```
 *
 * @module
 */
export { type ChatMessage, streamChat, type StreamChatOptions } from "./chat_client.ts";
export {
  DEFAULT_LLM_BASE_URL,
  DEFAULT_LLM_MODEL,
  type LlmConfig,
  llmConfigOf,
  readLlmConfig,
} from "./llm_config.ts";
export { parseProposal, type Proposal } from "./proposal.ts";
