/**
 * One {@link SkillSource} per kind of source (folder, git, archive, OCI, registry) and
 * {@link pickSource}, the one function that chooses it from a parsed spec (Cargo's
 * `src/sources/source.rs`, pnpm's `pick-fetcher`).
 *
 * @module
 */

import { parse as parseSemver, type SemVer } from "semver";
import { SkillError } from "../errors/mod.ts";
import { treeHash } from "../lockfile/mod.ts";
import { extractArchive } from "./archive.ts";
import { type DownloadProgress, downloadToFile } from "./download.ts";
import { gitFetch, gitListTags, type GitProgress, gitResolveRef } from "./git.ts";
import {
  type ArchiveSpec,
  formatGitSource,
  type GitSpec,
  type GitTracking,
  parseSourceSpec,
  type SourceSpec,
  stripUserinfo,
} from "./spec.ts";

/** Progress of a fetch: bytes of a download, or objects of a git fetch. */
export type FetchProgress =
  | ({ kind: "download" } & DownloadProgress)
  | ({ kind: "git" } & GitProgress);

/** What a source needs from the caller: where to write, where to cache, how to reach hosts. */
export interface FetchContext {
  /** An empty folder owned by the caller (deleted by it afterwards); the tree goes inside. */
  staging: string;
  /** `CARO_HOME/cache`: git clones under `git/`, downloaded archives under `archives/`. */
  cacheDir: string;
  /** Allow plain `http://` to hosts other than loopback. */
  insecure?: boolean;
  /** The access token for a URL's host (private git repositories), never stored. */
  tokenFor?: (url: string) => string | undefined;
  /** Download and git progress. */
  onProgress?: (progress: FetchProgress) => void;
  /**
   * Lock sources of installed skills: when the network fails, a spec naming one of them is
   * fetched from the cache as locked (offline reinstall).
   */
  lockedSources?: readonly string[];
  /** The HTTP edge for downloads (global `fetch` by default). */
  fetch?: typeof fetch;
}

/** A fetched skill tree, ready for `SkillStore.install`. */
export interface FetchResult {
  /** The skill's root folder, inside the context's staging folder. */
  dir: string;
  /** The lock source: `file:///…`, `git+https://…?tag=…#<commit>`, `https://….tgz#sha256=…`. */
  resolved: string;
  /** The version the source names (a tag), when it names one. */
  version?: string;
  /** Whether nothing was downloaded. */
  fromCache: boolean;
}

/** A newer version a source offers for a locked skill. */
export interface UpdateCandidate {
  /** The spec that fetches it. */
  spec: SourceSpec;
  /** What the lock has: a tag, `branch@short-commit`, or the archive digest. */
  from: string;
  /** What is newer, in the same terms. */
  to: string;
}

/** Options of {@link SkillSource.checkUpdate}. */
export interface CheckUpdateOptions {
  /** Allow a newer major version (git tags). */
  major?: boolean;
}

/** A kind of source: fetches a spec into staging, and finds updates of a locked source. */
export interface SkillSource {
  /** The spec kind it handles. */
  readonly kind: SourceSpec["kind"];
  /**
   * Fetches the skill into `ctx.staging`.
   * @throws {SkillError} `network`, `not_found`, `validation` (refused content), `usage`
   */
  fetch(spec: SourceSpec, ctx: FetchContext): Promise<FetchResult>;
  /**
   * What is newer than a locked source, or null when it is current.
   * @param locked the lock's `source` and `integrity`
   */
  checkUpdate(
    locked: { source: string; integrity: string },
    ctx: FetchContext,
    options?: CheckUpdateOptions,
  ): Promise<UpdateCandidate | null>;
}

