/**
 * Whether process `pid` is running, by asking `ps -p` (Deno refuses /proc
 * without --allow-all). Returns `null` when that cannot be known: no `ps`, or
 * no permission to run it; callers then fall back on the age of what the
 * process left behind.
 *
 * @example
 * ```ts
 * import { isProcessAlive } from "./alive.ts";
 * if (await isProcessAlive(Deno.pid) === false) throw new Error("this process is running");
 * ```
 */
export async function isProcessAlive(pid: number): Promise<boolean | null> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === Deno.pid) return true;
  try {
    const { code } = await new Deno.Command("ps", {
      args: ["-p", String(pid)],
      stdout: "null",
      stderr: "null",
    }).output();
    return code === 0;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotCapable) {
      return null;
    }
    throw error;
  }
}
