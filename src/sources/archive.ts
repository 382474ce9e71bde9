/**
 * Archive sources (SPEC §5): a `.tgz`, `.tar.gz`, `.tar` or `.zip` at an `https://` or
 * `file://` URL, optionally pinned with `#sha256=`. Downloaded (the pinned digest checked
 * before anything is extracted), cached by digest, extracted safely into staging.
 *
 * @module
 */

import { SkillError } from "../errors/mod.ts";
import { isFile } from "../tree/mod.ts";
import { downloadToFile } from "./download.ts";
import { extractArchive } from "../tree/mod.ts";
import type { FetchContext, FetchResult, SkillSource, UpdateCandidate } from "./source.ts";
import {
  type ArchiveSpec,
  parseSourceSpec,
  type SourceSpec,
  specOfKind,
  stagedFolderName,
  stripUserinfo,
} from "./spec.ts";

/**
 * An archive URL: downloaded into staging, or read from `cacheDir/archives/<sha256>.<format>`
 * when its pinned digest is there; updated when a fresh download has another digest.
 *
 * @example
 * ```ts
 * import { packTar } from "modern-tar";
 * import { ArchiveSource } from "./archive.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.writeFile(`${root}/notes-1.0.tar`, await packTar([
 *   { header: { name: "notes/SKILL.md", size: 6 }, body: "# Hi\n\n" },
 * ]));
 * await Deno.mkdir(`${root}/staging`);
 * const ctx = { staging: `${root}/staging`, cacheDir: `${root}/cache` };
 * const source = new ArchiveSource();
 * const spec = { kind: "archive" as const, url: `file://${root}/notes-1.0.tar`, format: "tar" as const };
 * const fetched = await source.fetch(spec, ctx);
 * if (fetched.dir !== `${root}/staging/notes` || fetched.fromCache) throw new Error(fetched.dir);
 * if (!fetched.resolved.includes("#sha256=")) throw new Error(fetched.resolved);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class ArchiveSource implements SkillSource {
  readonly kind = "archive";

  /**
   * Downloads (or takes from the cache) and extracts the archive into `ctx.staging`; the
   * folder is named after its single top folder, else after the archive.
   *
   * @throws {SkillError} `network`, `not_found`, `validation` (a digest mismatch or a refused
   *   entry)
   */
  async fetch(spec: SourceSpec, ctx: FetchContext): Promise<FetchResult> {
    const archive = specOfKind(spec, "archive");
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
    const name = stagedFolderName(
      archive.url.replace(/[?#].*$/, "").replace(/\.(tar\.gz|tgz|tar|zip)$/i, ""),
    );
    const tree = `${ctx.staging}/tree`;
    const input = await Deno.open(file);
    // extractArchive reads the stream to its end (or cancels it) and removes `tree` on refusal.
    const extracted = await extractArchive(input.readable, tree, { format: archive.format });
    const dir = `${ctx.staging}/${
      extracted.strippedRoot ? stagedFolderName(extracted.strippedRoot) : name
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
  }

  /** Downloads the URL again; a digest other than the locked one is an update. */
  async checkUpdate(
    locked: { source: string; integrity: string },
    ctx: FetchContext,
  ): Promise<UpdateCandidate | null> {
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
  }
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
