/**
 * Git sources (SPEC §5) behind the {@link SkillSource} interface: a spec's ref fetched into
 * staging and locked as its commit with the tag or branch it came from; updates found among
 * the remote's tags (semver, within the major) or at the branch head.
 *
 * @module
 */

import { parse as parseSemver, type SemVer } from "semver";
import { SkillError } from "../../errors/mod.ts";
import type {
  CheckUpdateOptions,
  FetchContext,
  FetchResult,
  SkillSource,
  UpdateCandidate,
} from "../source.ts";
import {
  formatGitSource,
  type GitSpec,
  type GitTracking,
  parseSourceSpec,
  type SourceSpec,
  specOfKind,
  stagedFolderName,
  stripUserinfo,
} from "../spec.ts";
import { gitFetch, type GitFetchOptions, type GitFetchResult } from "./fetch.ts";
import { gitListTags, gitResolveRef } from "./refs.ts";
import type { GitProgress } from "./remote.ts";

/**
 * A git repository: isomorphic-git over http(s), the system git (through `ctx.runner`) for
 * ssh and file URLs. Offline, a spec naming a locked commit is fetched from the clone cache.
 *
 * @example
 * ```ts
 * import { GitSource } from "./source.ts";
 * const root = await Deno.makeTempDir();
 * const git = (...args: string[]) =>
 *   new Deno.Command("git", {
 *     args: ["-C", `${root}/notes`, "-c", "user.name=caro", "-c", "user.email=caro@example.com", ...args],
 *   }).output();
 * await Deno.mkdir(`${root}/notes`);
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, "# Notes\n");
 * await git("init", "-q");
 * await git("add", "-A");
 * await git("commit", "-q", "-m", "one");
 * await git("tag", "v1.0.0");
 * await Deno.mkdir(`${root}/staging`);
 * const fetched = await new GitSource().fetch(
 *   { kind: "git", url: `file://${root}/notes`, ref: "v1.0.0" },
 *   { staging: `${root}/staging`, cacheDir: `${root}/cache` },
 * );
 * if (fetched.version !== "v1.0.0" || !fetched.resolved.includes("?tag=v1.0.0#")) throw new Error();
 * if (await Deno.readTextFile(`${fetched.dir}/SKILL.md`) !== "# Notes\n") throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class GitSource implements SkillSource {
  readonly kind = "git";

  /**
   * Fetches the spec's ref (or subfolder) into `ctx.staging/<repository or folder name>`.
   *
   * @throws {SkillError} `network`, `not_found` (ref, commit or folder), `validation` (a
   *   refused tree entry)
   */
  async fetch(spec: SourceSpec, ctx: FetchContext): Promise<FetchResult> {
    const git = specOfKind(spec, "git");
    const name = stagedFolderName(git.subdir ?? git.url.replace(/\.git\/?$/, ""));
    const base: Omit<GitFetchOptions, "ref"> = {
      url: git.url,
      subdir: git.subdir,
      cacheDir: `${ctx.cacheDir}/git`,
      dest: `${ctx.staging}/${name}`,
      token: ctx.tokenFor?.(git.url),
      insecure: ctx.insecure,
      runner: ctx.runner,
      onProgress: ctx.onProgress
        ? (p: GitProgress) => ctx.onProgress!({ kind: "git", ...p })
        : undefined,
    };
    let fetched: GitFetchResult;
    let tracking: GitTracking | undefined;
    try {
      fetched = await gitFetch({ ...base, ref: git.ref });
      tracking = fetched.kind === "commit"
        ? git.tracking
        : { kind: fetched.kind, name: fetched.ref };
    } catch (error) {
      const locked = lockedGitCommit(git, ctx.lockedSources);
      // Offline: the locked commit of the same repository and ref may be in the clone cache.
      if (!(error instanceof SkillError) || error.code !== "network" || !locked) throw error;
      try {
        fetched = await gitFetch({ ...base, ref: locked.commit });
      } catch (second) {
        if (second instanceof SkillError && second.code === "network") throw error;
        throw second;
      }
      tracking = locked.tracking;
    }
    return {
      dir: fetched.dir,
      resolved: formatGitSource({
        url: git.url,
        commit: fetched.commit,
        tracking,
        subdir: git.subdir,
      }),
      version: tracking?.kind === "tag" ? tracking.name : undefined,
      fromCache: fetched.fromCache,
    };
  }

  /**
   * A newer tag (semver, within the major unless `options.major`; pre-releases only after a
   * pre-release) or a moved branch head; null for a pinned commit or when current.
   */
  async checkUpdate(
    locked: { source: string; integrity: string },
    ctx: FetchContext,
    options: CheckUpdateOptions = {},
  ): Promise<UpdateCandidate | null> {
    const spec = parseSourceSpec(locked.source);
    if (spec.kind !== "git" || !spec.tracking) return null;
    const remote = { token: ctx.tokenFor?.(spec.url), insecure: ctx.insecure, runner: ctx.runner };
    const commit = spec.ref ?? "";
    if (spec.tracking.kind === "branch") {
      const head = await gitResolveRef(spec.url, spec.tracking.name, remote);
      if (!head.commit || head.commit === commit) return null;
      return {
        spec: { ...spec, ref: spec.tracking.name, tracking: undefined },
        from: `${spec.tracking.name}@${commit.slice(0, 12)}`,
        to: `${spec.tracking.name}@${head.commit.slice(0, 12)}`,
      };
    }
    const current = semverOfTag(spec.tracking.name);
    if (!current) return null;
    let best: { name: string; version: SemVer } | undefined;
    for (const tag of await gitListTags(spec.url, remote)) {
      const version = semverOfTag(tag.name);
      if (!version || version.compare(current) <= 0) continue;
      if (!options.major && version.major !== current.major) continue;
      // Pre-releases only when the locked tag is one (npm's rule, kept simple).
      if (version.prerelease.length > 0 && current.prerelease.length === 0) continue;
      if (!best || version.compare(best.version) > 0) best = { name: tag.name, version };
    }
    if (!best) return null;
    return {
      spec: { ...spec, ref: best.name, tracking: undefined },
      from: spec.tracking.name,
      to: best.name,
    };
  }
}

/** The locked commit (and tracking) of the same repository, subfolder and ref, if any. */
function lockedGitCommit(
  spec: GitSpec,
  lockedSources: readonly string[] = [],
): { commit: string; tracking?: GitSpec["tracking"] } | undefined {
  for (const source of lockedSources) {
    if (!source.startsWith("git+")) continue;
    const locked = parseSourceSpec(source);
    if (
      locked.kind !== "git" || !locked.ref ||
      stripUserinfo(locked.url) !== stripUserinfo(spec.url) ||
      locked.subdir !== spec.subdir
    ) continue;
    const asked = spec.ref;
    const same = asked === undefined
      ? locked.tracking?.kind === "branch"
      : asked === locked.tracking?.name || locked.ref.startsWith(asked.toLowerCase());
    if (same) return { commit: locked.ref, tracking: locked.tracking };
  }
  return undefined;
}

function semverOfTag(tag: string): SemVer | null {
  return parseSemver(tag.replace(/^v(?=\d)/, ""));
}
