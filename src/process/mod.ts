/**
 * The process edge: a {@link Runner} runs a shell command line or an argv
 * vector and returns its exit code and output. {@link SystemRunner} runs real
 * processes in their own process group (killed whole on timeout or abort);
 * {@link MockRunner} answers from canned globs and runs nothing, for recipe
 * tests only (SPEC §3). {@link withFileLock} is the advisory lock every caro
 * process takes turns with (the state lock, the git cache).
 *
 * @example
 * ```ts
 * import { MockRunner, type Runner } from "./mod.ts";
 * const runner: Runner = new MockRunner([{ command: "git tag *", exit_code: 0 }]);
 * if ((await runner.run("git tag 'v1.0.0'")).code !== 0) throw new Error();
 * ```
 *
 * @module
 */
export {
  MAX_CAPTURE,
  type Runner,
  type RunOptions,
  type RunResult,
  SystemRunner,
} from "./runner.ts";
export { type MockCall, type MockCommand, MockRunner } from "./mock_runner.ts";
export { isProcessAlive } from "./alive.ts";
export { type FileLockOptions, type LockHolder, withFileLock } from "./file_lock.ts";
