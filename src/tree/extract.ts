/**
 * Safe extraction of `.tar`, `.tar.gz`/`.tgz` and `.zip` archives (SPEC §5): every entry is
 * checked before a byte is written, sizes are counted as they stream so a bomb is stopped
 * early, and the tree is built in a staging folder that is renamed into place only when the
 * whole archive passed.
 *
 * @module
 */

import { StagingDir } from "./safe_tree.ts";
import { extractTar } from "./_extract_tar.ts";
import { extractZip } from "./_extract_zip.ts";
import { filesystemError, TreeWriter } from "./_tree_writer.ts";

/** Archive formats {@link extractArchive} reads. */
export type ArchiveFormat = "tar" | "tgz" | "zip";

/** Limits that bound what one archive may expand to. */
export interface ExtractLimits {
  /** Most entries (files, folders, links) in the archive. Default 5,000. */
  maxFiles: number;
  /** Most bytes of file content in total. Default 256 MiB. */
  maxTotalBytes: number;
  /** Most expanded bytes per compressed byte (gzip and zip bombs). Default 200. */
  maxRatio: number;
  /** Create links whose target stays inside the tree instead of refusing them. Default false. */
  allowInternalLinks: boolean;
}

/** Options for {@link extractArchive}. */
export interface ExtractOptions {
  /** The archive format; see {@link archiveFormatOf} to infer it from a name. */
  format: ArchiveFormat;
  /** Limits; any left out take the defaults of {@link DEFAULT_EXTRACT_LIMITS}. */
  limits?: Partial<ExtractLimits>;
  /** When the archive holds one folder and nothing else, extract that folder's content. Default true. */
  stripSingleRoot?: boolean;
}

/** What {@link extractArchive} wrote. */
export interface ExtractResult {
  /** The destination folder. */
  dir: string;
  /** Regular files written. */
  files: number;
  /** Bytes of file content written. */
  bytes: number;
  /** The single top folder that was stripped, if any. */
  strippedRoot?: string;
}

/**
 * Default {@link ExtractLimits}; {@link ExtractOptions.limits} overrides any of them.
 *
 * @example
 * ```ts
 * import { DEFAULT_EXTRACT_LIMITS } from "./extract.ts";
 * if (DEFAULT_EXTRACT_LIMITS.allowInternalLinks) throw new Error("links are refused by default");
 * ```
 */
export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = {
  maxFiles: 5_000,
  maxTotalBytes: 256 * 1024 * 1024,
  maxRatio: 200,
  allowInternalLinks: false,
};

/**
 * The archive format a file name or URL implies, or `undefined`.
 *
 * @example
 * ```ts
 * import { archiveFormatOf } from "./extract.ts";
 * if (archiveFormatOf("https://x.test/skill-1.0.tar.gz?dl=1") !== "tgz") throw new Error();
 * if (archiveFormatOf("skill.zip") !== "zip") throw new Error();
 * if (archiveFormatOf("skill.txt") !== undefined) throw new Error();
 * ```
 */
export function archiveFormatOf(nameOrUrl: string): ArchiveFormat | undefined {
  const path = nameOrUrl.replace(/[?#].*$/, "").toLowerCase();
  if (path.endsWith(".tar.gz") || path.endsWith(".tgz")) return "tgz";
  if (path.endsWith(".tar")) return "tar";
  if (path.endsWith(".zip")) return "zip";
  return undefined;
}

/**
 * Extracts an archive into `destDir` (which must not exist or be empty), refusing any entry
 * that could escape it or exceed the limits; on a refusal nothing is left behind.
 *
 * @param input the archive bytes, or a stream of them (read once)
 * @param destDir the folder to create
 * @throws {SkillError} `validation` naming the entry and the rule it broke; `io` when the
 * destination is not empty
 *
 * @example
 * ```ts
 * import { packTar } from "modern-tar";
 * import { extractArchive } from "./extract.ts";
 * const tar = await packTar([
 *   { header: { name: "demo-1.0/skill.toml", size: 5 }, body: "hello" },
 * ]);
 * const dest = `${await Deno.makeTempDir()}/demo`;
 * const result = await extractArchive(tar, dest, { format: "tar" });
 * if (result.strippedRoot !== "demo-1.0") throw new Error();
 * if (await Deno.readTextFile(`${dest}/skill.toml`) !== "hello") throw new Error();
 * ```
 */
export async function extractArchive(
  input: Uint8Array | ReadableStream<Uint8Array>,
  destDir: string,
  options: ExtractOptions,
): Promise<ExtractResult> {
  const limits = { ...DEFAULT_EXTRACT_LIMITS, ...options.limits };
  const staging = await StagingDir.create(destDir);
  const writer = new TreeWriter(staging.path, limits, `${options.format} archive`);
  try {
    if (options.format === "zip") await extractZip(input, writer);
    else await extractTar(input, writer, options.format === "tgz");
    await writer.finish().catch((e) => {
      throw filesystemError(e, writer.what, "(link)") ?? e;
    });
    const strippedRoot = await staging.commit(options.stripSingleRoot ?? true);
    return { dir: destDir, files: writer.files, bytes: writer.bytes, strippedRoot };
  } catch (e) {
    await writer.abort();
    await staging.discard();
    throw e;
  }
}
