/**
 * One error type for every failure caro skills reports: a stable {@link ErrorCode}
 * (which maps to the process exit code of SPEC §9), what happened, why, and the
 * commands that fix it. The one place that prints these lives in `src/cli/`.
 *
 * @example
 * ```ts
 * import { SkillError, exitCodeOf } from "./mod.ts";
 * const err = new SkillError("not_found", "Skill custom.dmeo is not installed", {
 *   hints: [{ to: "see installed skills", run: "caro skill list" }],
 * });
 * if (exitCodeOf(err) !== 1) throw new Error("unexpected exit code");
 * ```
 *
 * @module
 */

/** Stable error codes; each maps to one exit code (see {@link EXIT_CODES}). */
export type ErrorCode =
  | "not_found"
  | "version_conflict"
  | "capability_denied"
  | "network"
  | "validation"
  | "usage"
  | "io"
  | "interrupted"
  | "internal";

/**
 * Exit code per error code. 0–5 and 64 are SPEC §9; the rest follow sysexits.h
 * (74 I/O error, 70 internal software error) and the shell's 128+SIGINT.
 */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  not_found: 1,
  version_conflict: 2,
  capability_denied: 3,
  network: 4,
  validation: 5,
  usage: 64,
  internal: 70,
  io: 74,
  interrupted: 130,
};

/** A command that fixes the problem, printed as `To <to>: <run>`. */
export interface Hint {
  /** What running the command achieves, e.g. "install it". */
  to: string;
  /** The command line to run. */
  run: string;
}

/** Options for {@link SkillError}. */
export interface SkillErrorOptions {
  /** Why it happened: the state that stopped the operation. */
  why?: string;
  /** Commands that fix it. */
  hints?: Hint[];
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The error every operation throws for a failure a user can act on.
 *
 * @example
 * ```ts
 * import { SkillError } from "./mod.ts";
 * try {
 *   throw new SkillError("validation", "custom.demo is not valid", {
 *     why: 'skill.toml:4:11 version "1.0" is not semver',
 *     hints: [{ to: "check it again", run: "caro skill validate ./custom.demo" }],
 *   });
 * } catch (e) {
 *   if (!(e instanceof SkillError) || e.code !== "validation") throw e;
 * }
 * ```
 */
export class SkillError extends Error {
  /** Stable code, mapped to the exit code by {@link exitCodeOf}. */
  readonly code: ErrorCode;
  /** Why it happened, shown indented under the message. */
  readonly why?: string;
  /** Commands that fix it. */
  readonly hints: Hint[];

  constructor(code: ErrorCode, message: string, options: SkillErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "SkillError";
    this.code = code;
    this.why = options.why;
    this.hints = options.hints ?? [];
  }
}

/**
 * The process exit code for any thrown value: a {@link SkillError}'s mapped code,
 * 70 for anything else.
 *
 * @example
 * ```ts
 * import { SkillError, exitCodeOf } from "./mod.ts";
 * if (exitCodeOf(new SkillError("usage", "bad flag")) !== 64) throw new Error();
 * if (exitCodeOf(new TypeError("x")) !== 70) throw new Error();
 * ```
 */
export function exitCodeOf(error: unknown): number {
  return error instanceof SkillError ? EXIT_CODES[error.code] : EXIT_CODES.internal;
}

/**
 * Removes credentials from every URL in a text (userinfo, and query values of
 * parameters that look like tokens), so errors and logs never leak them.
 *
 * @example
 * ```ts
 * import { redactCredentials } from "./mod.ts";
 * const text = redactCredentials("fetch https://bob:s3cret@git.example.com/r.git failed");
 * if (text !== "fetch https://***@git.example.com/r.git failed") throw new Error(text);
 * ```
 */
export function redactCredentials(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, "$1***@")
    .replace(
      /([?&](?:access_token|token|api_key|apikey|key|password|secret|sig|signature)=)[^&\s#]+/gi,
      "$1***",
    );
}
