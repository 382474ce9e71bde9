/**
 * The clone cache (`CARO_HOME/cache/git`): one bare repository per remote URL, fetched
 * shallow where possible, shared by every caro process under an OS lock.
 *
 * @module
 */

import git from "isomorphic-git";
import http from "isomorphic-git/http/node";
import fs from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { SkillError } from "../../errors/mod.ts";
import { withFileLock } from "../../process/mod.ts";
import { exists, readTextOrNull } from "../../tree/mod.ts";
import { isGitError, remoteError } from "./_errors.ts";
import { systemFetch } from "./_system_git.ts";
import { authFor, type GitProgress, type GitRemoteOptions } from "./remote.ts";

/** git's "infinite" depth: asks the server to unshallow a shallow clone. */
const UNSHALLOW = 2147483647;

/**
 * The cache repository of a URL: a hash of the URL without credentials, so tokens never
 * name a path.
 */
export function cacheRepoOf(cacheDir: string, url: string): string {
  const clean = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]+@/i, "$1").replace(/\/+$/, "");
  return join(cacheDir, createHash("sha256").update(clean).digest("hex").slice(0, 24));
}

/**
 * Runs `fn` holding the lock of one cache repository (created when missing), so two caro
 * processes never fetch into the same cached clone at once. It is the OS lock the store's
 * state lock uses: the kernel releases it when its holder dies, so a killed update never
 * blocks the next fetch.
 */
export async function withCacheRepo<T>(gitdir: string, fn: () => Promise<T>): Promise<T> {
  await Deno.mkdir(gitdir, { recursive: true });
  // The lock file lives inside the repository it guards; it is never removed, since removing
  // a lock file another process waits on would let a third one lock a new file beside it.
  return await withFileLock(join(gitdir, "caro-fetch.lock"), async () => {
    await ensureCacheRepo(gitdir);
    return await fn();
  });
}

async function ensureCacheRepo(gitdir: string): Promise<void> {
  if (await exists(join(gitdir, "config"))) return;
  await git.init({ fs, gitdir, bare: true });
  // No URL is written: it may carry credentials, and it is passed to every fetch instead.
  await git.setConfig({
    fs,
    gitdir,
    path: "remote.origin.fetch",
    value: "+refs/heads/*:refs/remotes/origin/*",
  });
}

/** Whether the cache holds `oid` as a commit. */
export async function hasCommit(gitdir: string, oid: string, cache: object): Promise<boolean> {
  try {
    await git.readCommit({ fs, gitdir, oid, cache });
    return true;
  } catch (e) {
    if (isGitError(e, "NotFoundError") || isGitError(e, "ObjectTypeError")) return false;
    throw e;
  }
}

/**
 * A commit in the cache by full or short id, or undefined.
 *
 * @throws {SkillError} `usage` for a short id that more than one object starts with
 */
export async function findCommit(
  gitdir: string,
  id: string,
  cache: object,
): Promise<string | undefined> {
  try {
    const oid = await git.expandOid({ fs, gitdir, oid: id, cache });
    return await hasCommit(gitdir, oid, cache) ? oid : undefined;
  } catch (e) {
    if (isGitError(e, "NotFoundError")) return undefined;
    if (isGitError(e, "AmbiguousError")) {
      throw new SkillError("usage", `Cannot use commit ${id}: the short id is ambiguous`, {
        why: "more than one object starts with it",
        hints: [{ to: "pin it exactly", run: "use more characters of the commit id" }],
        cause: e,
      });
    }
    throw e;
  }
}

/**
 * Fetches into the cache repository: one full ref at depth 1, or every branch and tag
 * (unshallowing a shallow cache) when `ref` is undefined. The system git takes ssh and file
 * URLs, isomorphic-git the rest.
 */
export async function fetchInto(
  gitdir: string,
  url: string,
  options: GitRemoteOptions & { onProgress?: (progress: GitProgress) => void },
  how: { ref?: string; system: boolean },
): Promise<void> {
  const unshallow = how.ref === undefined && await isShallow(gitdir);
  if (how.system) {
    const localRef = how.ref === undefined ? undefined : localRefFor(how.ref);
    await systemFetch(gitdir, url, options, { ref: how.ref, localRef, unshallow });
    return;
  }
  try {
    await git.fetch({
      fs,
      http: options.http ?? http,
      gitdir,
      url,
      cache: {},
      onAuth: authFor(options),
      onAuthFailure: () => ({ cancel: true }),
      onProgress: options.onProgress,
      ...(how.ref
        ? { ref: how.ref, singleBranch: true, depth: 1, tags: false }
        : { singleBranch: false, tags: true, ...(unshallow ? { depth: UNSHALLOW } : {}) }),
    });
  } catch (e) {
    throw remoteError(url, e);
  }
}

async function isShallow(gitdir: string): Promise<boolean> {
  return ((await readTextOrNull(join(gitdir, "shallow"))) ?? "").trim() !== "";
}

/** Where the system git stores a fetched ref: branches as remote-tracking refs. */
function localRefFor(ref: string): string {
  return ref.startsWith("refs/heads/")
    ? ref.replace("refs/heads/", "refs/remotes/origin/")
    : ref === "HEAD"
    ? "refs/remotes/origin/HEAD"
    : ref;
}
