/**
 * The terminal edge: the {@link Prompter} every question goes through. On a
 * terminal it asks with `@inquirer/prompts` (on stderr); without one it
 * refuses ({@link NonInteractivePrompter}), so no prompt ever waits when stdin
 * is not a terminal (SPEC §9).
 *
 * @example
 * ```ts
 * import { NonInteractivePrompter, type Prompter } from "./mod.ts";
 * const prompter: Prompter = new NonInteractivePrompter();
 * const answered = await prompter.confirm("Delete?").then(() => true, () => false);
 * if (answered) throw new Error("a prompt without a terminal must fail closed");
 * ```
 *
 * @module
 */
export {
  type AskOptions,
  type Choice,
  createPrompter,
  NonInteractivePrompter,
  type Prompter,
  TerminalPrompter,
} from "./prompter.ts";
export { visibleCommand } from "./visible.ts";
