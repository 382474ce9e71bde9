/**
 * The one way caro processes take turns: an advisory lock held on an open file
 * (`flock(2)` through `Deno.FsFile.lock`). The kernel releases it when the
 * holder dies, so a killed process never leaves a lock behind and nobody has to
 * guess from a pid or an age whether a lock is stale. A holder that is alive
 * but stuck (stopped with SIGSTOP, hung on a network) is another matter: a
 * waiter says who holds the lock after a moment and gives up at a deadline.
 *
 * @module
 */
import { SkillError } from "../errors/mod.ts";

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Exclusive (default) or shared. */
  exclusive?: boolean;
  /** Give up after this many milliseconds of waiting (default: wait as long as it takes). */
  timeoutMs?: number;
  /** After this many milliseconds of waiting, `onWait` is told (default 1000). */
  noticeMs?: number;
  /** Told once when the wait gets long, with who holds the lock (when known). */
  onWait?: (holder: LockHolder | null) => void;
  /** What this process is doing, recorded for waiters (e.g. `caro skill add ./x`). */
  purpose?: string;
}

/** Who holds a lock, as the holder recorded it beside the lock file. */
export interface LockHolder {
  pid: number;
  /** What it is doing. */
  purpose: string;
  /** When it took the lock (RFC 3339). */
  since: string;
}

/**
 * Runs `fn` holding the lock on `path` (created when missing); other
 * processes asking for the same lock wait. The lock goes with the process.
 * The holder writes who it is to `<path>.owner` so that a waiter can say.
 *
 * @throws {SkillError} `io` when the wait passes `timeoutMs`, naming the holder
 * @example
 * ```ts
 * import { withFileLock } from "./file_lock.ts";
 * const dir = await Deno.makeTempDir();
 * const order: string[] = [];
 * await Promise.all([
 *   withFileLock(`${dir}/.lock`, async () => { order.push("a"); }),
 *   withFileLock(`${dir}/.lock`, async () => { order.push("b"); }),
 * ]);
 * if (order.length !== 2) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const exclusive = options.exclusive ?? true;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { create: true, write: true });
  } catch (error) {
    throw new SkillError("io", `Cannot lock ${path}`, {
      why: error instanceof Error ? error.message : String(error),
      cause: error,
      hints: [{ to: "make its folder writable", run: `ls -ld ${path.replace(/\/[^/]*$/, "")}` }],
    });
  }
  const locked = file.lock(exclusive).then(() => true);
  let notice: ReturnType<typeof setTimeout> | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  try {
    const waited = await Promise.race([
      locked,
      new Promise<false>((resolve) => {
        notice = setTimeout(async () => {
          options.onWait?.(await readHolder(path));
        }, options.noticeMs ?? 1000);
        if (options.timeoutMs !== undefined) {
          deadline = setTimeout(() => resolve(false), options.timeoutMs);
        }
      }),
    ]);
    if (!waited) {
      // The pending lock call cannot be cancelled: release it if it comes.
      locked.then(() => file.close(), () => {});
      const holder = await readHolder(path);
      throw new SkillError(
        "io",
        `Gave up waiting for ${path} after ${Math.round(options.timeoutMs! / 1000)} s`,
        {
          why: holder
            ? `process ${holder.pid} (${holder.purpose}) has held it since ${holder.since}`
            : "another caro process holds it",
          hints: [
            ...(holder
              ? [{ to: "see that process", run: `ps -o pid,stat,args -p ${holder.pid}` }]
              : []),
            { to: "try again when it is done", run: "caro …" },
          ],
        },
      );
    }
  } finally {
    clearTimeout(notice);
    clearTimeout(deadline);
  }
  try {
    if (exclusive) await writeHolder(path, options.purpose);
    return await fn();
  } finally {
    // Closing the file releases the lock.
    file.close();
  }
}

async function writeHolder(path: string, purpose = "caro"): Promise<void> {
  const holder: LockHolder = { pid: Deno.pid, purpose, since: new Date().toISOString() };
  // Best effort: who holds the lock is for messages only, never for deciding.
  await Deno.writeTextFile(`${path}.owner`, JSON.stringify(holder)).catch(() => {});
}

async function readHolder(path: string): Promise<LockHolder | null> {
  try {
    const data = JSON.parse(await Deno.readTextFile(`${path}.owner`));
    return typeof data?.pid === "number" && typeof data?.purpose === "string" ? data : null;
  } catch (error) {
    // No record (an older caro, or a read-only folder): the message says less.
    if (error instanceof Deno.errors.NotFound || error instanceof SyntaxError) return null;
    throw error;
  }
}
