import picomatch from "picomatch";
import type { Runner, RunOptions, RunResult } from "./runner.ts";

/** One canned answer of a {@link MockRunner}: SPEC §3 `mock_commands`. */
export interface MockCommand {
  /** A glob over the whole command line (`*` also matches `/` and spaces). */
  command: string;
  exit_code?: number;
  stdout?: string;
  stderr?: string;
}

/** One command a {@link MockRunner} was asked to run. */
export interface MockCall {
  /** The command line (argv vectors are shown joined with spaces). */
  command: string;
  /** The glob that answered, or null when none matched. */
  matched: string | null;
  options: RunOptions;
}

/**
 * A process edge that runs nothing: each command line is answered by the
 * first mock whose glob matches it, and every call is recorded. A command no
 * mock matches gets exit code 127 and is listed in {@link MockRunner.unmatched},
 * so a recipe test can fail naming it. For recipe tests only (SPEC §3).
 *
 * @example
 * ```ts
 * import { MockRunner } from "./mock_runner.ts";
 * const runner = new MockRunner([{ command: "tar -tf *", exit_code: 0, stdout: "./a\n" }]);
 * const listed = await runner.run("tar -tf '/backups/b.tar.gz'");
 * if (listed.code !== 0 || listed.stdout !== "./a\n") throw new Error();
 * const other = await runner.run("rm -rf '/'");
 * if (other.code !== 127 || runner.unmatched[0] !== "rm -rf '/'") throw new Error();
 * ```
 */
export class MockRunner implements Runner {
  /** Every call, in order. */
  readonly calls: MockCall[] = [];
  readonly #mocks: Array<{ mock: MockCommand; isMatch: (text: string) => boolean }>;

  /** @param mocks tried in order; the first match answers */
  constructor(mocks: readonly MockCommand[]) {
    this.#mocks = mocks.map((mock) => ({
      mock,
      // bash: a single `*` crosses `/`, so "tar *" matches any tar command line;
      // flag s: and newlines, which a quoted value may hold.
      // A command may start with `!` (`! git rev-parse …`): picomatch would read
      // that as negation and match every other command, so it is taken literally.
      isMatch: picomatch(mock.command, { bash: true, dot: true, flags: "s", nonegate: true }),
    }));
  }

  /** Commands no mock answered, in order. */
  get unmatched(): string[] {
    return this.calls.filter((c) => c.matched === null).map((c) => c.command);
  }

  run(command: string | readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const text = typeof command === "string" ? command : command.join(" ");
    const found = this.#mocks.find((m) => m.isMatch(text));
    this.calls.push({ command: text, matched: found?.mock.command ?? null, options });
    if (!found) {
      return Promise.resolve({
        code: 127,
        stdout: "",
        stderr: `no mock matches: ${text}`,
        timedOut: false,
        interrupted: false,
      });
    }
    const { stdout = "", stderr = "", exit_code: code = 0 } = found.mock;
    if (stdout) options.onOutput?.(stdout, "stdout");
    if (stderr) options.onOutput?.(stderr, "stderr");
    return Promise.resolve({ code, stdout, stderr, timedOut: false, interrupted: false });
  }
}
