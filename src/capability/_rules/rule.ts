/**
 * The contract between the command analysis and the program rules: the
 * {@link Judge} a rule reports to, what a rule returns, and the name a written
 * command is looked up by. Every other file in this folder builds on it.
 *
 * @module
 */

/** A word of a command line: its static value, or null when computed at run time. */
export type Word = string | null;

/**
 * How a program found in a line is judged: `program` must pass the allowlist,
 * `builtin` is a shell builtin that runs nothing, `wrapper` only runs the
 * command in its arguments (which is judged instead).
 */
export type ProgramKind = "program" | "builtin" | "wrapper";

/** What a rule may report back to the analysis. */
export interface Judge {
  /** The script a shell would read on stdin: text, null when computed, undefined when none. */
  readonly stdin: Word | undefined;
  /** Judges `argv` as a program that would run, reached through `via`, with its own stdin. */
  run(argv: Word[], via: string): void;
  /** Like {@link run} for a wrapper's command, which reads the wrapper's stdin. */
  pass(argv: Word[], via: string): void;
  /** Parses `text` as shell and judges every program in it. */
  script(text: Word, via: string): void;
  /** The words of `text` when it is one simple command with static words, else null. */
  words(text: string): Word[] | null;
  /** Records a reason the line cannot be analysed (it is then denied). */
  problem(reason: string): void;
  /** Records a file the line would read or write. */
  access(path: Word, write: boolean, via: string): void;
  /** Judges an environment assignment `name=value` made by the line. */
  assign(name: string, value: Word): void;
}

/** Judges the arguments `args` of the program `name` and says how the program itself is judged. */
export type Rule = (args: Word[], judge: Judge, name: string) => ProgramKind;

/** The program a written command name runs (its basename), or null for a glob pattern. */
export function programName(written: string): string | null {
  if (written === "[" || written === "[[") return written;
  if (/[*?[\]]/.test(written)) return null;
  const base = written.slice(written.lastIndexOf("/") + 1);
  return base === "" ? null : base;
}
