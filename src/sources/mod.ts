/**
 * Sources of skills (SPEC §5): one {@link SkillSource} interface, one spec parser
 * ({@link parseSourceSpec}) every command shares, and {@link pickSource} choosing the source of
 * a spec (Cargo's `sources/`, pnpm's fetchers and `pick-fetcher`). Every source fetches into
 * a staging folder the caller owns; OCI and registry specs parse, and fetching them says they
 * are not available yet.
 *
 * | file | what it holds |
 * |---|---|
 * | `spec.ts` | {@link parseSourceSpec}, {@link formatGitSource}, {@link ACCEPTED_SOURCE_FORMS}, the spec types |
 * | `source.ts` | {@link SkillSource}, {@link FetchContext}, {@link FetchResult}, {@link pickSource} |
 * | `folder.ts` | {@link FolderSource}: a local folder, copied into staging |
 * | `git/source.ts` | {@link GitSource}: a tag, branch or commit of a repository |
 * | `git/fetch.ts` | {@link gitFetch}: one ref through the clone cache into a folder |
 * | `git/refs.ts` | {@link gitListTags}, {@link gitResolveRef}: what a remote advertises |
 * | `git/remote.ts` | transports (isomorphic-git for https, the system git through a `Runner`) |
 * | `git/_clone_cache.ts`, `git/_write_tree.ts`, `git/_system_git.ts`, `git/_errors.ts` | the cache and its OS lock, writing a tree out, running `git`, errors |
 * | `archive.ts` | {@link ArchiveSource}: a downloaded, digest-pinned archive |
 * | `download.ts` | {@link downloadToFile}: streamed, resumed, digest-checked downloads |
 * | `_unavailable.ts` | OCI and registry specs: refused until those sources exist |
 * | `config.ts` | {@link sourceConfigOf}, {@link gitTokenFor}: private repository tokens |
 * | `progress.ts` | {@link formatFetchProgress}: the progress line of a fetch |
 *
 * @example
 * ```ts
 * import { parseSourceSpec, pickSource } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/notes`);
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, "---\nname: notes\ndescription: Notes\n---\n");
 * await Deno.mkdir(`${root}/staging`);
 * const spec = parseSourceSpec(`file://${root}/notes`);
 * const ctx = { staging: `${root}/staging`, cacheDir: `${root}/cache` };
 * const fetched = await pickSource(spec).fetch(spec, ctx);
 * if (!fetched.resolved.startsWith("file:///")) throw new Error(fetched.resolved);
 * if (fetched.dir !== `${root}/staging/notes`) throw new Error(fetched.dir);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */
export {
  ACCEPTED_SOURCE_FORMS,
  type ArchiveSpec,
  type FolderSpec,
  formatGitSource,
  type GitSpec,
  type GitTracking,
  type OciSpec,
  parseSourceSpec,
  type RegistrySpec,
  type SourceFlags,
  type SourceSpec,
} from "./spec.ts";
export {
  type CheckUpdateOptions,
  type FetchContext,
  type FetchProgress,
  type FetchResult,
  pickSource,
  type SkillSource,
  type UpdateCandidate,
} from "./source.ts";
export { FolderSource } from "./folder.ts";
export { GitSource } from "./git/source.ts";
export { ArchiveSource } from "./archive.ts";
export { gitTokenFor, type SourceConfig, sourceConfigOf } from "./config.ts";
export { formatFetchProgress } from "./progress.ts";
export { gitFetch, type GitFetchOptions, type GitFetchResult } from "./git/fetch.ts";
export { gitListTags, type GitRefKind, gitResolveRef, type ResolvedRef } from "./git/refs.ts";
export type { GitProgress, GitRemoteOptions } from "./git/remote.ts";
export {
  type DownloadOptions,
  type DownloadProgress,
  type DownloadResult,
  downloadToFile,
} from "./download.ts";
