/**
 * The refs a git remote advertises, and what a tag, branch or commit id names among them,
 * asked without fetching any object (like `git ls-remote`).
 *
 * @module
 */

import git, { type ServerRef } from "isomorphic-git";
import http from "isomorphic-git/http/node";
import { notFound, remoteError } from "./_errors.ts";
import { systemListRefs } from "./_system_git.ts";
import { authFor, type GitRemoteOptions, remoteUrl, usesSystemGit } from "./remote.ts";

/** What a ref named: a tag, a branch, a commit id, or the remote's default branch. */
export type GitRefKind = "tag" | "branch" | "commit";

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

/**
 * Lists the refs a remote advertises (like `git ls-remote`), with annotated tags peeled.
 *
 * @throws {SkillError} `network` when the remote cannot be reached, `not_found` for a
 * missing repository
 *
 * @example
 * ```ts
 * import { gitListRefs } from "./refs.ts";
 * const repo = await Deno.makeTempDir();
 * const git = (...args: string[]) => new Deno.Command("git", { args: ["-C", repo, ...args] }).output();
 * await git("init", "-q", "--bare");
 * if ((await gitListRefs(`file://${repo}`)).length !== 0) throw new Error("an empty repository");
 * await Deno.remove(repo, { recursive: true });
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
 * @throws {SkillError} `network` when the remote cannot be reached, `not_found` for a
 * missing repository
 *
 * @example
 * ```ts
 * import { gitListTags } from "./refs.ts";
 * const repo = await Deno.makeTempDir();
 * const git = (...args: string[]) =>
 *   new Deno.Command("git", {
 *     args: ["-C", repo, "-c", "user.name=caro", "-c", "user.email=caro@example.com", ...args],
 *   }).output();
 * await git("init", "-q");
 * await Deno.writeTextFile(`${repo}/SKILL.md`, "# Notes\n");
 * await git("add", "SKILL.md");
 * await git("commit", "-q", "-m", "one");
 * await git("tag", "v1.0.0");
 * const tags = await gitListTags(`file://${repo}`);
 * if (tags.length !== 1 || tags[0].name !== "v1.0.0") throw new Error(JSON.stringify(tags));
 * await Deno.remove(repo, { recursive: true });
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
 * Resolves a tag, branch or commit id against a remote without fetching objects; no ref (or
 * `HEAD`) is the default branch.
 *
 * @throws {SkillError} `not_found` when the remote has no such ref
 *
 * @example
 * ```ts
 * import { gitResolveRef } from "./refs.ts";
 * const repo = await Deno.makeTempDir();
 * const git = (...args: string[]) =>
 *   new Deno.Command("git", {
 *     args: ["-C", repo, "-c", "user.name=caro", "-c", "user.email=caro@example.com", ...args],
 *   }).output();
 * await git("init", "-q", "-b", "main");
 * await Deno.writeTextFile(`${repo}/SKILL.md`, "# Notes\n");
 * await git("add", "SKILL.md");
 * await git("commit", "-q", "-m", "one");
 * const head = await gitResolveRef(`file://${repo}`, undefined);
 * if (head.kind !== "branch" || head.name !== "main" || !head.commit) throw new Error();
 * await Deno.remove(repo, { recursive: true });
 * ```
 */
export async function gitResolveRef(
  url: string,
  ref: string | undefined,
  options: GitRemoteOptions = {},
): Promise<ResolvedRef> {
  return resolveAgainst(await gitListRefs(url, options), ref, remoteUrl(url, options));
}

/**
 * What `ref` names among advertised refs: the default branch when absent, else a full ref
 * name, a tag, a branch, or a (short) commit id.
 *
 * @throws {SkillError} `not_found` when nothing matches
 *
 * @example
 * ```ts
 * import { resolveAgainst } from "./refs.ts";
 * const refs = [{ ref: "refs/tags/v1.0.0", oid: "a".repeat(40) }];
 * if (resolveAgainst(refs, "v1.0.0", "https://h.test/s.git").kind !== "tag") throw new Error();
 * ```
 */
export function resolveAgainst(
  refs: RemoteRef[],
  ref: string | undefined,
  url: string,
): ResolvedRef {
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
