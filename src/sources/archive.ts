/**
 * Safe extraction of `.tar`, `.tar.gz`/`.tgz` and `.zip` archives (SPEC §5): every entry is
 * checked before a byte is written, sizes are counted as they stream so a bomb is stopped
 * early, and the tree is built in a staging folder that is renamed into place only when the
 * whole archive passed.
 *
 * @module
 */

import { createTarDecoder, type ParsedTarEntry } from "modern-tar";
import { Unzip, type UnzipFile, UnzipInflate } from "fflate";
import { dirname, join } from "node:path";
import { SkillError } from "../errors/mod.ts";
import {
  fileMode,
  refusedEntry,
  safeLinkTarget,
  safeRelativePath,
  StagingDir,
} from "./_safe_tree.ts";

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

/** Default {@link ExtractLimits}. */
export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = {
  maxFiles: 5_000,
  maxTotalBytes: 256 * 1024 * 1024,
  maxRatio: 200,
  allowInternalLinks: false,
};

/** Expanded bytes below which the ratio is not judged: tiny archives have large ratios. */
const RATIO_GRACE_BYTES = 1024 * 1024;
/** Expanded bytes the tar decoder may hold ahead of the entry being written. */
const READ_AHEAD = 48 * 1024 * 1024;
/** Compressed bytes inflated per step: native gzip expands a whole input chunk at once. */
const GZIP_STEP = 8 * 1024;
/** Compressed bytes fed to fflate per step, which bounds what one step can inflate. */
const ZIP_STEP = 16 * 1024;

/**
 * The archive format a file name or URL implies, or `undefined`.
 *
 * @example
 * ```ts
 * import { archiveFormatOf } from "./archive.ts";
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
 * import { extractArchive } from "./archive.ts";
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

/** Writes checked entries under a root and keeps the counts the limits judge. */
class TreeWriter {
  files = 0;
  bytes = 0;
  /** Bytes read from the compressed input, and bytes it expanded to. */
  compressedIn = 0;
  expandedOut = 0;
  private entries = 0;

  /** Expanded bytes not explained by written content or by headers (1 KiB per entry). */
  unaccountedBytes(): number {
    return this.expandedOut - this.bytes - 1024 * this.entries;
  }
  private readonly seen = new Set<string>();
  private readonly madeDirs = new Set<string>([""]);
  private readonly links: Array<{ path: string; target: string; hard: boolean }> = [];
  private open?: Deno.FsFile;

  constructor(
    readonly root: string,
    readonly limits: ExtractLimits,
    readonly what: string,
  ) {}

  /** Counts an entry and returns its checked path ("" for the root itself). */
  admit(name: string): string {
    this.entries++;
    if (this.entries > this.limits.maxFiles) {
      throw refusedEntry(
        this.what,
        name,
        `the archive has more than ${this.limits.maxFiles} entries (maxFiles)`,
      );
    }
    const path = safeRelativePath(this.what, name);
    if (path !== "" && this.seen.has(path)) {
      throw refusedEntry(this.what, name, "the archive holds this path twice");
    }
    this.seen.add(path);
    return path;
  }

  /** Throws when `more` content bytes would pass maxTotalBytes. */
  reserve(name: string, more: number): void {
    if (this.bytes + more > this.limits.maxTotalBytes) {
      throw refusedEntry(
        this.what,
        name,
        `the content exceeds ${this.limits.maxTotalBytes} bytes (maxTotalBytes)`,
      );
    }
  }

  /** Judges the expansion ratio so far; `name` is the entry being expanded. */
  checkRatio(name: string): void {
    if (
      this.expandedOut > RATIO_GRACE_BYTES &&
      this.expandedOut > this.limits.maxRatio * Math.max(this.compressedIn, 1)
    ) {
      throw refusedEntry(
        this.what,
        name,
        `it expands more than ${this.limits.maxRatio} times its compressed size (maxRatio)`,
      );
    }
  }

  async dir(path: string): Promise<void> {
    if (this.madeDirs.has(path)) return;
    await Deno.mkdir(join(this.root, path), { recursive: true, mode: 0o755 });
    // Record every ancestor so later entries skip the syscall.
    for (let p = path; p !== "." && p !== ""; p = dirname(p)) this.madeDirs.add(p);
  }

  async openFile(path: string, mode: number | undefined): Promise<void> {
    this.closeFile();
    await this.dir(dirname(path) === "." ? "" : dirname(path));
    // createNew (O_EXCL) never follows an existing name, links included.
    this.open = await Deno.open(join(this.root, path), {
      createNew: true,
      write: true,
      mode: fileMode(mode),
    });
    this.files++;
  }

