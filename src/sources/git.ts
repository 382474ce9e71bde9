/**
 * Git sources (SPEC §5): a tag, branch or commit of a repository, fetched shallow where
 * possible into a clone cache keyed by URL, then its tree (or one folder of it) written out
 * without `.git`. `https://` goes through isomorphic-git; `ssh://`, `user@host:path` and
 * `file://` go through the system `git` program.
 *
 * @module
 */

import git, {
  type AuthCallback,
  type GitProgressEvent,
  type HttpClient,
  type ServerRef,
} from "isomorphic-git";
import http from "isomorphic-git/http/node";
import fs from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { redactCredentials, SkillError } from "../errors/mod.ts";
import { isProcessAlive } from "../process/mod.ts";
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from "./archive.ts";
import { checkTransport } from "./download.ts";
import {
  fileMode,
  refusedEntry,
  safeLinkTarget,
  safeRelativePath,
  StagingDir,
} from "./_safe_tree.ts";

/** What a ref named: a tag, a branch, a commit id, or the remote's default branch. */
export type GitRefKind = "tag" | "branch" | "commit";

/** Progress of a git fetch, as isomorphic-git reports it (`phase`, `loaded`, `total`). */
export type GitProgress = GitProgressEvent;

/** How to reach a remote: shared by {@link gitFetch}, {@link gitListTags}, {@link gitResolveRef}. */
export interface GitRemoteOptions {
  /** Access token for a private https repository; sent through `onAuth`, never stored. */
  token?: string;
  /** User name sent with the token. Default `x-access-token` (GitHub, Gitea); GitLab wants `oauth2`. */
  username?: string;
  /** Allow plain `http://` to hosts other than loopback. Default false. */
  insecure?: boolean;
  /** The HTTP edge for isomorphic-git. Default `isomorphic-git/http/node`. */
  http?: HttpClient;
  /** The git program used for ssh and file URLs. Default `git`. */
  gitBinary?: string;
}

