/**
 * Folders on disk as caro sees them: one walker, the byte order of SPEC §4, the
 * canonical tree hash with its `.lines` record and a diff of two trees, the
 * copy of a listed set of files, and the path and link rules that keep an
 * untrusted tree (an archive, a git checkout) inside its staging folder.
 *
 * - {@link walkTree}, {@link listRegularFiles}, {@link compareBytes}, {@link copyFiles}
 * - {@link treeHash}, {@link treeHashLines}, {@link parseTreeHashLines},
 *   {@link treeRecordName}, {@link diffTrees}, {@link integrityOf}, {@link hashFile}
 * - {@link statOrNull}, {@link isFile}, {@link isDirectory}, {@link exists},
 *   {@link readTextOrNull}, {@link readDirOrEmpty}, {@link removeIfExists},
 *   {@link writeFileAtomic}: file-system answers asked everywhere
 * - {@link safeRelativePath}, {@link safeLinkTarget}, {@link StagingDir},
 *   {@link refusedEntry}, {@link fileMode}
 * - {@link extractArchive}: `.tar`, `.tgz` and `.zip` extracted safely (every entry judged
 *   by those rules, limits on count, size and ratio), {@link archiveFormatOf}
 *
 * @example
 * ```ts
 * import { diffTrees, treeHash } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.md`, "one");
 * const before = await treeHash(dir);
 * await Deno.writeTextFile(`${dir}/a.md`, "two");
 * const after = await treeHash(dir);
 * if (diffTrees(before.files, after.files).changed[0] !== "a.md") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export {
  compareBytes,
  copyFiles,
  listRegularFiles,
  type TreeEntry,
  type TreeEntryKind,
  walkTree,
} from "./walk.ts";
export {
  diffTrees,
  type FileChanges,
  hashFile,
  integrityOf,
  parseTreeHashLines,
  type TreeHash,
  treeHash,
  type TreeHashEntry,
  treeHashLines,
  treeRecordName,
} from "./tree_hash.ts";
export {
  fileMode,
  refusedEntry,
  safeLinkTarget,
  safeRelativePath,
  StagingDir,
} from "./safe_tree.ts";
export {
  exists,
  isDirectory,
  isFile,
  randomTag,
  readDirOrEmpty,
  readRegularTextFile,
  readTextOrNull,
  removeIfExists,
  statOrNull,
  writeFileAtomic,
} from "./fs.ts";
export {
  type ArchiveFormat,
  archiveFormatOf,
  DEFAULT_EXTRACT_LIMITS,
  extractArchive,
  type ExtractLimits,
  type ExtractOptions,
  type ExtractResult,
} from "./extract.ts";
