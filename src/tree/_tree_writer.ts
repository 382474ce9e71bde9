/**
 * The writer every archive format extracts through: it admits each entry by the path rules,
 * counts entries, bytes and the expansion ratio against the limits, and makes links last so
 * no entry is ever written through one.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { SkillError } from "../errors/mod.ts";
import { fileMode, refusedEntry, safeLinkTarget, safeRelativePath } from "./safe_tree.ts";
import type { ExtractLimits } from "./extract.ts";

/** Expanded bytes below which the ratio is not judged: tiny archives have large ratios. */
const RATIO_GRACE_BYTES = 1024 * 1024;

/** Writes checked entries under a root and keeps the counts the limits judge. */
export class TreeWriter {
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

/**
 * A filesystem failure while writing the tree: a path clash (a file where a folder is
 * needed, or the reverse) is the archive's fault; anything else is an I/O error.
 */
export function filesystemError(e: unknown, what: string, entry: string): SkillError | undefined {
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

/** The message of a thrown value. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
