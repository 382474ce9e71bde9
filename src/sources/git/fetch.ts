/**
 * Fetching one ref of a git repository (SPEC §5): a tag, branch or commit, fetched shallow
 * where possible into the clone cache, then its tree (or one folder of it) written out
 * without `.git`.
 *
 * @module
 */

import { cacheRepoOf, fetchInto, findCommit, hasCommit, withCacheRepo } from "./_clone_cache.ts";
import { notFound } from "./_errors.ts";
import { writeTree, type WriteTreeOptions } from "./_write_tree.ts";
import { gitListRefs, type GitRefKind, resolveAgainst, type ResolvedRef } from "./refs.ts";
import { type GitProgress, type GitRemoteOptions, remoteUrl, usesSystemGit } from "./remote.ts";

/** Options for {@link gitFetch}. */
export interface GitFetchOptions extends GitRemoteOptions, WriteTreeOptions {
  /** Repository URL; a leading `git+` is dropped. */
  url: string;
  /** Tag, branch, or full or short commit id; the remote's default branch when left out. */
  ref?: string;
  /** Folder holding the clone cache (`CARO_HOME/cache/git`). */
  cacheDir: string;
  /** Called with fetch progress. */
  onProgress?: (progress: GitProgress) => void;
}

/** What {@link gitFetch} produced. */
export interface GitFetchResult {
  /** The full commit id written out. */
  commit: string;
  /** The ref as resolved: tag or branch name, or the commit id. */
  ref: string;
  /** What the ref named. */
  kind: GitRefKind;
  /** The destination folder. */
  dir: string;
  /** True when the commit was already in the cache and nothing was downloaded. */
  fromCache: boolean;
}

/**
 * Fetches one ref of a repository and writes its tree (or `subdir` of it) to `dest`, without
 * `.git`. Clones are cached under `cacheDir` by URL and reused: a commit already there is not
 * downloaded again, and a tag or branch costs only the ref listing when unchanged. `https://`
 * goes through isomorphic-git; `ssh://`, `user@host:path` and `file://` through the system
 * `git`, run by `options.runner`.
 *
 * @throws {SkillError} `not_found` for a missing ref, commit or folder; `network` when the
 * remote cannot be reached; `validation` for a link leaving the tree or a tree past the limits
 *
 * @example
 * ```ts
 * import { gitFetch } from "./fetch.ts";
 * const root = await Deno.makeTempDir();
 * const git = (...args: string[]) =>
 *   new Deno.Command("git", {
 *     args: ["-C", `${root}/repo`, "-c", "user.name=caro", "-c", "user.email=caro@example.com", ...args],
 *   }).output();
 * await Deno.mkdir(`${root}/repo/skills/notes`, { recursive: true });
 * await Deno.writeTextFile(`${root}/repo/skills/notes/SKILL.md`, "# Notes\n");
 * await git("init", "-q");
 * await git("add", "-A");
 * await git("commit", "-q", "-m", "one");
 * await git("tag", "v1.0.0");
 * const result = await gitFetch({
 *   url: `file://${root}/repo`,
 *   ref: "v1.0.0",
 *   subdir: "skills/notes",
 *   cacheDir: `${root}/cache`,
 *   dest: `${root}/notes`,
 * });
 * if (result.kind !== "tag" || result.fromCache) throw new Error();
 * if (await Deno.readTextFile(`${root}/notes/SKILL.md`) !== "# Notes\n") throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function gitFetch(options: GitFetchOptions): Promise<GitFetchResult> {
  const url = remoteUrl(options.url, options);
  const gitdir = cacheRepoOf(options.cacheDir, url);
  return await withCacheRepo(gitdir, () => fetchLocked(gitdir, url, options));
}

async function fetchLocked(
  gitdir: string,
  url: string,
  options: GitFetchOptions,
): Promise<GitFetchResult> {
  const system = usesSystemGit(url);
  const cache = {};
  let resolved: ResolvedRef | undefined;
  let commit: string | undefined;
  // A full commit id already in the cache needs no network at all (lockfile reinstalls).
  if (options.ref && /^[0-9a-f]{40}$/i.test(options.ref)) {
    const id = options.ref.toLowerCase();
    if (await hasCommit(gitdir, id, cache)) {
      resolved = { kind: "commit", name: id, commit: id };
      commit = id;
    }
  }
  let fromCache = commit !== undefined;
  if (!resolved) {
    resolved = resolveAgainst(await gitListRefs(url, options), options.ref, url);
    if (resolved.commit && await hasCommit(gitdir, resolved.commit, cache)) {
      commit = resolved.commit;
      fromCache = true;
    } else if (resolved.kind === "commit" && !resolved.fullRef) {
      commit = await findCommit(gitdir, resolved.name, cache);
      fromCache = commit !== undefined;
    }
  }
  if (!commit) {
    if (resolved.fullRef) {
      await fetchInto(gitdir, url, options, { ref: resolved.fullRef, system });
      commit = resolved.commit!;
    } else {
      // An unadvertised commit: servers only hand out what refs reach, so fetch them all.
      await fetchInto(gitdir, url, options, { system });
      commit = await findCommit(gitdir, resolved.name, cache);
    }
    if (!commit || !await hasCommit(gitdir, commit, cache)) {
      throw notFound(url, resolved.name, `no commit ${resolved.name} is reachable from its refs`);
    }
  }
  const dir = await writeTree(gitdir, commit, options, cache, url);
  return { commit, ref: resolved.name, kind: resolved.kind, dir, fromCache };
}
