/**
 * Downloads of skill archives (SPEC §5): streamed to disk, optionally pinned to a SHA-256
 * digest, resumed with `Range` after a transient failure, and refused over plain `http://`
 * unless the host is this machine.
 *
 * @module
 */

import { createHash, type Hash } from "node:crypto";
import { redactCredentials, SkillError } from "../errors/mod.ts";
import { removeIfExists } from "../tree/mod.ts";

/** Progress of a download, reported as bytes arrive. */
export interface DownloadProgress {
  /** Bytes on disk so far (including bytes from before a resume). */
  bytes: number;
  /** Total size when the server said it. */
  total?: number;
  /** Bytes per second over this download. */
  rate: number;
}

/** Options for {@link downloadToFile}. */
export interface DownloadOptions {
  /** The HTTP edge; the global `fetch` by default. */
  fetch?: typeof fetch;
  /** Expected SHA-256 of the whole file as hex; a mismatch is refused before anyone reads it. */
  sha256?: string;
  /** Called as bytes arrive, at most every 100 ms and once at the end. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Attempts after the first on transient failures (connection errors, 5xx, 408, 429). Default 3. */
  retries?: number;
  /** First back-off delay in ms, doubled per attempt. Default 300. */
  retryDelayMs?: number;
  /** Allow plain `http://` to hosts other than loopback. Default false. */
  insecure?: boolean;
  /** Refuse downloads larger than this many bytes. Default 512 MiB. */
  maxBytes?: number;
  /** Cancels the download. */
  signal?: AbortSignal;
}

/** What {@link downloadToFile} wrote. */
export interface DownloadResult {
  /** The file written. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** Its SHA-256 as lowercase hex. */
  sha256: string;
  /** How many requests it took (1 without retries). */
  attempts: number;
}

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
const PROGRESS_EVERY_MS = 100;

/**
 * Whether a URL host is this machine: `localhost`, 127.0.0.0/8 or `::1`.
 *
 * @example
 * ```ts
 * import { isLoopbackHost } from "./download.ts";
 * if (!isLoopbackHost(new URL("http://127.1.2.3:8080/").hostname)) throw new Error();
 * if (!isLoopbackHost(new URL("http://[::1]/").hostname)) throw new Error();
 * if (isLoopbackHost("127.0.0.1.evil.example")) throw new Error();
 * ```
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "[::1]" || host === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Checks a download or clone URL against the transport policy: `https:` always, `http:` only
 * to loopback or with `insecure`, `file:` when `allowFile`. Returns the parsed URL.
 *
 * @throws {SkillError} `usage` for an unparsable URL or another scheme, `validation` for
 * plain http to a remote host
 *
 * @example
 * ```ts
 * import { checkTransport } from "./download.ts";
 * checkTransport("https://example.com/a.tgz");
 * checkTransport("http://127.0.0.1:8080/a.tgz");
 * let refused = false;
 * try { checkTransport("http://example.com/a.tgz"); } catch { refused = true; }
 * if (!refused) throw new Error("plain http to a remote host must be refused");
 * ```
 */
export function checkTransport(
  url: string,
  options: { insecure?: boolean; allowFile?: boolean } = {},
): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw new SkillError("usage", `Cannot use ${redactUrl(url)}: it is not a URL`, { cause: e });
  }
  const shown = redactUrl(url);
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol === "file:" && options.allowFile) return parsed;
  if (parsed.protocol === "http:") {
    if (isLoopbackHost(parsed.hostname) || options.insecure) return parsed;
    throw new SkillError("validation", `Refused ${shown}: plain http:// to a remote host`, {
      why: "anyone on the path could change what is downloaded; use https://",
      hints: [{ to: "allow it anyway", run: "add --insecure (or pin the digest with #sha256=)" }],
    });
  }
  throw new SkillError(
    "usage",
    `Cannot use ${shown}: the ${parsed.protocol} scheme is not supported`,
    {
      why: `expected https://${options.allowFile ? " or file://" : ""}`,
    },
  );
}

