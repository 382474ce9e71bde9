/**
 * Path and link rules shared by archive extraction and git checkout: every name that comes
 * from a downloaded tree is untrusted (SPEC §5), and the staging folder that receives it is
 * renamed into place only when the whole tree passed.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { SkillError } from "../errors/mod.ts";

/** Why a tree entry is refused; used as the message of the thrown error. */
export function refusedEntry(what: string, entry: string, rule: string): SkillError {
  return new SkillError("validation", `Refused ${what} entry "${entry}": ${rule}`, {
    why: "a skill may only contain regular files and folders inside its own folder (SPEC §5)",
    hints: [{ to: "inspect the archive", run: "tar tvf <archive> (or: unzip -l <archive>)" }],
  });
}

/**
 * Normalises an entry name to a relative `/`-separated path ("" for the root itself), or
 * throws when it could land outside the destination: absolute paths, drive letters,
 * backslashes, NUL bytes and any `..` component are refused.
 */
export function safeRelativePath(what: string, name: string): string {
  if (name.includes("\0")) throw refusedEntry(what, name, "the name contains a NUL byte");
  if (name.includes("\\")) {
    throw refusedEntry(what, name, "the name contains a backslash (a Windows path separator)");
  }
  if (/^[A-Za-z]:/.test(name)) {
    throw refusedEntry(what, name, "the name starts with a drive letter");
  }
  if (name.startsWith("/")) throw refusedEntry(what, name, "the name is an absolute path");
  const parts = name.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) throw refusedEntry(what, name, 'the name has a ".." component');
  return parts.join("/");
}

/**
 * Checks a symbolic link target for a link at `linkPath` (relative, normalised) and returns
 * the target as it will be written. Only relative targets made of leading `..` components then
 * plain names are accepted, and they must resolve inside the tree: a `..` after a name could
 * walk back through another link and so be judged wrongly by a lexical check.
 */
export function safeLinkTarget(what: string, linkPath: string, target: string): string {
  const refuse = (rule: string) => refusedEntry(what, linkPath, `link to "${target}" ${rule}`);
  if (target === "" || target.includes("\0") || target.includes("\\")) {
    throw refuse("has an empty or invalid target");
  }
  if (target.startsWith("/") || /^[A-Za-z]:/.test(target)) throw refuse("is absolute");
  const parts = target.split("/").filter((part) => part !== "" && part !== ".");
  let ups = 0;
  while (ups < parts.length && parts[ups] === "..") ups++;
  if (parts.slice(ups).includes("..")) throw refuse('has a ".." after a name');
  const depth = linkPath.split("/").length - 1;
  if (ups > depth) throw refuse("leaves the folder");
  return parts.join("/");
}

/** Hands out a fresh staging folder beside `destDir` and moves it into place at the end. */
export class StagingDir {
  /** The staging folder: a sibling of the destination so the final rename is atomic. */
  readonly path: string;
  private constructor(path: string, private readonly destDir: string) {
    this.path = path;
  }

  /** Creates the staging folder; refuses a destination that already has content. */
  static async create(destDir: string): Promise<StagingDir> {
    try {
      for await (const _ of Deno.readDir(destDir)) {
        throw new SkillError("io", `Cannot write into ${destDir}: the folder is not empty`, {
          why: "a fetched tree is moved into place whole and never merged into existing files",
        });
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const parent = dirname(destDir);
    await Deno.mkdir(parent, { recursive: true });
    const path = await Deno.makeTempDir({ dir: parent, prefix: `.${basename(destDir)}.partial-` });
    return new StagingDir(path, destDir);
  }

  /**
   * Moves the staged tree to the destination; with `stripSingleRoot`, when the tree is exactly
   * one folder, that folder's content becomes the destination (GitHub's `repo-v1/…`).
   * @returns the stripped folder name, if any
   */
  async commit(stripSingleRoot: boolean): Promise<string | undefined> {
    let source = this.path;
    let stripped: string | undefined;
    if (stripSingleRoot) {
      const entries: Deno.DirEntry[] = [];
      for await (const entry of Deno.readDir(this.path)) {
        entries.push(entry);
        if (entries.length > 1) break;
      }
      if (entries.length === 1 && entries[0].isDirectory) {
        stripped = entries[0].name;
        source = join(this.path, stripped);
      }
    }
    // rename(2) replaces an empty destination folder and fails on a non-empty one.
    await Deno.rename(source, this.destDir);
    if (source !== this.path) await Deno.remove(this.path);
    return stripped;
  }

  /** Removes the staging folder and all it holds. */
  async discard(): Promise<void> {
    await Deno.remove(this.path, { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
}

/** The file mode to write: executable bits kept as 0o755, everything else 0o644. */
export function fileMode(mode: number | undefined): number {
  return mode !== undefined && (mode & 0o111) !== 0 ? 0o755 : 0o644;
}
