/**
 * One {@link SkillSource} per kind of source (folder, git, archive, OCI, registry) and
 * {@link pickSource}, the one function that chooses it from a parsed spec (Cargo's
 * `src/sources/source.rs`, pnpm's `pick-fetcher`).
 *
 * @module
 */

import type { Runner } from "../process/mod.ts";
import { UnavailableSource } from "./_unavailable.ts";
import { ArchiveSource } from "./archive.ts";
import type { DownloadProgress } from "./download.ts";
import { FolderSource } from "./folder.ts";
import { GitSource } from "./git/source.ts";
import type { GitProgress } from "./git/remote.ts";
import type { SourceSpec } from "./spec.ts";

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
  /** The process edge for the system git (ssh and file URLs); a `SystemRunner` by default. */
  runner?: Runner;
}

/** A fetched skill tree in the context's staging folder, ready to validate and install. */
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

/**
 * A kind of source: fetches a spec into staging, and finds updates of a locked source.
 *
 * @example
 * ```ts
 * import { parseSourceSpec, pickSource } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/notes`);
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, "---\nname: notes\ndescription: Notes\n---\n");
 * await Deno.mkdir(`${root}/staging`);
 * const ctx = { staging: `${root}/staging`, cacheDir: `${root}/cache` };
 * const spec = parseSourceSpec(`${root}/notes`);
 * const source = pickSource(spec);
 * const fetched = await source.fetch(spec, ctx);
 * const { treeHash } = await import("../tree/mod.ts");
 * const locked = { source: fetched.resolved, integrity: (await treeHash(fetched.dir)).integrity };
 * if (await source.checkUpdate(locked, ctx) !== null) throw new Error("nothing changed");
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, "---\nname: notes\ndescription: More\n---\n");
 * if (await source.checkUpdate(locked, ctx) === null) throw new Error("the folder changed");
 * await Deno.remove(root, { recursive: true });
 * ```
 */
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

const SOURCES: Record<SourceSpec["kind"], SkillSource> = {
  folder: new FolderSource(),
  git: new GitSource(),
  archive: new ArchiveSource(),
  oci: new UnavailableSource("oci"),
  registry: new UnavailableSource("registry"),
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