  async write(name: string, chunk: Uint8Array): Promise<void> {
    this.reserve(name, chunk.length);
    this.checkRatio(name);
    this.bytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length) offset += await this.open!.write(chunk.subarray(offset));
  }

  closeFile(): void {
    this.open?.close();
    this.open = undefined;
  }

  /** Queues a link; links are made last so no entry is ever written through one. */
  link(path: string, target: string, hard: boolean): void {
    if (!this.limits.allowInternalLinks) {
      throw refusedEntry(
        this.what,
        path,
        `${hard ? "hard" : "symbolic"} links are not allowed (link to "${target}")`,
      );
    }
    if (hard) {
      const checked = safeRelativePath(this.what, target);
      this.links.push({ path, target: checked, hard });
    } else {
      this.links.push({ path, target: safeLinkTarget(this.what, path, target), hard });
    }
  }

  async finish(): Promise<void> {
    for (const link of this.links) {
      await this.dir(dirname(link.path) === "." ? "" : dirname(link.path));
      const at = join(this.root, link.path);
      if (link.hard) {
        const target = join(this.root, link.target);
        const info = await Deno.lstat(target).catch((e) => {
          if (e instanceof Deno.errors.NotFound) return undefined;
          throw e;
        });
        if (!info?.isFile) {
          throw refusedEntry(this.what, link.path, `hard link to "${link.target}" is not a file`);
        }
        await Deno.link(target, at);
      } else {
        await Deno.symlink(link.target, at);
      }
    }
  }

  abort(): Promise<void> {
    this.closeFile();
    return Promise.resolve();
  }
}

/** Counts bytes passing through, and lets the writer judge the limits as they grow. */
function counter(onChunk: (n: number) => void): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      onChunk(chunk.length);
      controller.enqueue(chunk);
    },
  });
}

/** Native gzip decompression, typed as the byte transform it is. */
function gunzip(): TransformStream<Uint8Array, Uint8Array> {
  const { readable, writable } = new DecompressionStream("gzip");
  return { readable, writable: writable as WritableStream<Uint8Array> };
}

/**
 * The input as a stream of pieces of at most `step` bytes. Native gzip inflates each input
 * chunk in one go, so small compressed pieces are what bounds the memory a bomb can take.
 */
function toStream(
  input: Uint8Array | ReadableStream<Uint8Array>,
  step: number,
): ReadableStream<Uint8Array> {
  if (input instanceof Uint8Array) {
    let offset = 0;
    return new ReadableStream({
      pull(controller) {
        if (offset >= input.length) return controller.close();
        controller.enqueue(input.subarray(offset, offset + step));
        offset += step;
      },
    });
  }
  return input.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        for (let i = 0; i < chunk.length; i += step) {
          controller.enqueue(chunk.subarray(i, i + step));
        }
      },
    }),
  );
}

async function extractTar(
  input: Uint8Array | ReadableStream<Uint8Array>,
  writer: TreeWriter,
  gzipped: boolean,
): Promise<void> {
  let current = "(archive data)";
  // A limit hit inside a stream transform surfaces as that stream's error; keep the original.
  let limitError: unknown;
  let bytes = toStream(input, gzipped ? GZIP_STEP : 1024 * 1024);
  if (gzipped) {
    bytes = bytes
      .pipeThrough(counter((n) => writer.compressedIn += n))
      .pipeThrough(gunzip())
      .pipeThrough(counter((n) => {
        writer.expandedOut += n;
        // Entry bodies are judged as they are written (naming the entry); this is the backstop
        // for expansion that never reaches a file (data after the end marker, bodies the
        // decoder skips), with room for the decoder's read-ahead.
        if (writer.unaccountedBytes() > READ_AHEAD) {
          try {
            writer.checkRatio(current);
          } catch (e) {
            limitError = e;
            throw e;
          }
        }
      }));
  }
  const entries = bytes.pipeThrough(createTarDecoder({ strict: true }));
  try {
    for await (const entry of entries) {
      current = entry.header.name;
      await extractTarEntry(entry, writer);
    }
  } catch (e) {
    if (limitError) throw limitError;
    if (e instanceof SkillError) throw e;
    const fsError = filesystemError(e, writer.what, current);
    if (fsError) throw fsError;
    throw new SkillError("validation", `Cannot read the ${writer.what}: ${errorText(e)}`, {
      why: `the archive is damaged or not a ${gzipped ? "gzip-compressed " : ""}tar file`,
      cause: e,
    });
  }
}

