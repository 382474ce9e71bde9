/**
 * Tar and gzip-compressed tar extraction, streamed: entries are judged as they arrive, and
 * gzip input is inflated in small steps so a bomb is stopped before it takes the memory.
 *
 * @module
 */

import { createTarDecoder, type ParsedTarEntry } from "modern-tar";
import { SkillError } from "../errors/mod.ts";
import { refusedEntry } from "./safe_tree.ts";
import { errorText, filesystemError, type TreeWriter } from "./_tree_writer.ts";

/** Expanded bytes the tar decoder may hold ahead of the entry being written. */
const READ_AHEAD = 48 * 1024 * 1024;
/** Compressed bytes inflated per step: native gzip expands a whole input chunk at once. */
const GZIP_STEP = 8 * 1024;

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

/** Extracts a (gzip-compressed) tar stream through `writer`. */
export async function extractTar(
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