/** Options for {@link gitFetch}. */
export interface GitFetchOptions extends GitRemoteOptions {
  /** Repository URL; a leading `git+` is dropped. */
  url: string;
  /** Tag, branch, or full or short commit id; the remote's default branch when left out. */
  ref?: string;
  /** Only this folder of the repository (a skill inside a monorepo). */
  subdir?: string;
  /** Folder holding the clone cache (`CARO_HOME/cache/git`). */
  cacheDir: string;
  /** Folder to create with the tree (must not exist, or be empty). */
  dest: string;
  /** Called with fetch progress. */
  onProgress?: (progress: GitProgress) => void;
  /** Write symbolic links whose target stays inside the tree instead of refusing them. */
  allowInternalLinks?: boolean;
  /** Bounds on the tree written (maxFiles, maxTotalBytes); the archive defaults otherwise. */
  limits?: Partial<Pick<ExtractLimits, "maxFiles" | "maxTotalBytes">>;
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

/** A ref advertised by a remote. */
export interface RemoteRef {
  /** Full name, e.g. `refs/tags/v1.0.0`, or `HEAD`. */
  ref: string;
  /** Object id (a tag object for annotated tags). */
  oid: string;
  /** The commit an annotated tag points to. */
  peeled?: string;
  /** For a symbolic ref such as `HEAD`: the ref it points to. */
  target?: string;
}

/** A resolved ref, as {@link gitResolveRef} returns it. */
export interface ResolvedRef {
  kind: GitRefKind;
  /** Tag or branch name, or the commit id as given. */
  name: string;
  /** Full ref name to fetch, when the remote advertises one. */
  fullRef?: string;
  /** The commit, when known without fetching (always for tags and branches). */
  commit?: string;
}

const HEX_ID = /^[0-9a-f]{4,40}$/i;
/** git's "infinite" depth: asks the server to unshallow a shallow clone. */
const UNSHALLOW = 2147483647;

/**
 * Whether a URL is fetched with the system git program (`ssh://`, `git@host:path`, `file://`)
 * rather than isomorphic-git over https.
 *
 * @example
 * ```ts
 * import { usesSystemGit } from "./git.ts";
 * if (!usesSystemGit("git@github.com:org/skill.git")) throw new Error();
 * if (!usesSystemGit("ssh://git@host/org/skill.git")) throw new Error();
 * if (usesSystemGit("git+https://github.com/org/skill.git")) throw new Error();
 * ```
 */
export function usesSystemGit(url: string): boolean {
  const bare = url.replace(/^git\+/, "");
  return /^(ssh|git\+ssh|file):\/\//i.test(bare) || /^[\w.-]+@[\w.-]+:(?!\/\/)/.test(bare);
}

/**
 * Lists the refs a remote advertises (like `git ls-remote`), with annotated tags peeled.
 *
 * @throws {SkillError} `network` when the remote cannot be reached, `not_found` for a
 * missing repository
 *
 * @example
 * ```ts ignore
 * import { gitListRefs } from "./git.ts";
 * const refs = await gitListRefs("https://github.com/org/skill.git");
 * ```
 */
export async function gitListRefs(
  url: string,
  options: GitRemoteOptions = {},
): Promise<RemoteRef[]> {
  const remote = remoteUrl(url, options);
  if (usesSystemGit(remote)) return await systemListRefs(remote, options);
  try {
    // Protocol v1: the refs come with one GET, so a cache hit costs no upload-pack POST.
    const refs: ServerRef[] = await git.listServerRefs({
      http: options.http ?? http,
      url: remote,
      onAuth: authFor(options),
      onAuthFailure: () => ({ cancel: true }),
      protocolVersion: 1,
      peelTags: true,
      symrefs: true,
    });
    return refs.map(({ ref, oid, peeled, target }) => ({ ref, oid, peeled, target }));
  } catch (e) {
    throw remoteError(remote, e);
  }
}

/**
 * The tags of a remote with the commit each points to, oldest name first (for
 * `caro skill update --check`).
 *
 * @example
 * ```ts ignore
 * import { gitListTags } from "./git.ts";
 * for (const tag of await gitListTags("https://github.com/org/skill.git")) {
 *   console.log(tag.name, tag.commit);
 * }
 * ```
 */
export async function gitListTags(
  url: string,
  options: GitRemoteOptions = {},
): Promise<Array<{ name: string; commit: string }>> {
  const refs = await gitListRefs(url, options);
  return refs
    .filter((r) => r.ref.startsWith("refs/tags/") && !r.ref.endsWith("^{}"))
    .map((r) => ({ name: r.ref.slice("refs/tags/".length), commit: r.peeled ?? r.oid }))
    .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * Resolves a tag, branch or commit id against a remote without fetching objects.
 *
 * @throws {SkillError} `not_found` when the remote has no such ref
 *
 * @example
 * ```ts ignore
 * import { gitResolveRef } from "./git.ts";
 * const { commit } = await gitResolveRef("https://github.com/org/skill.git", "v1.2.0");
 * ```
 */
export async function gitResolveRef(
  url: string,
  ref: string | undefined,
  options: GitRemoteOptions = {},
): Promise<ResolvedRef> {
  return resolveAgainst(await gitListRefs(url, options), ref, remoteUrl(url, options));
}

function resolveAgainst(refs: RemoteRef[], ref: string | undefined, url: string): ResolvedRef {
  const byName = new Map(refs.map((r) => [r.ref, r]));
  const commitOf = (r: RemoteRef) => r.peeled ?? r.oid;
  if (ref === undefined || ref === "" || ref === "HEAD") {
    const head = byName.get("HEAD");
    if (!head) throw notFound(url, "HEAD", "the repository has no default branch (is it empty?)");
    const target = head.target ??
      refs.find((r) => r.ref.startsWith("refs/heads/") && r.oid === head.oid)?.ref;
    const name = target?.replace(/^refs\/heads\//, "") ?? "HEAD";
    return { kind: "branch", name, fullRef: target ?? "HEAD", commit: head.oid };
  }
  const candidates: Array<[string, GitRefKind]> = [
    [ref, ref.startsWith("refs/tags/") ? "tag" : "branch"],
    [`refs/tags/${ref}`, "tag"],
    [`refs/heads/${ref}`, "branch"],
  ];
  for (const [full, kind] of candidates) {
    const found = byName.get(full);
    if (found && full.startsWith("refs/")) {
      return {
        kind,
        name: full.replace(/^refs\/(tags|heads)\//, ""),
        fullRef: full,
        commit: commitOf(found),
      };
    }
  }
  if (HEX_ID.test(ref)) {
    const id = ref.toLowerCase();
    const advertised = refs.find((r) => commitOf(r) === id && r.ref !== "HEAD");
    if (advertised) return { kind: "commit", name: id, fullRef: advertised.ref, commit: id };
    return { kind: "commit", name: id, commit: id.length === 40 ? id : undefined };
  }
  throw notFound(url, ref, `the repository has no tag, branch or commit named "${ref}"`);
}

/**
 * Fetches one ref of a repository and writes its tree (or `subdir` of it) to `dest`, without
 * `.git`. Clones are cached under `cacheDir` by URL and reused: a commit already there is not
 * downloaded again, and a tag or branch costs only the ref listing when unchanged.
 *
 * @throws {SkillError} `not_found` for a missing ref, commit or folder; `network` when the
 * remote cannot be reached; `validation` for a link leaving the tree or a tree past the limits
 *
 * @example
 * ```ts ignore
 * import { gitFetch } from "./git.ts";
 * const { commit } = await gitFetch({
 *   url: "git+https://github.com/org/skills.git",
 *   ref: "v1.0.0",
 *   subdir: "skills/alpha",
 *   cacheDir: "/home/me/.caro/cache/git",
 *   dest: "/home/me/.caro/staging/x1/tree",
 * });
 * ```
 */
export async function gitFetch(options: GitFetchOptions): Promise<GitFetchResult> {
  const url = remoteUrl(options.url, options);
  const system = usesSystemGit(url);
  const gitdir = join(options.cacheDir, cacheKey(url));
  await Deno.mkdir(options.cacheDir, { recursive: true });
  return await withCacheLock(gitdir, async () => {
    await ensureCacheRepo(gitdir);
    return await fetchLocked(gitdir, url, system, options);
  });
}

async function fetchLocked(
  gitdir: string,
  url: string,
  system: boolean,
  options: GitFetchOptions,
): Promise<GitFetchResult> {
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

/** How long a cache lock may be held before another process may take it over. */
const STALE_LOCK_MS = 10 * 60 * 1000;
/** How long to wait for another process to finish fetching into the same cache repo. */
const LOCK_WAIT_MS = 5 * 60 * 1000;

/**
 * Runs `fn` holding `<gitdir>.lock`, so two caro processes never fetch into the same cached
 * clone at once; a lock older than {@link STALE_LOCK_MS} (a killed process) is taken over.
 */
async function withCacheLock<T>(gitdir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${gitdir}.lock`;
  const started = Date.now();
  let checks = 0;
  for (;;) {
    try {
      const file = await Deno.open(lock, { createNew: true, write: true });
      await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
      file.close();
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    const info = await Deno.stat(lock).catch((e) => {
      if (e instanceof Deno.errors.NotFound) return undefined;
      throw e;
    });
    // A process killed mid-fetch (caro skill update interrupted) leaves its lock: once a
    // second, ask whether its owner still runs, so the next command need not wait minutes.
    const isOwnerGone = checks++ % 20 === 0 && await isLockOwnerGone(lock);
    if (isOwnerGone || (info?.mtime && Date.now() - info.mtime.getTime() > STALE_LOCK_MS)) {
      await Deno.remove(lock).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
      continue;
    }
    if (Date.now() - started > LOCK_WAIT_MS) {
      throw new SkillError("io", `Cannot use the git cache ${gitdir}: it is locked`, {
        why: "another caro process has been fetching into it for minutes",
        hints: [{ to: "remove a lock left by a crash", run: `rm ${lock}` }],
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(lock).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
}

/** Whether the pid written in a cache lock names a process that is gone (asked with `ps`). */
async function isLockOwnerGone(lock: string): Promise<boolean> {
  let text: string;
  try {
    text = await Deno.readTextFile(lock);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
  const pid = Number(text.trim());
  // Empty: the owner is between creating the file and writing its pid.
  if (!Number.isInteger(pid) || pid <= 0 || pid === Deno.pid) return false;
  // Without ps (or --allow-run) only the age of the lock can tell.
  return await isProcessAlive(pid) === false;
}

/** The URL to talk to: `git+` dropped, transport policy checked. */
function remoteUrl(url: string, options: GitRemoteOptions): string {
  const bare = url.replace(/^git\+/, "");
  if (!usesSystemGit(bare)) checkTransport(bare, { insecure: options.insecure });
  return bare;
}

/** Cache folder name: a hash of the URL without credentials, so tokens never name a path. */
function cacheKey(url: string): string {
  const clean = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]+@/i, "$1").replace(/\/+$/, "");
  return createHash("sha256").update(clean).digest("hex").slice(0, 24);
}

function authFor(options: GitRemoteOptions): AuthCallback | undefined {
  if (!options.token) return undefined;
  return () => ({ username: options.username ?? "x-access-token", password: options.token });
}

async function ensureCacheRepo(gitdir: string): Promise<void> {
  try {
    await Deno.stat(join(gitdir, "config"));
    return;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  await Deno.mkdir(gitdir, { recursive: true });
  await git.init({ fs, gitdir, bare: true });
  // No URL is written: it may carry credentials, and it is passed to every fetch instead.
  await git.setConfig({
    fs,
    gitdir,
    path: "remote.origin.fetch",
    value: "+refs/heads/*:refs/remotes/origin/*",
  });
}

async function hasCommit(gitdir: string, oid: string, cache: object): Promise<boolean> {
  try {
    await git.readCommit({ fs, gitdir, oid, cache });
    return true;
  } catch (e) {
    if (isGitError(e, "NotFoundError") || isGitError(e, "ObjectTypeError")) return false;
    throw e;
  }
}

/** A commit in the cache by full or short id, or undefined. */
async function findCommit(gitdir: string, id: string, cache: object): Promise<string | undefined> {
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

async function isShallow(gitdir: string): Promise<boolean> {
  try {
    return (await Deno.readTextFile(join(gitdir, "shallow"))).trim() !== "";
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function fetchInto(
  gitdir: string,
  url: string,
  options: GitFetchOptions,
  how: { ref?: string; system: boolean },
): Promise<void> {
  const unshallow = how.ref === undefined && await isShallow(gitdir);
  if (how.system) {
    const args = how.ref
      ? [
        "fetch",
        "--quiet",
        "--no-tags",
        "--depth",
        "1",
        url,
        `+${how.ref}:${localRefFor(how.ref)}`,
      ]
      : [
        "fetch",
        "--quiet",
        ...(unshallow ? ["--unshallow"] : []),
        url,
        "+refs/heads/*:refs/remotes/origin/*",
        "+refs/tags/*:refs/tags/*",
      ];
    await runGit(options, ["--git-dir", gitdir, ...args], url);
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

function localRefFor(ref: string): string {
  return ref.startsWith("refs/heads/")
    ? ref.replace("refs/heads/", "refs/remotes/origin/")
    : ref === "HEAD"
    ? "refs/remotes/origin/HEAD"
    : ref;
}

/** Writes the tree of `commit` (or its `subdir`) to a staging folder, then moves it to dest. */
async function writeTree(
  gitdir: string,
  commit: string,
  options: GitFetchOptions,
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
    // A few writes in flight overlap inflating one blob with writing another.
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
    const settled = await Promise.allSettled(Array.from({ length: 8 }, worker));
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

/** Lists refs with `git ls-remote --symref`. */
async function systemListRefs(url: string, options: GitRemoteOptions): Promise<RemoteRef[]> {
  const out = await runGit(options, ["ls-remote", "--symref", url], url);
  const refs = new Map<string, RemoteRef>();
  const symrefs = new Map<string, string>();
  for (const line of out.split("\n")) {
    const sym = line.match(/^ref: (\S+)\t(\S+)$/);
    if (sym) {
      symrefs.set(sym[2], sym[1]);
      continue;
    }
    const [oid, name] = line.split("\t");
    if (!oid || !name) continue;
    if (name.endsWith("^{}")) {
      const base = refs.get(name.slice(0, -3));
      if (base) base.peeled = oid;
    } else {
      refs.set(name, { ref: name, oid });
    }
  }
  for (const [name, target] of symrefs) {
    const r = refs.get(name);
    if (r) r.target = target;
  }
  return [...refs.values()];
}

async function runGit(options: GitRemoteOptions, args: string[], url: string): Promise<string> {
  const program = options.gitBinary ?? "git";
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(program, {
      args,
      // Never wait on a terminal prompt for credentials or host keys.
      env: { GIT_TERMINAL_PROMPT: "0", GIT_SSH_COMMAND: "ssh -o BatchMode=yes" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SkillError(
        "not_found",
        `Cannot fetch ${redactCredentials(url)}: the git program is not installed`,
        {
          why: `ssh and file URLs are fetched with the system git ("${program}" was not found)`,
          hints: [{ to: "fetch it without git", run: "use the https:// URL of the repository" }],
          cause: e,
        },
      );
    }
    throw e;
  }
  if (!out.success) {
    const stderr = redactCredentials(new TextDecoder().decode(out.stderr).trim());
    const missing = /not found|does not exist|no such|not appear to be a git repository/i.test(
      stderr,
    );
    throw new SkillError(
      missing ? "not_found" : "network",
      `Cannot fetch ${redactCredentials(url)}`,
      {
        why: stderr.split("\n").slice(-3).join(" ") || `git ${args[0]} exited with ${out.code}`,
      },
    );
  }
  return new TextDecoder().decode(out.stdout);
}

function isGitError(e: unknown, code: string): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === code;
}

function notFound(url: string, ref: string, why: string): SkillError {
  return new SkillError("not_found", `Cannot find "${ref}" in ${redactCredentials(url)}`, {
    why,
    hints: [{ to: "see its tags and branches", run: `git ls-remote ${redactCredentials(url)}` }],
  });
}

/** Maps an isomorphic-git failure to a SkillError without credentials. */
function remoteError(url: string, e: unknown): SkillError {
  if (e instanceof SkillError) return e;
  const shown = redactCredentials(url);
  const status = (e as { data?: { statusCode?: number } })?.data?.statusCode;
  const text = redactCredentials(e instanceof Error ? e.message : String(e));
  if (isGitError(e, "UserCanceledError") || status === 401 || status === 403) {
    return new SkillError("network", `Cannot fetch ${shown}: the server refused access`, {
      why: "the repository is private or the token is wrong",
      hints: [{ to: "fetch a private repository", run: "provide an access token for this host" }],
      cause: e,
    });
  }
  if (status === 404) {
    return new SkillError("not_found", `Cannot fetch ${shown}: no repository there`, {
      why: "the server answered 404",
      cause: e,
    });
  }
  return new SkillError("network", `Cannot fetch ${shown}: ${text}`, {
    why: "the git server could not be reached or answered with an error",
    hints: [{ to: "check the URL", run: `git ls-remote ${shown}` }],
    cause: e,
  });
}