async function extractTarEntry(entry: ParsedTarEntry, writer: TreeWriter): Promise<void> {
  const { header } = entry;
  const name = header.name;
  const path = writer.admit(name);
  const type = header.type ?? "file";
  if (type === "character-device" || type === "block-device") {
    throw refusedEntry(writer.what, name, `it is a ${type.replace("-", " ")}`);
  }
  if (type === "fifo") throw refusedEntry(writer.what, name, "it is a fifo (named pipe)");
  if (type === "symlink" || type === "link") {
    if (path === "") throw refusedEntry(writer.what, name, "a link cannot replace the root");
    writer.link(path, header.linkname ?? "", type === "link");
    await entry.body.cancel();
    return;
  }
  if (type === "directory" || path === "") {
    await writer.dir(path);
    await entry.body.cancel();
    return;
  }
  if (type !== "file") {
    throw refusedEntry(writer.what, name, `entries of type ${type} are not supported`);
  }
  // Judge the declared size before writing anything of it.
  writer.reserve(name, header.size);
  await writer.openFile(path, header.mode);
  try {
    for await (const chunk of entry.body) await writer.write(name, chunk);
  } finally {
    writer.closeFile();
  }
}

async function extractZip(
  input: Uint8Array | ReadableStream<Uint8Array>,
  writer: TreeWriter,
): Promise<void> {
  const bytes = input instanceof Uint8Array ? input : await readCapped(input, writer);
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new SkillError("validation", `Cannot read the ${writer.what}: no zip signature`, {
      why: "the archive is damaged or not a zip file",
    });
  }
  // fflate calls back synchronously inside push(); queue the work and run it between pushes,
  // so memory stays bounded by what one ZIP_STEP of input can expand to.
  type Op = { file: UnzipFile; path: string } | { chunk: Uint8Array; name: string; end: boolean };
  const ops: Op[] = [];
  let failure: unknown;
  const unzip = new Unzip((file) => {
    if (failure) return;
    try {
      const path = writer.admit(file.name);
      if (file.name.endsWith("/") || path === "") {
        ops.push({ file, path });
        return;
      }
      if (file.originalSize !== undefined) writer.reserve(file.name, file.originalSize);
      ops.push({ file, path });
      file.ondata = (err, chunk, final) => {
        if (failure) return;
        if (err) {
          failure = err;
          return;
        }
        writer.expandedOut += chunk.length;
        try {
          writer.reserve(file.name, writer.expandedOut - writer.bytes);
          writer.checkRatio(file.name);
        } catch (e) {
          failure = e;
          file.terminate();
          return;
        }
        ops.push({ chunk, name: file.name, end: final });
      };
      file.start();
    } catch (e) {
      failure = e;
    }
  });
  unzip.register(UnzipInflate);
  let openName: string | undefined;
  const drain = async () => {
    for (const op of ops.splice(0)) {
      if ("file" in op) {
        openName = op.file.name;
        if (op.file.name.endsWith("/") || op.path === "") await writer.dir(op.path);
        else {
          await writer.openFile(op.path, undefined);
          openName = op.file.name;
        }
      } else {
        await writer.write(op.name, op.chunk);
        if (op.end) {
          writer.closeFile();
          openName = undefined;
        }
      }
    }
  };
  try {
    for (let offset = 0; offset < bytes.length && !failure; offset += ZIP_STEP) {
      const end = Math.min(offset + ZIP_STEP, bytes.length);
      writer.compressedIn = end;
      unzip.push(bytes.subarray(offset, end), end === bytes.length);
      await drain();
    }
  } catch (e) {
    if (e instanceof SkillError) throw e;
    const fsError = filesystemError(e, writer.what, openName ?? "(archive)");
    if (fsError) throw fsError;
    failure ??= e;
  }
  if (failure) {
    if (failure instanceof SkillError) throw failure;
    throw new SkillError("validation", `Cannot read the ${writer.what}: ${errorText(failure)}`, {
      why: `the archive is damaged or not a zip file${openName ? ` (at "${openName}")` : ""}`,
      cause: failure,
    });
  }
  writer.closeFile();
}

/** Reads a whole stream (zip needs its central directory at the end), up to maxTotalBytes. */
async function readCapped(
  stream: ReadableStream<Uint8Array>,
  writer: TreeWriter,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.length;
    if (total > writer.limits.maxTotalBytes) {
      throw refusedEntry(
        writer.what,
        "(archive)",
        `the archive itself exceeds ${writer.limits.maxTotalBytes} bytes (maxTotalBytes)`,
      );
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * A filesystem failure while writing the tree: a path clash (a file where a folder is
 * needed, or the reverse) is the archive's fault; anything else is an I/O error.
 */
function filesystemError(e: unknown, what: string, entry: string): SkillError | undefined {
  if (e instanceof Deno.errors.AlreadyExists || e instanceof Deno.errors.NotADirectory) {
    return refusedEntry(what, entry, "its path clashes with another entry of the archive");
  }
  if (Object.values(Deno.errors).some((type) => e instanceof type)) {
    return new SkillError("io", `Cannot write "${entry}" of the ${what}: ${errorText(e)}`, {
      cause: e,
    });
  }
  return undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
