import { createHash } from "node:crypto";
import { listRegularFiles } from "./walk.ts";

/** One line of the canonical tree hash: a file and the SHA-256 of its content. */
export interface TreeHashEntry {
  /** `/`-separated path relative to the hashed folder. */
  path: string;
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string;
}

/** The canonical tree hash of a folder (SPEC §4) and the lines it was computed from. */
export interface TreeHash {
  /** `sha256:` + hex of the SHA-256 of all lines: the lock's `integrity`. */
  integrity: string;
  /** Every regular file, in byte order of its path. */
  files: TreeHashEntry[];
}

/** Files up to this size are read whole; larger ones are streamed. */
const WHOLE_FILE = 16 << 20;
/** Chunk size when streaming a big file. */
const CHUNK = 1 << 20;
/** Files hashed at once: reads overlap with hashing. */
const IN_FLIGHT = 8;

/**
 * The canonical tree hash of SPEC §4: every regular file of `dir` except `.git/`
 * (symlinks and special files are not regular files and are left out), sorted by
 * its `/`-separated relative path in byte order, one line
 * `<sha256 hex of content>  <path>\n` each, and the SHA-256 of all lines.
 *
 * @throws {Deno.errors.NotFound} when `dir` does not exist
 * @example
 * ```ts
 * import { treeHash, treeHashLines } from "./tree_hash.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "hello\n");
 * const { integrity, files } = await treeHash(dir);
 * const lines = treeHashLines(files);
 * if (lines !== "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a.txt\n") throw new Error(lines);
 * if (!integrity.startsWith("sha256:")) throw new Error(integrity);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function treeHash(dir: string): Promise<TreeHash> {
  const paths = await listRegularFiles(dir);
  const hashes = new Array<string>(paths.length);
  // Measured (bench/store_bench.ts): per-file system calls dominate on small files, so
  // whole-file reads with a few in flight beat one open/read loop at a time by ~3x.
  // crypto.subtle.digest is about as fast but cannot stream, node:crypto can.
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      hashes[i] = await hashFile(`${dir}/${paths[i]}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, paths.length) }, worker));
  const files = paths.map((path, i) => ({ path, sha256: hashes[i] }));
  return { integrity: integrityOf(files), files };
}

/**
 * The lines a tree hash is computed from, `<sha256>  <path>\n` each.
 *
 * @example
 * ```ts
 * import { treeHashLines } from "./tree_hash.ts";
 * const text = treeHashLines([{ path: "a", sha256: "00" }, { path: "b/c", sha256: "11" }]);
 * if (text !== "00  a\n11  b/c\n") throw new Error(text);
 * ```
 */
export function treeHashLines(files: readonly TreeHashEntry[]): string {
  let text = "";
  for (const file of files) text += `${file.sha256}  ${file.path}\n`;
  return text;
}

/**
 * The `integrity` value (`sha256:<hex>`) of already hashed files, which must be
 * in byte order of their paths.
 *
 * @example
 * ```ts
 * import { integrityOf } from "./tree_hash.ts";
 * // The SHA-256 of no lines at all is the SHA-256 of the empty string.
 * if (integrityOf([]) !== "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") throw new Error();
 * ```
 */
export function integrityOf(files: readonly TreeHashEntry[]): string {
  return `sha256:${createHash("sha256").update(treeHashLines(files)).digest("hex")}`;
}

/**
 * The SHA-256 hex of one file, streamed in 1 MiB chunks when over 16 MiB.
 *
 * @example
 * ```ts
 * import { hashFile } from "./tree_hash.ts";
 * const file = await Deno.makeTempFile();
 * await Deno.writeTextFile(file, "");
 * if (await hashFile(file) !== "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") throw new Error();
 * await Deno.remove(file);
 * ```
 */
export async function hashFile(path: string): Promise<string> {
  const { size } = await Deno.stat(path);
  if (size <= WHOLE_FILE) {
    return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
  }
  const file = await Deno.open(path);
  try {
    const hash = createHash("sha256");
    const buffer = new Uint8Array(CHUNK);
    while (true) {
      const n = await file.read(buffer);
      if (n === null) break;
      hash.update(buffer.subarray(0, n));
    }
    return hash.digest("hex");
  } finally {
    file.close();
  }
}

/**
 * The file name under which a tree hash's lines are recorded (`<hex>.lines`),
 * so that a later diff knows what an installed version held.
 *
 * @example
 * ```ts
 * import { treeRecordName } from "./tree_hash.ts";
 * if (treeRecordName("sha256:ab12") !== "ab12.lines") throw new Error();
 * ```
 */
export function treeRecordName(integrity: string): string {
  return `${integrity.slice(integrity.indexOf(":") + 1)}.lines`;
}

/**
 * Reads the lines written by {@link treeHashLines} back into entries.
 *
 * @example
 * ```ts
 * import { parseTreeHashLines } from "./tree_hash.ts";
 * const files = parseTreeHashLines("00  a\n11  b c/d\n");
 * if (files[1].path !== "b c/d" || files[1].sha256 !== "11") throw new Error();
 * ```
 */
export function parseTreeHashLines(text: string): TreeHashEntry[] {
  return text.split("\n").filter((l) => l !== "").map((line) => {
    const gap = line.indexOf("  ");
    return { sha256: line.slice(0, gap), path: line.slice(gap + 2) };
  });
}

/** Files added, removed and changed between two trees. */
export interface FileChanges {
  /** In the new tree only. */
  added: string[];
  /** In the old tree only. */
  removed: string[];
  /** In both, with other content. */
  changed: string[];
}

/**
 * Added, removed and changed files between two lists of tree-hash lines.
 *
 * @example
 * ```ts
 * import { diffTrees } from "./tree_hash.ts";
 * const d = diffTrees(
 *   [{ path: "a.md", sha256: "1" }, { path: "b.md", sha256: "2" }],
 *   [{ path: "a.md", sha256: "9" }, { path: "c.md", sha256: "3" }],
 * );
 * if (d.changed[0] !== "a.md" || d.removed[0] !== "b.md" || d.added[0] !== "c.md") throw new Error();
 * ```
 */
export function diffTrees(
  before: readonly TreeHashEntry[],
  after: readonly TreeHashEntry[],
): FileChanges {
  const old = new Map(before.map((f) => [f.path, f.sha256]));
  const now = new Map(after.map((f) => [f.path, f.sha256]));
  const changes: FileChanges = { added: [], removed: [], changed: [] };
  for (const [path, sha] of now) {
    if (!old.has(path)) changes.added.push(path);
    else if (old.get(path) !== sha) changes.changed.push(path);
  }
  for (const path of old.keys()) if (!now.has(path)) changes.removed.push(path);
  return changes;
}
