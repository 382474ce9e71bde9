/**
 * The few file-system questions every concept asks, each answered once: what a
 * path is (a missing path is an answer, not an error), a file's text or none,
 * a folder's entries or none, removing what may be gone, and the atomic write
 * that state files use.
 *
 * @module
 */

/**
 * A path's information following links, or null when nothing is there.
 *
 * @example
 * ```ts
 * import { statOrNull } from "./fs.ts";
 * if (await statOrNull("/no/such/path") !== null) throw new Error();
 * if (!(await statOrNull("/"))?.isDirectory) throw new Error();
 * ```
 */
export async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * Whether `path` is a regular file, following links (false when missing).
 *
 * @example
 * ```ts
 * import { isFile } from "./fs.ts";
 * if (await isFile("/") || await isFile("/no/such/file")) throw new Error();
 * ```
 */
export async function isFile(path: string): Promise<boolean> {
  return (await statOrNull(path))?.isFile ?? false;
}

/**
 * Whether `path` is a directory, following links (false when missing).
 *
 * @example
 * ```ts
 * import { isDirectory } from "./fs.ts";
 * if (!(await isDirectory("/")) || await isDirectory("/no/such/dir")) throw new Error();
 * ```
 */
export async function isDirectory(path: string): Promise<boolean> {
  return (await statOrNull(path))?.isDirectory ?? false;
}

/**
 * Whether a path exists, without following a final symlink.
 *
 * @example
 * ```ts
 * import { exists } from "./fs.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.symlink(`${dir}/missing`, `${dir}/dangling`);
 * if (!(await exists(`${dir}/dangling`)) || await exists(`${dir}/missing`)) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * A file's text, or null when it does not exist.
 *
 * @example
 * ```ts
 * import { readTextOrNull } from "./fs.ts";
 * if (await readTextOrNull("/no/such/file") !== null) throw new Error();
 * ```
 */
export async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * Removes a file or folder tree; a missing one is fine.
 *
 * @example
 * ```ts
 * import { removeIfExists } from "./fs.ts";
 * await removeIfExists("/tmp/caro-surely-not-there");
 * ```
 */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * A regular file's text. Anything else (a FIFO, a device, a socket planted
 * where a file was) is refused before it is opened: opening a FIFO waits for a
 * writer forever.
 *
 * @throws {Deno.errors.InvalidData} when the path is not a regular file
 * @example
 * ```ts
 * import { readRegularTextFile } from "./fs.ts";
 * const refused = await readRegularTextFile("/dev/null").then(() => false, () => true);
 * if (!refused) throw new Error("a device was read");
 * ```
 */
export async function readRegularTextFile(path: string): Promise<string> {
  const info = await Deno.stat(path);
  if (!info.isFile) {
    throw new Deno.errors.InvalidData(`${path} is not a regular file`);
  }
  return await Deno.readTextFile(path);
}

/**
 * The entries of a folder, or none when it does not exist.
 *
 * @example
 * ```ts
 * import { readDirOrEmpty } from "./fs.ts";
 * if ((await readDirOrEmpty("/no/such/dir")).length !== 0) throw new Error();
 * ```
 */
export async function readDirOrEmpty(path: string): Promise<Deno.DirEntry[]> {
  const entries: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(path)) entries.push(entry);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return entries;
}

/**
 * Writes `text` to `path` atomically: a temp file in the same folder (or in
 * `tempDir`, which must be on the same file system), then rename. Skips the
 * write when the file already holds exactly `text`.
 *
 * @returns whether the file was written
 * @example
 * ```ts
 * import { writeFileAtomic } from "./fs.ts";
 * const dir = await Deno.makeTempDir();
 * if (!(await writeFileAtomic(`${dir}/a.json`, "{}"))) throw new Error();
 * if (await writeFileAtomic(`${dir}/a.json`, "{}")) throw new Error("rewrote the same text");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  text: string,
  tempDir?: string,
): Promise<boolean> {
  const current = await readTextOrNull(path);
  if (current === text) return false;
  const slash = path.lastIndexOf("/");
  const temp = `${tempDir ?? path.slice(0, slash)}/.${path.slice(slash + 1)}.${randomTag()}.tmp`;
  try {
    await Deno.writeTextFile(temp, text);
    await Deno.rename(temp, path);
  } catch (error) {
    await removeIfExists(temp);
    throw error;
  }
  return true;
}

/**
 * Random hex for unique temp names.
 *
 * @example
 * ```ts
 * import { randomTag } from "./fs.ts";
 * if (!/^[0-9a-f]{12}$/.test(randomTag())) throw new Error();
 * ```
 */
export function randomTag(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