/**
 * Downloads `url` to `dest`: streamed through a `.part` file beside it, resumed with `Range`
 * after a connection cut or a 5xx, checked against `sha256` when given, then renamed into
 * place. On failure no file is left.
 *
 * @throws {SkillError} `network` when it cannot be downloaded (after the retries),
 * `not_found` for 404/410, `validation` for a digest mismatch, a size past `maxBytes` or a
 * refused transport
 *
 * @example
 * ```ts
 * import { downloadToFile } from "./download.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "hello");
 * const result = await downloadToFile(`file://${dir}/a.txt`, `${dir}/b.txt`, {
 *   sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
 * });
 * if (result.bytes !== 5) throw new Error();
 * ```
 */
export async function downloadToFile(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const parsed = checkTransport(url, { insecure: options.insecure, allowFile: true });
  const part = `${dest}.part`;
  try {
    const result = parsed.protocol === "file:"
      ? await copyLocal(parsed, part, options)
      : await fetchWithResume(url, part, options);
    if (options.sha256 && result.sha256 !== options.sha256.toLowerCase()) {
      throw new SkillError("validation", `Refused ${redactUrl(url)}: its SHA-256 does not match`, {
        why: `expected sha256 ${options.sha256.toLowerCase()}, got ${result.sha256}`,
        hints: [{ to: "check the pinned digest", run: `sha256sum <file>` }],
      });
    }
    await Deno.rename(part, dest);
    return { ...result, path: dest };
  } catch (e) {
    await removeIfExists(part);
    throw e;
  }
}

async function copyLocal(
  url: URL,
  part: string,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const path = decodeURIComponent(url.pathname);
  let source: Deno.FsFile;
  try {
    source = await Deno.open(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SkillError("not_found", `Cannot read ${path}: no such file`, { cause: e });
    }
    throw e;
  }
  const sink = new Sink(part, options, undefined);
  await sink.open(false);
  try {
    for await (const chunk of source.readable) await sink.write(chunk);
  } finally {
    sink.close();
  }
  return { path: part, bytes: sink.bytes, sha256: sink.digest(), attempts: 1 };
}

/** The `.part` file with its running hash, size cap and progress reports. */
class Sink {
  bytes = 0;
  total?: number;
  private hash: Hash = createHash("sha256");
  private file?: Deno.FsFile;
  private readonly started = performance.now();
  private sessionBytes = 0;
  private lastReport = 0;

  constructor(
    readonly path: string,
    readonly options: DownloadOptions,
    readonly url: string | undefined,
  ) {}

  /** Opens the file, appending to what is there or starting over. */
  async open(append: boolean): Promise<void> {
    this.close();
    if (!append) {
      this.bytes = 0;
      this.hash = createHash("sha256");
    }
    this.file = await Deno.open(this.path, {
      write: true,
      create: true,
      append,
      truncate: !append,
    });
  }

  async write(chunk: Uint8Array): Promise<void> {
    const max = this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (this.bytes + chunk.length > max) {
      throw new SkillError(
        "validation",
        `Refused ${this.url ?? this.path}: larger than ${max} bytes`,
        {
          why: "a skill archive that large is not expected (maxBytes)",
        },
      );
    }
    let offset = 0;
    while (offset < chunk.length) offset += await this.file!.write(chunk.subarray(offset));
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.sessionBytes += chunk.length;
    const now = performance.now();
    if (now - this.lastReport >= PROGRESS_EVERY_MS) {
      this.lastReport = now;
      this.report(now);
    }
  }

  report(now = performance.now()): void {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    this.options.onProgress?.({
      bytes: this.bytes,
      total: this.total,
      rate: Math.round(this.sessionBytes / seconds),
    });
  }

  digest(): string {
    this.report();
    return this.hash.digest("hex");
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }
}

/** A failure worth another attempt. */
class Transient extends Error {}

