/**
 * The one walker over a folder on disk, and the byte order every listing uses.
 *
 * @module
 */

/** What a walked entry is; links are reported, never followed. */
export type TreeEntryKind = "file" | "symlink" | "other";

/** One entry below the walked folder (folders themselves are walked, not listed). */
export interface TreeEntry {
  /** `/`-separated path relative to the walked folder. */
  path: string;
  /** A regular file, a symbolic link, or anything else (device, fifo, socket). */
  kind: TreeEntryKind;
}

/**
 * Every entry below `dir` except the top-level `.git/`, in byte order of its
 * path. Symbolic links are listed, not followed; folders are walked into.
 *
 * @throws {Deno.errors.NotFound} when `dir` does not exist
 * @example
 * ```ts
 * import { walkTree } from "./walk.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/.git`);
 * await Deno.writeTextFile(`${dir}/.git/HEAD`, "x");
 * await Deno.mkdir(`${dir}/b`);
 * await Deno.writeTextFile(`${dir}/b/c.md`, "x");
 * await Deno.symlink("b/c.md", `${dir}/a`);
 * const seen = (await walkTree(dir)).map((e) => `${e.kind}:${e.path}`).join();
 * if (seen !== "symlink:a,file:b/c.md") throw new Error(seen);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function walkTree(dir: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const walk = async (relative: string): Promise<void> => {
    const absolute = relative === "" ? dir : `${dir}/${relative}`;
    for await (const entry of Deno.readDir(absolute)) {
      if (relative === "" && entry.name === ".git") continue;
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isSymlink) entries.push({ path, kind: "symlink" });
      else if (entry.isDirectory) await walk(path);
      else entries.push({ path, kind: entry.isFile ? "file" : "other" });
    }
  };
  await walk("");
  return entries.sort((a, b) => compareBytes(a.path, b.path));
}

/**
 * The regular files under `dir`, `/`-separated, byte-sorted, `.git/` excluded.
 *
 * @example
 * ```ts
 * import { listRegularFiles } from "./walk.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/.git`);
 * await Deno.writeTextFile(`${dir}/.git/HEAD`, "x");
 * await Deno.writeTextFile(`${dir}/b`, "x");
 * await Deno.writeTextFile(`${dir}/B`, "x");
 * if ((await listRegularFiles(dir)).join() !== "B,b") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function listRegularFiles(dir: string): Promise<string[]> {
  return (await walkTree(dir)).filter((e) => e.kind === "file").map((e) => e.path);
}

/**
 * Compares two strings by their UTF-8 bytes: the order of SPEC §4's tree hash.
 *
 * @example
 * ```ts
 * import { compareBytes } from "./walk.ts";
 * if (["b", "B", "a"].sort(compareBytes).join("") !== "Bab") throw new Error();
 * ```
 */
export function compareBytes(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}
const encoder = new TextEncoder();

/**
 * Copies the listed files (paths relative to both folders) from `from` into
 * `to`, creating folders as needed. Each file is read through links, so a link
 * that stays inside becomes a plain file.
 *
 * @example
 * ```ts
 * import { copyFiles } from "./walk.ts";
 * const from = await Deno.makeTempDir();
 * const to = `${await Deno.makeTempDir()}/copy`;
 * await Deno.mkdir(`${from}/a`);
 * await Deno.writeTextFile(`${from}/a/b.md`, "hi");
 * await copyFiles(from, to, ["a/b.md"]);
 * if (await Deno.readTextFile(`${to}/a/b.md`) !== "hi") throw new Error();
 * ```
 */
export async function copyFiles(from: string, to: string, files: readonly string[]): Promise<void> {
  const made = new Set<string>();
  await Deno.mkdir(to, { recursive: true });
  for (const file of files) {
    const slash = file.lastIndexOf("/");
    if (slash > 0) {
      const dir = file.slice(0, slash);
      if (!made.has(dir)) {
        await Deno.mkdir(`${to}/${dir}`, { recursive: true });
        made.add(dir);
      }
    }
    await Deno.copyFile(`${from}/${file}`, `${to}/${file}`);
  }
}
