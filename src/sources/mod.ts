/**
 * Sources of skills (SPEC §5): one {@link SkillSource} interface, one spec parser
 * ({@link parseSourceSpec}) every command shares, and {@link pickSource} choosing the source of
 * a spec. Local folders, git repositories and archive URLs are fetched into a staging folder;
 * OCI and registry specs parse, and fetching them says they are not available yet.
 *
 * - {@link parseSourceSpec}, {@link formatGitSource}, {@link ACCEPTED_SOURCE_FORMS}: specs.
 * - {@link pickSource}, {@link SkillSource}, {@link FetchContext}: fetching and updates.
 * - {@link sourceConfigOf}, {@link gitTokenFor}: private repository tokens from `config.toml`.
 * - {@link formatFetchProgress}: the progress line of a download or git fetch.
 * - The fetch layer: {@link gitFetch}, {@link downloadToFile}, {@link extractArchive}.
 *
 * @example
 * ```ts
 * import { parseSourceSpec, pickSource } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/notes`);
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, "---\nname: notes\ndescription: Notes\n---\n");
 * const spec = parseSourceSpec(`file://${root}/notes`);
 * const fetched = await pickSource(spec).fetch(spec, { staging: root, cacheDir: `${root}/cache` });
 * if (!fetched.resolved.startsWith("file:///")) throw new Error(fetched.resolved);
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
  stripUserinfo,
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
export { gitTokenFor, type SourceConfig, sourceConfigOf } from "./config.ts";
export { formatBytes, formatFetchProgress } from "./progress.ts";
export {
  type ArchiveFormat,
  archiveFormatOf,
  DEFAULT_EXTRACT_LIMITS,
  extractArchive,
  type ExtractLimits,
} from "./archive.ts";
export { checkTransport, downloadToFile, isLoopbackHost } from "./download.ts";
export { gitFetch, gitListTags, gitResolveRef, usesSystemGit } from "./git.ts";
