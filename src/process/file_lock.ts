/**
 * The one way caro processes take turns: an advisory lock held on an open file
 * (`flock(2)` through `Deno.FsFile.lock`). The kernel releases it when the
 * holder dies, so a killed process never leaves a lock behind and nobody has to
 * guess from a pid or an age whether a lock is stale.
 *
 * @module
 */

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Exclusive (default) or shared. */
  exclusive?: boolean;
}

/**
 * Runs `fn` holding the lock on `path` (created when missing); other
 * processes asking for the same lock wait. The lock goes with the process.
 *
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
  const file = await Deno.open(path, { create: true, write: true });
  try {
    await file.lock(options.exclusive ?? true);
    return await fn();
  } finally {
    // Closing the file releases the lock.
    file.close();
  }
}