/** A local folder: fetched as is (the store copies it), updated when its content changed. */
const folderSource: SkillSource = {
  kind: "folder",
  async fetch(spec) {
    const { path } = expect(spec, "folder");
    let real: string;
    try {
      real = await Deno.realPath(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      throw new SkillError("not_found", `No skill folder at ${path}`, {
        why: "the path does not exist",
        hints: [{
          to: "create a skill there",
          run: `caro skill init custom.my-skill --dir ${path}`,
        }],
      });
    }
    return { dir: real, resolved: `file://${real}`, fromCache: true };
  },
  async checkUpdate(locked) {
    const spec = parseSourceSpec(locked.source);
    if (spec.kind !== "folder") return null;
    const now = await treeHash(spec.path);
    if (now.integrity === locked.integrity) return null;
    return { spec, from: short(locked.integrity), to: short(now.integrity) };
  },
};

/** A git repository (isomorphic-git over http(s), the system git for ssh and file URLs). */
const gitSource: SkillSource = {
  kind: "git",
  async fetch(spec, ctx) {
    const git = expect(spec, "git");
    const name = folderName(git.subdir ?? git.url.replace(/\.git\/?$/, ""));
    const dest = `${ctx.staging}/${name}`;
    const base = {
      url: git.url,
      subdir: git.subdir,
      cacheDir: `${ctx.cacheDir}/git`,
      dest,
      token: ctx.tokenFor?.(git.url),
      insecure: ctx.insecure,
      onProgress: ctx.onProgress
        ? (p: GitProgress) => ctx.onProgress!({ kind: "git", ...p })
        : undefined,
    };
    let fetched: { dir: string; commit: string; fromCache: boolean };
    let tracking: GitTracking | undefined;
    try {
      const result = await gitFetch({ ...base, ref: git.ref });
      fetched = result;
      tracking = result.kind === "commit" ? git.tracking : { kind: result.kind, name: result.ref };
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
  },
  async checkUpdate(locked, ctx, options = {}) {
    const spec = parseSourceSpec(locked.source);
    if (spec.kind !== "git" || !spec.tracking) return null;
    const remote = { token: ctx.tokenFor?.(spec.url), insecure: ctx.insecure };
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
  },
};

/** An archive URL: downloaded (pinned digest checked first), cached by digest, extracted safely. */
const archiveSource: SkillSource = {
  kind: "archive",
  async fetch(spec, ctx) {
    const archive = expect(spec, "archive");
    const cacheDir = `${ctx.cacheDir}/archives`;
    const cached = (sha: string) => `${cacheDir}/${sha}.${archive.format}`;
    let file: string | undefined;
    let sha256 = archive.sha256;
    let fromCache = false;
    if (sha256 && await isFile(cached(sha256))) {
      file = cached(sha256);
      fromCache = true;
    } else {
      const part = `${ctx.staging}/download.${archive.format}`;
      try {
        const done = await downloadToFile(archive.url, part, {
          sha256,
          insecure: ctx.insecure,
          fetch: ctx.fetch,
          onProgress: ctx.onProgress
            ? (p) => ctx.onProgress!({ kind: "download", ...p })
            : undefined,
        });
        file = done.path;
        sha256 = done.sha256;
      } catch (error) {
        const locked = lockedArchiveDigest(archive, ctx.lockedSources);
        // Offline: the locked download of the same URL may be in the cache.
        if (
          !(error instanceof SkillError) || error.code !== "network" || !locked ||
          !await isFile(cached(locked))
        ) throw error;
        file = cached(locked);
        sha256 = locked;
        fromCache = true;
      }
    }
    const name = folderName(
      archive.url.replace(/[?#].*$/, "").replace(/\.(tar\.gz|tgz|tar|zip)$/i, ""),
    );
    const tree = `${ctx.staging}/tree`;
    const input = await Deno.open(file);
    // extractArchive reads the stream to its end (or cancels it) and removes `tree` on refusal.
    const extracted = await extractArchive(input.readable, tree, { format: archive.format });
    const dir = `${ctx.staging}/${
      extracted.strippedRoot ? folderName(extracted.strippedRoot) : name
    }`;
    await Deno.rename(tree, dir);
    if (!fromCache) {
      // Cached only once it extracted cleanly: a refused archive leaves nothing behind.
      await Deno.mkdir(cacheDir, { recursive: true });
      await Deno.rename(file, cached(sha256!));
    }
    return {
      dir,
      resolved: `${stripUserinfo(archive.url)}#sha256=${sha256}`,
      fromCache,
    };
  },
  async checkUpdate(locked, ctx) {
    const spec = parseSourceSpec(locked.source);
    if (spec.kind !== "archive") return null;
    const part = `${ctx.staging}/check.${spec.format}`;
    const { sha256 } = await downloadToFile(spec.url, part, {
      insecure: ctx.insecure,
      fetch: ctx.fetch,
      onProgress: ctx.onProgress ? (p) => ctx.onProgress!({ kind: "download", ...p }) : undefined,
    });
    await Deno.remove(part);
    if (sha256 === spec.sha256) return null;
    return {
      spec: { ...spec, sha256 },
      from: `sha256:${(spec.sha256 ?? "?").slice(0, 12)}`,
      to: `sha256:${sha256.slice(0, 12)}`,
    };
  },
};

/** OCI and registry sources: parsed, but not installable yet (SPEC §8 is wave 2). */
function unavailableSource(kind: "oci" | "registry"): SkillSource {
  const refuse = (spec: SourceSpec | string): never => {
    const shown = typeof spec === "string"
      ? spec
      : spec.kind === "oci"
      ? `oci://${spec.reference}`
      : spec.kind === "registry"
      ? `${spec.id}${spec.range ? `@${spec.range}` : ""}`
      : kind;
    throw new SkillError(
      "usage",
      `Cannot install ${shown}: ${
        kind === "oci" ? "OCI artifact" : "registry"
      } sources are not available in this caro yet`,
      {
        why: "this caro installs from local folders, git repositories and archive URLs",
        hints: [
          { to: "install from git", run: "caro skill add git+https://host/repo.git#v1.0.0" },
          { to: "install an archive", run: "caro skill add https://host/skill-1.0.0.tgz" },
        ],
      },
    );
  };
  return {
    kind,
    fetch: (spec) => Promise.resolve().then(() => refuse(spec)),
    checkUpdate: (locked) => Promise.resolve().then(() => refuse(locked.source)),
  };
}

const SOURCES: Record<SourceSpec["kind"], SkillSource> = {
  folder: folderSource,
  git: gitSource,
  archive: archiveSource,
  oci: unavailableSource("oci"),
  registry: unavailableSource("registry"),
};

/**
 * The source that handles a parsed spec.
 *
 * @example
 * ```ts
 * import { parseSourceSpec } from "./spec.ts";
 * import { pickSource } from "./source.ts";
 * if (pickSource(parseSourceSpec("git+https://example.com/s.git")).kind !== "git") throw new Error();
 * const staging = await Deno.makeTempDir();
 * let refused = false;
 * try {
 *   await pickSource(parseSourceSpec("oci://ghcr.io/org/skill:1.0")).fetch(
 *     parseSourceSpec("oci://ghcr.io/org/skill:1.0"),
 *     { staging, cacheDir: staging },
 *   );
 * } catch (e) {
 *   refused = (e as { code?: string }).code === "usage";
 * }
 * if (!refused) throw new Error("OCI is not available yet and must say so");
 * await Deno.remove(staging);
 * ```
 */
export function pickSource(spec: SourceSpec): SkillSource {
  return SOURCES[spec.kind];
}

function expect<K extends SourceSpec["kind"]>(
  spec: SourceSpec,
  kind: K,
): Extract<SourceSpec, { kind: K }> {
  if (spec.kind !== kind) {
    throw new SkillError("internal", `The ${kind} source was given a ${spec.kind} spec`);
  }
  return spec as Extract<SourceSpec, { kind: K }>;
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

/** The locked digest of the same archive URL, if any. */
function lockedArchiveDigest(
  spec: ArchiveSpec,
  lockedSources: readonly string[] = [],
): string | undefined {
  for (const source of lockedSources) {
    if (!/^(https?|file):/.test(source)) continue;
    const locked = parseSourceSpec(source);
    if (
      locked.kind === "archive" && locked.sha256 &&
      stripUserinfo(locked.url) === stripUserinfo(spec.url) &&
      (spec.sha256 === undefined || spec.sha256 === locked.sha256)
    ) return locked.sha256;
  }
  return undefined;
}

function semverOfTag(tag: string): SemVer | null {
  return parseSemver(tag.replace(/^v(?=\d)/, ""));
}

function folderName(path: string): string {
  const last = path.replace(/\/+$/, "").split("/").pop() ?? "";
  const clean = last.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^\.+/, "");
  return clean === "" ? "skill" : clean;
}

function short(integrity: string): string {
  return integrity.slice(0, 19);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
