/**
 * Writing one commit's tree (or a folder of it) out of the clone cache, without `.git`, by
 * the rules that archives follow: plain relative names, no link leaving the tree, bounded
 * size, built in a staging folder that becomes the destination only when all of it passed.
 *
 * @module
 */

import git from "isomorphic-git";
import fs from "node:fs";
import { join } from "node:path";
import {
  DEFAULT_EXTRACT_LIMITS,
  type ExtractLimits,
  fileMode,
  refusedEntry,
  safeLinkTarget,
  safeRelativePath,
  StagingDir,
} from "../../tree/mod.ts";
import { isGitError, notFound } from "./_errors.ts";

/** What {@link writeTree} writes and how far it may go. */
export interface WriteTreeOptions {
  /** Only this folder of the repository. */
  subdir?: string;
  /** Folder to create with the tree (must not exist, or be empty). */
  dest: string;
  /** Write symbolic links whose target stays inside the tree instead of refusing them. */
  allowInternalLinks?: boolean;
  /** Bounds on the tree written; the archive defaults otherwise. */
  limits?: Partial<Pick<ExtractLimits, "maxFiles" | "maxTotalBytes">>;
}

/** Blob writes in flight: they overlap inflating one blob with writing another. */
const WRITERS = 8;

/**
 * Writes the tree of `commit` (or its `subdir`) to a staging folder, then moves it to
 * `dest`; returns `dest`.
 *
 * @throws {SkillError} `not_found` for a missing folder, `validation` for a refused entry
 */
export async function writeTree(
  gitdir: string,
  commit: string,
  options: WriteTreeOptions,
  cache: object,
  url: string,
): Promise<string> {
  const what = "git tree";
  const sub = options.subdir ? safeRelativePath(what, options.subdir) : "";
  let treeOid: string;
  try {
    treeOid =
      (await git.readTree({ fs, gitdir, oid: commit, filepath: sub || undefined, cache })).oid;
  } catch (e) {
    if (isGitError(e, "NotFoundError") || isGitError(e, "ObjectTypeError")) {
      throw notFound(
        url,
        options.subdir ?? "",
        `commit ${commit.slice(0, 12)} has no folder "${sub}"`,
      );
    }
    throw e;
  }
  const limits = { ...DEFAULT_EXTRACT_LIMITS, ...options.limits };
  const staging = await StagingDir.create(options.dest);
  const links: Array<{ path: string; target: string }> = [];
  const files: Array<{ path: string; oid: string; mode: string }> = [];
  let entries = 0;
  let bytes = 0;
  const walk = async (oid: string, prefix: string): Promise<void> => {
    const { tree } = await git.readTree({ fs, gitdir, oid, cache });
    for (const entry of tree) {
      const path = prefix ? `${prefix}/${entry.path}` : entry.path;
      if (++entries > limits.maxFiles) {
        throw refusedEntry(
          what,
          path,
          `the tree has more than ${limits.maxFiles} entries (maxFiles)`,
        );
      }
      // Tree entry names come from the remote: the same rules as archive entries.
      if (safeRelativePath(what, path) !== path || entry.path === ".git") {
        throw refusedEntry(what, path, "the name is not a plain relative path");
      }
      const full = join(staging.path, path);
      if (entry.type === "tree") {
        await Deno.mkdir(full, { mode: 0o755 });
        await walk(entry.oid, path);
      } else if (entry.type === "commit") {
        continue; // A submodule: its content lives in another repository and is not fetched.
      } else if (entry.mode === "120000") {
        const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid, cache });
        const target = new TextDecoder().decode(blob);
        if (!options.allowInternalLinks) {
          throw refusedEntry(what, path, `symbolic links are not allowed (link to "${target}")`);
        }
        links.push({ path, target: safeLinkTarget(what, path, target) });
      } else {
        files.push({ path, oid: entry.oid, mode: entry.mode });
      }
    }
  };
  const writeFile = async (file: { path: string; oid: string; mode: string }) => {
    const { blob } = await git.readBlob({ fs, gitdir, oid: file.oid, cache });
    bytes += blob.length;
    if (bytes > limits.maxTotalBytes) {
      throw refusedEntry(
        what,
        file.path,
        `the content exceeds ${limits.maxTotalBytes} bytes (maxTotalBytes)`,
      );
    }
    await Deno.writeFile(join(staging.path, file.path), blob, {
      createNew: true,
      mode: fileMode(file.mode === "100755" ? 0o755 : 0o644),
    });
  };
  try {
    await walk(treeOid, "");
    const queue = files.slice();
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        try {
          await writeFile(file);
        } catch (e) {
          queue.length = 0; // stop the other writers too
          throw e;
        }
      }
    };
    // Let every writer stop before the staging folder may be discarded.
    const settled = await Promise.allSettled(Array.from({ length: WRITERS }, worker));
    const failed = settled.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    for (const link of links) await Deno.symlink(link.target, join(staging.path, link.path));
    await staging.commit(false);
  } catch (e) {
    await staging.discard();
    throw e;
  }
  return options.dest;
}
