/**
 * Zip extraction: the archive is read whole (its directory is at the end), then inflated in
 * small steps so memory stays bounded by what one step can expand to.
 *
 * @module
 */

import { Unzip, type UnzipFile, UnzipInflate } from "fflate";
import { SkillError } from "../errors/mod.ts";
import { refusedEntry } from "./safe_tree.ts";
import { errorText, filesystemError, type TreeWriter } from "./_tree_writer.ts";

/** Compressed bytes fed to fflate per step, which bounds what one step can inflate. */
const ZIP_STEP = 16 * 1024;

/** Extracts a zip archive through `writer`. */
export async function extractZip(
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
