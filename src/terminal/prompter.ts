import process from "node:process";
import { SkillError } from "../errors/mod.ts";

/** Options every question takes. */
export interface AskOptions {
  /** Aborting cancels the question (it then rejects with an `interrupted` SkillError). */
  signal?: AbortSignal;
}

/** One answer of {@link Prompter.select} or {@link Prompter.expand}. */
export interface Choice<T> {
  /** The single letter that picks it in {@link Prompter.expand} (`y`, `n`, `d`…). */
  key?: string;
  /** What the user reads. */
  name: string;
  value: T;
  /** A longer explanation shown beside it. */
  description?: string;
}

/**
 * The terminal edge: every question caro asks a person. Operations take a
 * `Prompter` so a test can drive a real terminal (tmux) and a run without one
 * fails closed ({@link NonInteractivePrompter}).
 */
export interface Prompter {
  /** Whether a person can answer (stdin is a terminal). */
  readonly isInteractive: boolean;
  /** A y/N question; the default answer is "no" unless `defaultYes`. */
  confirm(message: string, options?: AskOptions & { defaultYes?: boolean }): Promise<boolean>;
  /**
   * A question answered only by typing `word` exactly (SPEC §3 `always`: the
   * literal word `yes`); anything else is "no".
   */
  confirmWord(message: string, word: string, options?: AskOptions): Promise<boolean>;
  /** Free text; `validate` returns an error message to show and ask again, or null. */
  input(
    message: string,
    options?: AskOptions & { default?: string; validate?: (value: string) => string | null },
  ): Promise<string>;
  /** One of a list, chosen with the arrow keys. */
  select<T>(message: string, choices: readonly Choice<T>[], options?: AskOptions): Promise<T>;
  /**
   * One of a few answers chosen by letter, `[y/N/d]` style (SPEC §6 install
   * grants); `defaultKey` is the answer of a bare Enter.
   */
  expand<T>(
    message: string,
    choices: readonly Choice<T>[],
    options?: AskOptions & { defaultKey?: string },
  ): Promise<T>;
}

/**
 * A prompter for runs without a terminal: every question is refused with a
 * `usage` {@link SkillError} naming the question, so nothing ever waits on a
 * stdin nobody types into (SPEC §9; `@inquirer/prompts` would hang forever).
 *
 * @example
 * ```ts
 * import { NonInteractivePrompter } from "./prompter.ts";
 * import { SkillError } from "../errors/mod.ts";
 * const prompter = new NonInteractivePrompter({ to: "answer yes up front", run: "caro recipe run x --yes" });
 * try {
 *   await prompter.confirm("Run step 1?");
 *   throw new Error("asked without a terminal");
 * } catch (e) {
 *   if (!(e instanceof SkillError) || e.hints[0].run !== "caro recipe run x --yes") throw e;
 * }
 * ```
 */
export class NonInteractivePrompter implements Prompter {
  readonly isInteractive = false;
  readonly #hint?: { to: string; run: string };

  /** @param hint the command that avoids the question (e.g. the same one with `--yes`) */
  constructor(hint?: { to: string; run: string }) {
    this.#hint = hint;
  }

  confirm(message: string): Promise<boolean> {
    return this.#refuse(message);
  }
  confirmWord(message: string): Promise<boolean> {
    return this.#refuse(message);
  }
  input(message: string): Promise<string> {
    return this.#refuse(message);
  }
  select<T>(message: string): Promise<T> {
    return this.#refuse(message);
  }
  expand<T>(message: string): Promise<T> {
    return this.#refuse(message);
  }

  #refuse(message: string): Promise<never> {
    return Promise.reject(
      new SkillError("usage", `Cannot ask "${message}": stdin is not a terminal`, {
        why: "caro never waits for an answer nobody can type; questions fail closed",
        hints: this.#hint ? [this.#hint] : [],
      }),
    );
  }
}

/**
 * Asks on the terminal with `@inquirer/prompts` (loaded on first use), writing
 * to stderr so stdout stays the command's result. Ctrl-C or an aborted
 * signal rejects with an `interrupted` {@link SkillError}.
 *
 * @example
 * ```ts
 * import { TerminalPrompter } from "./prompter.ts";
 * // Only meaningful on a terminal; see tests/recipe/tmux_e2e_test.ts.
 * const prompter = new TerminalPrompter();
 * if (!prompter.isInteractive) throw new Error();
 * ```
 */
export class TerminalPrompter implements Prompter {
  readonly isInteractive = true;

  async confirm(
    message: string,
    options: AskOptions & { defaultYes?: boolean } = {},
  ): Promise<boolean> {
    const { confirm } = await inquirer();
    return await ask(() =>
      confirm({ message, default: options.defaultYes ?? false }, context(options.signal))
    );
  }

  async confirmWord(message: string, word: string, options: AskOptions = {}): Promise<boolean> {
    const { input } = await inquirer();
    const answer = await ask(() =>
      input({ message: `${message} (type ${word} to continue)` }, context(options.signal))
    );
    return answer.trim() === word;
  }

  async input(
    message: string,
    options: AskOptions & { default?: string; validate?: (value: string) => string | null } = {},
  ): Promise<string> {
    const { input } = await inquirer();
    const validate = options.validate;
    return await ask(() =>
      input({
        message,
        default: options.default,
        validate: validate ? (value: string) => validate(value) ?? true : undefined,
      }, context(options.signal))
    );
  }

  async select<T>(
    message: string,
    choices: readonly Choice<T>[],
    options: AskOptions = {},
  ): Promise<T> {
    const { select } = await inquirer();
    const index = await ask(() =>
      select({
        message,
        choices: choices.map((c, i) => ({ name: c.name, value: i, description: c.description })),
      }, context(options.signal))
    );
    return choices[index].value;
  }

  async expand<T>(
    message: string,
    choices: readonly Choice<T>[],
    options: AskOptions & { defaultKey?: string } = {},
  ): Promise<T> {
    const { expand } = await inquirer();
    type Key = Parameters<typeof expand>[0]["default"];
    const index = await ask(() =>
      expand({
        message,
        default: options.defaultKey as Key,
        choices: choices.map((c, i) => ({
          key: (c.key ?? c.name[0]).toLowerCase() as Exclude<Key, "h" | undefined>,
          name: c.name,
          value: i,
        })),
      }, context(options.signal))
    );
    return choices[index].value;
  }
}

/**
 * The prompter for this process: {@link TerminalPrompter} when stdin is a
 * terminal, else a {@link NonInteractivePrompter} with `hint`.
 *
 * @example
 * ```ts
 * import { createPrompter } from "./prompter.ts";
 * const prompter = createPrompter({ to: "skip the question", run: "caro recipe run x --yes" });
 * if (prompter.isInteractive !== Deno.stdin.isTerminal()) throw new Error();
 * ```
 */
export function createPrompter(hint?: { to: string; run: string }): Prompter {
  return Deno.stdin.isTerminal() ? new TerminalPrompter() : new NonInteractivePrompter(hint);
}

function inquirer() {
  return import("@inquirer/prompts");
}

function context(signal?: AbortSignal) {
  return { signal, output: process.stderr, clearPromptOnDone: false };
}

async function ask<T>(
  question: () => Promise<T>,
): Promise<T> {
  try {
    return await question();
  } catch (error) {
    if (error instanceof Error && ["ExitPromptError", "AbortPromptError"].includes(error.name)) {
      throw new SkillError("interrupted", "Interrupted while waiting for an answer", {
        cause: error,
      });
    }
    throw error;
  }
}
