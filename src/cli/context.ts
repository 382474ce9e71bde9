import type { Command } from "commander";
import { type GlobalOptions, Output } from "./output.ts";

/** What every command reads from the global options. */
export interface CommandContext {
  /** The global options (`--home`, `--quiet`, `--no-color`, `--skills`). */
  globals(): GlobalOptions;
  /** The output for this run, honouring `--quiet` and `--no-color`. */
  output(): Output;
  /**
   * The exit code when the command succeeds (default 0): `caro skill exec`
   * exits with the code of the command it ran.
   */
  exitCode: number;
}

/** A context reading the global options of `program` once they are parsed. */
export function contextOf(program: Command): CommandContext {
  let output: Output | undefined;
  const globals = () => program.opts<GlobalOptions>();
  return {
    globals,
    output: () => output ??= new Output({ quiet: globals().quiet, color: globals().color }),
    exitCode: 0,
  };
}
