/**
 * One error type for every failure caro skills reports: a stable {@link ErrorCode}
 * (which maps to the process exit code of SPEC §9), what happened, why, and the
 * commands that fix it. The one place that prints these lives in `src/cli/`.
 *
 * - {@link SkillError}, {@link exitCodeOf}: the error and its exit code.
 * - {@link ValidationError}: a `validation` error that keeps its {@link Diagnostic}s;
 *   {@link formatDiagnostic} prints one.
 * - {@link redactCredentials}, {@link redactSecrets}: credentials and secrets
 *   removed from text bound for an error or a log, in linear time (`redact.ts`).
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
export { redactCredentials, redactSecrets } from "./redact.ts";

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

/** How serious a {@link Diagnostic} is: errors are fatal, warnings only with `--strict`. */
export type Severity = "error" | "warning";

/**
 * One finding of a validator, at a place in a skill's files.
 *
 * @example
 * ```ts
 * import { formatDiagnostic, type Diagnostic } from "./mod.ts";
 * const d: Diagnostic = {
 *   severity: "error", rule: "version-semver", file: "skill.toml", line: 4, column: 11,
 *   message: 'version "1.0" is not semver', hint: 'write three numbers, e.g. version = "1.0.0"',
 * };
 * if (!formatDiagnostic(d).startsWith("skill.toml:4:11: error[version-semver]")) throw new Error();
 * ```
 */
export interface Diagnostic {
  severity: Severity;
  /** Stable rule name, e.g. `version-semver`, `unknown-key`. */
  rule: string;
  /** What is wrong, naming the value. */
  message: string;
  /** Path of the file, relative to the skill folder (`skill.toml`, `recipes/x.yaml`). */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** 1-based column, when known. */
  column?: number;
  /** What to do about it. */
  hint?: string;
}

/**
 * `file:line:col: severity[rule]: message`, then an indented hint line.
 *
 * @example
 * ```ts
 * import { formatDiagnostic } from "./mod.ts";
 * const text = formatDiagnostic({ severity: "warning", rule: "unknown-key", file: "SKILL.md", line: 2, column: 1, message: "unknown key" });
 * if (text !== "SKILL.md:2:1: warning[unknown-key]: unknown key") throw new Error(text);
 * ```
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  const head = `${where}: ${d.severity}[${d.rule}]: ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

/** Options for {@link ValidationError}: a {@link SkillError}'s but `why`, made from the diagnostics. */
export type ValidationErrorOptions = Omit<SkillErrorOptions, "why">;

/**
 * A `validation` {@link SkillError} that keeps the {@link Diagnostic}s it
 * reports, so a caller can count, filter or print them instead of parsing text.
 * Its `why` has a line `file:line:col message (hint)` per error, or per
 * diagnostic when none is an error.
 *
 * @example
 * ```ts
 * import { exitCodeOf, ValidationError } from "./mod.ts";
 * const err = new ValidationError("custom.demo is not a valid skill: 1 error, 1 warning", [
 *   { severity: "error", rule: "version-semver", file: "skill.toml", line: 4, column: 11,
 *     message: 'version "1.0" is not semver', hint: 'write three numbers, e.g. "1.0.0"' },
 *   { severity: "warning", rule: "unknown-key", file: "skill.toml", line: 9, column: 1,
 *     message: "unknown key colour" },
 * ], { hints: [{ to: "see every finding", run: "caro skill validate ./custom.demo" }] });
 * const why = 'skill.toml:4:11 version "1.0" is not semver (write three numbers, e.g. "1.0.0")';
 * if (err.why !== why) throw new Error(err.why);
 * if (exitCodeOf(err) !== 5 || err.diagnostics.length !== 2) throw new Error();
 * ```
 */
export class ValidationError extends SkillError {
  /** Every finding, warnings included, in the order given. */
  readonly diagnostics: Diagnostic[];

  /**
   * Builds the error, its `why` made from the diagnostics.
   *
   * @param message What could not be done, e.g. `custom.demo is not a valid skill: 1 error, 0 warnings`.
   * @param diagnostics The findings; `why` is made from them.
   * @param options Hints and cause.
   */
  constructor(
    message: string,
    diagnostics: readonly Diagnostic[],
    options: ValidationErrorOptions = {},
  ) {
    // Errors are what stopped it; warnings are shown only when they alone did
    // (validation with `--strict`).
    const hasErrors = diagnostics.some((d) => d.severity === "error");
    const why = diagnostics
      .filter((d) => d.severity === "error" || !hasErrors)
      .map((d) =>
        `${d.file}${d.line ? `:${d.line}:${d.column}` : ""} ${d.message}${
          d.hint ? ` (${d.hint})` : ""
        }`
      )
      .join("\n");
    super("validation", message, { ...options, why });
    this.name = "ValidationError";
    this.diagnostics = [...diagnostics];
  }
}
