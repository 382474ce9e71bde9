/**
 * Runs the real `caro` CLI as a subprocess with the binary's permission flags,
 * for integration tests that assert exit code, stdout and stderr.
 *
 * @example
 * ```ts ignore
 * import { runCaro } from "./cli.ts";
 * const home = await Deno.makeTempDir();
 * const { code, stdout } = await runCaro(["skill", "list", "--format", "json"], { home });
 * if (code !== 0) throw new Error();
 * JSON.parse(stdout);
 * ```
 *
 * @module
 */

/** The Deno permission flags of the `caro` binary (deno.json task `caro`). */
export const CARO_PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-run",
  "--allow-sys",
];

/** The CLI entry point. */
export const CARO_MAIN = new URL("../../src/cli/main.ts", import.meta.url).pathname;

/** Options of {@link runCaro}. */
export interface RunCaroOptions {
  /** `$CARO_HOME` for the run (the caller makes a temp dir per test). */
  home?: string;
  /** More environment variables. */
  env?: Record<string, string>;
  /** Text written to stdin (stdin is closed either way, so nothing waits on it). */
  stdin?: string;
  /** Working directory (default the repository root). */
  cwd?: string;
}

/** The outcome of one run. */
export interface CaroRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The `Deno.Command` that runs caro with `args`; for tests that need the child itself. */
export function caroCommand(args: string[], options: RunCaroOptions = {}): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...CARO_PERMISSIONS, CARO_MAIN, ...args],
    cwd: options.cwd ?? new URL("../..", import.meta.url).pathname,
    env: {
      NO_COLOR: "1",
      ...(options.home ? { CARO_HOME: options.home } : {}),
      ...(options.env ?? {}),
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs `caro ARGS…` to completion and returns its exit code and output. */
export async function runCaro(args: string[], options: RunCaroOptions = {}): Promise<CaroRun> {
  const child = caroCommand(args, options).spawn();
  const writer = child.stdin.getWriter();
  if (options.stdin) await writer.write(new TextEncoder().encode(options.stdin));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}
