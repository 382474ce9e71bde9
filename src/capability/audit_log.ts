/**
 * The audit log (SPEC §6): one JSON line per capability check in
 * `CARO_HOME/audit.log`, appended under an exclusive file lock so concurrent
 * caro processes never interleave lines, rotated to `audit.log.1` past a size
 * limit, with secrets redacted.
 *
 * @module
 */
import { z } from "zod";
import { redactSecrets, SkillError } from "../errors/mod.ts";
import { statOrNull } from "../tree/mod.ts";

/** Removes secrets from text bound for a log; the one implementation is in `errors/`. */
export { redactSecrets };

/**
 * One line of the audit log (SPEC §6). Unknown fields are kept so the format can grow.
 *
 * @example
 * ```ts
 * import { AuditEntrySchema } from "./audit_log.ts";
 * const entry = AuditEntrySchema.parse({
 *   timestamp: "2026-11-25T08:00:00.000Z", skill_id: "cloud.aws", capability: "env_read",
 *   resource: "AWS_REGION", result: "allowed", user_confirmed: null, execution_result: null,
 *   future_field: 1,
 * });
 * if (entry.future_field !== 1) throw new Error("unknown fields must be kept");
 * ```
 */
export const AuditEntrySchema = z.looseObject({
  /** RFC 3339 time of the check. */
  timestamp: z.string(),
  /** The skill that asked. */
  skill_id: z.string(),
  /** The capability checked (`terminal_exec`, `network`, …). */
  capability: z.string(),
  /** What was asked for: the command, path, URL or variable name (never a value). */
  resource: z.string(),
  /** The verdict. */
  result: z.enum(["allowed", "denied"]),
  /** Why, in words. */
  reason: z.string().optional(),
  /** Whether the user confirmed it at a prompt; null when nobody was asked. */
  user_confirmed: z.boolean().nullable(),
  /** How running it ended (`exit 0`, `timeout`), null for a check alone. */
  execution_result: z.union([z.string(), z.number()]).nullable(),
});

/** One line of the audit log. */
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** Default size past which `audit.log` is rotated to `audit.log.1`: 10 MiB. */
export const DEFAULT_AUDIT_MAX_BYTES = 10 * 1024 * 1024;

/** Options of {@link AuditLog}. */
export interface AuditLogOptions {
  /** Rotate to `<path>.1` before a line would make the log larger than this. Default 10 MiB. */
  maxBytes?: number;
}

/**
 * An append-only audit log file shared by concurrent processes.
 *
 * @example
 * ```ts
 * import { AuditLog, readAuditLog } from "./audit_log.ts";
 * if ((await Deno.permissions.query({ name: "write" })).state === "granted") {
 *   const dir = await Deno.makeTempDir();
 *   const log = new AuditLog(`${dir}/audit.log`);
 *   await log.append({
 *     timestamp: new Date().toISOString(), skill_id: "cloud.aws", capability: "network",
 *     resource: "https://bob:pw@s3.amazonaws.com/", result: "allowed",
 *     user_confirmed: null, execution_result: null,
 *   });
 *   const [entry] = await readAuditLog(`${dir}/audit.log`, { skillId: "cloud.aws" });
 *   if (entry.resource !== "https://***@s3.amazonaws.com/") throw new Error(entry.resource);
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export class AuditLog {
  readonly #maxBytes: number;

  /**
   * Opens nothing yet: each {@link append} opens, locks, writes and closes.
   *
   * @param path The log file, usually `CARO_HOME/audit.log`.
   * @param options The rotation size.
   */
  constructor(readonly path: string, options: AuditLogOptions = {}) {
    this.#maxBytes = options.maxBytes ?? DEFAULT_AUDIT_MAX_BYTES;
  }

  /**
   * Appends one entry as a JSON line, its resource and reason redacted.
   *
   * @throws {SkillError} `io` when the log cannot be written.
   */
  async append(entry: AuditEntry): Promise<void> {
    const line = JSON.stringify({
      ...entry,
      resource: redactSecrets(entry.resource),
      ...(entry.reason === undefined ? {} : { reason: redactSecrets(entry.reason) }),
    }) + "\n";
    const bytes = new TextEncoder().encode(line);
    try {
      await this.#appendLocked(bytes);
    } catch (error) {
      if (error instanceof SkillError) throw error;
      throw new SkillError("io", `Cannot write the audit log ${this.path}`, {
        why: String(error),
        cause: error,
      });
    }
  }

  async #appendLocked(bytes: Uint8Array): Promise<void> {
    const dir = this.path.slice(0, this.path.lastIndexOf("/"));
    if (dir) await Deno.mkdir(dir, { recursive: true });
    for (let attempt = 0; attempt < 20; attempt++) {
      const file = await Deno.open(this.path, { append: true, create: true, mode: 0o600 });
      try {
        await file.lock(true);
        const mine = await file.stat();
        const current = await statOrNull(this.path);
        // Another process rotated the file between our open and our lock:
        // this handle now points at audit.log.1, so open the new file.
        if (current === null || (mine.ino !== null && mine.ino !== current.ino)) continue;
        if (mine.size > 0 && mine.size + bytes.length > this.#maxBytes) {
          await Deno.rename(this.path, `${this.path}.1`);
          continue;
        }
        let written = 0;
        while (written < bytes.length) written += await file.write(bytes.subarray(written));
        return;
      } finally {
        file.close();
      }
    }
    throw new SkillError("io", `Cannot write the audit log ${this.path}`, {
      why: "it kept being rotated by other processes",
    });
  }
}

/** Filters of {@link readAuditLog}. */
export interface ReadAuditLogOptions {
  /** Only entries of this skill. */
  skillId?: string;
  /** Only entries at or after this time. */
  since?: Date;
}

/**
 * Reads the audit log (the rotated `audit.log.1` first, then `audit.log`), oldest
 * first. Lines that are not valid entries (a write cut by a crash, a line from a
 * newer format missing fields) are skipped.
 *
 * @throws {SkillError} `io` when a file exists but cannot be read.
 *
 * @example
 * ```ts
 * import { readAuditLog } from "./audit_log.ts";
 * if ((await Deno.permissions.query({ name: "read" })).state === "granted") {
 *   const none = await readAuditLog("/nonexistent/audit.log");
 *   if (none.length !== 0) throw new Error();
 * }
 * ```
 */
export async function readAuditLog(
  path: string,
  options: ReadAuditLogOptions = {},
): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (const file of [`${path}.1`, path]) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw new SkillError("io", `Cannot read the audit log ${file}`, {
        why: String(error),
        cause: error,
      });
    }
    for (const line of text.split("\n")) {
      const entry = parseLine(line);
      if (!entry) continue;
      if (options.skillId !== undefined && entry.skill_id !== options.skillId) continue;
      if (options.since && !(Date.parse(entry.timestamp) >= options.since.getTime())) continue;
      entries.push(entry);
    }
  }
  return entries;
}

function parseLine(line: string): AuditEntry | null {
  if (line.trim() === "") return null;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    if (error instanceof SyntaxError) return null; // a line cut short by a crash
    throw error;
  }
  const parsed = AuditEntrySchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