async function fetchWithResume(
  url: string,
  part: string,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const fetchFn = options.fetch ?? fetch;
  // fetch refuses URLs with userinfo: send it as Basic credentials instead.
  const target = new URL(url);
  const basic = target.username || target.password
    ? `Basic ${
      btoa(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`)
    }`
    : undefined;
  target.username = "";
  target.password = "";
  const retries = options.retries ?? 3;
  const shown = redactUrl(url);
  const sink = new Sink(part, options, shown);
  let etag: string | undefined;
  let lastFailure = "";
  let attempt = 0;
  try {
    for (;; attempt++) {
      if (attempt > 0) {
        if (attempt > retries) {
          throw new SkillError("network", `Cannot download ${shown}: ${lastFailure}`, {
            why: `gave up after ${attempt} attempts`,
            hints: [{ to: "try again later", run: "rerun the same command" }],
          });
        }
        const delay = Math.min((options.retryDelayMs ?? 300) * 2 ** (attempt - 1), 10_000);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      try {
        await oneAttempt();
        return { path: part, bytes: sink.bytes, sha256: sink.digest(), attempts: attempt + 1 };
      } catch (e) {
        if (!(e instanceof Transient)) throw e;
        lastFailure = e.message;
      }
    }
  } finally {
    sink.close();
  }

  async function oneAttempt(): Promise<void> {
    const resumeFrom = sink.bytes;
    const headers = new Headers();
    if (basic) headers.set("authorization", basic);
    if (resumeFrom > 0) {
      headers.set("range", `bytes=${resumeFrom}-`);
      if (etag) headers.set("if-range", etag);
    }
    let response: Response;
    try {
      response = await fetchFn(target, { headers, signal: options.signal });
    } catch (e) {
      if (options.signal?.aborted) throw abortedError(shown, e);
      throw new Transient(errorText(e));
    }
    if (response.redirected) {
      try {
        checkTransport(response.url, { insecure: options.insecure });
      } catch (e) {
        await response.body?.cancel();
        throw e;
      }
    }
    const status = response.status;
    if (status >= 500 || status === 408 || status === 429) {
      await response.body?.cancel();
      throw new Transient(`HTTP ${status}`);
    }
    if (status === 404 || status === 410) {
      await response.body?.cancel();
      throw new SkillError("not_found", `Cannot download ${shown}: HTTP ${status}`, {
        why: "the server has no file at this URL",
      });
    }
    if (status !== 200 && status !== 206) {
      await response.body?.cancel();
      throw new SkillError("network", `Cannot download ${shown}: HTTP ${status}`, {
        why: status === 401 || status === 403
          ? "the server refused access"
          : "the server answered with an error",
      });
    }
    const range = response.headers.get("content-range")?.match(/^bytes (\d+)-\d+\/(\d+|\*)/);
    const length = Number(response.headers.get("content-length") ?? NaN);
    if (status === 206 && range && Number(range[1]) === resumeFrom) {
      await sink.open(true);
      if (range[2] !== "*") sink.total = Number(range[2]);
    } else {
      // A full body (the server ignored Range, or the file changed): start over.
      await sink.open(false);
      sink.total = Number.isFinite(length) ? length : undefined;
    }
    etag = response.headers.get("etag") ?? undefined;
    if (!response.body) throw new Transient("the response has no body");
    try {
      for await (const chunk of response.body) await sink.write(chunk);
    } catch (e) {
      if (e instanceof SkillError) throw e;
      if (options.signal?.aborted) throw abortedError(shown, e);
      throw new Transient(`the connection broke after ${sink.bytes} bytes: ${errorText(e)}`);
    }
    if (sink.total !== undefined && sink.bytes < sink.total) {
      throw new Transient(`the body ended after ${sink.bytes} of ${sink.total} bytes`);
    }
  }
}

function abortedError(shown: string, cause: unknown): SkillError {
  return new SkillError("interrupted", `Download of ${shown} was cancelled`, { cause });
}

function redactUrl(url: string): string {
  return redactCredentials(url);
}

function errorText(e: unknown): string {
  return redactCredentials(e instanceof Error ? e.message : String(e));
}
