import { SkillError } from "../errors/mod.ts";

/** Options of one {@link Runner.run}. */
export interface RunOptions {
  /** Working directory (default the current one). */
  cwd?: string;
  /** Extra environment variables, added to the inherited ones. */
  env?: Record<string, string>;
  /** Start from an empty environment: the process sees only `env`. */
  clearEnv?: boolean;
  /** Kill the whole process group after this many milliseconds. */
  timeoutMs?: number;
  /** Aborting kills the whole process group (Ctrl-C during a step). */
  signal?: AbortSignal;
  /** Called with each chunk of output as it arrives (for a progress tail). */
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  /**
   * Run it on the user's terminal: stdin, stdout and stderr are inherited and
   * nothing is captured, and it stays in caro's session so that the terminal's
   * Ctrl-C reaches it. For the user's own command only (`caro ask`), never a
   * skill's.
   */
  interactive?: boolean;
}

/** What a finished (or killed) process left. */
export interface RunResult {
  /** Exit code; 128 + signal number when killed by a signal. */
  code: number;
  /** Standard output (the last {@link MAX_CAPTURE} bytes when longer). */
  stdout: string;
  /** Standard error (the last {@link MAX_CAPTURE} bytes when longer). */
  stderr: string;
  /** Killed because `timeoutMs` passed. */
  timedOut: boolean;
  /** Killed because `signal` was aborted. */
  interrupted: boolean;
}

/**
 * The process edge: runs a command line (through `sh -c`) or an argv vector.
 * Operations take a `Runner` so recipe tests can swap in {@link MockRunner}.
 */
export interface Runner {
  /**
   * Runs `command`: a string is a shell command line given to `sh -c`; an
   * array is an argv vector run without a shell.
   */
  run(command: string | readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** Output kept per stream; the head is dropped past it (the tail is what users need). */
export const MAX_CAPTURE = 1024 * 1024;

/** Time a process group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2000;

let setsidPath: string | null | undefined;

/**
 * Runs commands as real processes with `Deno.Command`. Each command starts in
 * a new session (`setsid`), so a timeout or an abort kills the whole process
 * group (`sh -c 'sleep 100 & sleep 100'` leaves nothing behind): SIGTERM,
 * then SIGKILL after two seconds.
 *
 * @example
 * ```ts
 * import { SystemRunner } from "./runner.ts";
 * if ((await Deno.permissions.query({ name: "run" })).state === "granted") {
 *   const runner = new SystemRunner();
 *   const ok = await runner.run("printf '%s' hello");
 *   if (ok.code !== 0 || ok.stdout !== "hello") throw new Error(ok.stderr);
 *   const slow = await runner.run("sleep 30", { timeoutMs: 200 });
 *   if (!slow.timedOut) throw new Error("not killed");
 * }
 * ```
 */
export class SystemRunner implements Runner {
  async run(command: string | readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const argv = typeof command === "string" ? ["sh", "-c", command] : [...command];
    if (argv.length === 0) throw new SkillError("internal", "Cannot run an empty command");
    const setsid = options.interactive ? null : await findSetsid();
    // setsid execs the command in a new session whose process group id is
    // the child's pid, so Deno.kill(-pid) reaches every process it started.
    const [program, ...args] = setsid ? [setsid, ...argv] : argv;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(program, {
        args,
        cwd: options.cwd,
        env: options.env,
        clearEnv: options.clearEnv,
        stdin: options.interactive ? "inherit" : "null",
        stdout: options.interactive ? "inherit" : "piped",
        stderr: options.interactive ? "inherit" : "piped",
      }).spawn();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        return {
          code: 127,
          stdout: "",
          stderr: `${argv[0]}: command not found`,
          timedOut: false,
          interrupted: false,
        };
      }
      throw new SkillError("io", `Cannot start ${argv[0]}`, { cause: error, why: String(error) });
    }
    let timedOut = false;
    let interrupted = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const killGroup = () => {
      const signal = (name: Deno.Signal) => {
        try {
          Deno.kill(setsid ? -child.pid : child.pid, name);
        } catch (error) {
          // ESRCH: the group is already gone, which is what we wanted.
          if (!(error instanceof Deno.errors.NotFound) && !isNoSuchProcess(error)) throw error;
        }
      };
      signal("SIGTERM");
      killTimer ??= setTimeout(() => signal("SIGKILL"), KILL_GRACE_MS);
    };
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = () => {
      interrupted = true;
      killGroup();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const [stdout, stderr, status] = await Promise.all([
        options.interactive ? "" : collect(child.stdout, "stdout", options.onOutput),
        options.interactive ? "" : collect(child.stderr, "stderr", options.onOutput),
        child.status,
      ]);
      const code = status.signal ? 128 + signalNumber(status.signal) : status.code;
      return { code, stdout, stderr, timedOut, interrupted };
    } finally {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }
}

async function findSetsid(): Promise<string | null> {
  if (setsidPath !== undefined) return setsidPath;
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    try {
      const candidate = `${dir}/setsid`;
      if ((await Deno.stat(candidate)).isFile) return setsidPath = candidate;
    } catch (error) {
      if (
        !(error instanceof Deno.errors.NotFound) && !(error instanceof Deno.errors.NotADirectory)
      ) {
        throw error;
      }
    }
  }
  return setsidPath = null;
}

function isNoSuchProcess(error: unknown): boolean {
  return error instanceof Error && /ESRCH|No such process/i.test(error.message);
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  name: "stdout" | "stderr",
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void,
): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    onOutput?.(chunk, name);
    text += chunk;
    if (text.length > MAX_CAPTURE * 2) text = text.slice(-MAX_CAPTURE);
  }
  return text.length > MAX_CAPTURE ? text.slice(-MAX_CAPTURE) : text;
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
};
function signalNumber(signal: Deno.Signal): number {
  return SIGNALS[signal] ?? 1;
}
