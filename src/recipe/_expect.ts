/**
 * Whether a command's run meets its `expect`: exit code, output text, and
 * JSON paths (SPEC §3 verification).
 *
 * @module
 */
import type { RunResult } from "../process/mod.ts";
import type { Step, Verification } from "./schema.ts";

/** Why a run does not meet `expect`, or null. */
export async function expectProblem(
  run: RunResult,
  expect: Verification["expect"] | Step["expect"],
): Promise<string | null> {
  if (run.code !== expect.exit_code) {
    const said = lastLine(run.stderr) || lastLine(run.stdout);
    return `exit code ${run.code}, expected ${expect.exit_code}${said ? `: ${said}` : ""}`;
  }
  if (
    expect.output_contains !== undefined &&
    !`${run.stdout}\n${run.stderr}`.includes(expect.output_contains)
  ) {
    return `the output does not contain "${expect.output_contains}"`;
  }
  if ("json_path" in expect && expect.json_path !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(run.stdout);
    } catch (error) {
      return `the output is not JSON (${error instanceof Error ? error.message : String(error)})`;
    }
    // Loaded on first use: most recipes never read JSON.
    const { JSONPath } = await import("jsonpath-plus");
    const matches = JSONPath({
      path: expect.json_path,
      json: json as object,
      wrap: true,
      eval: false,
    }) as unknown[];
    if (matches.length === 0) return `${expect.json_path} matches nothing`;
    if (expect.equals !== undefined && !matches.some((m) => deepEqual(m, expect.equals))) {
      return `${expect.json_path} is ${JSON.stringify(matches[0])}, expected ${
        JSON.stringify(expect.equals)
      }`;
    }
    if (expect.contains !== undefined) {
      const needle = String(expect.contains);
      const found = matches.some((m) =>
        Array.isArray(m)
          ? m.some((x) =>
            (typeof x === "string" ? x : JSON.stringify(x)) === needle || String(x).includes(needle)
          )
          : (typeof m === "string" ? m : JSON.stringify(m)).includes(needle)
      );
      if (!found) return `${expect.json_path} does not contain "${needle}"`;
    }
  }
  return null;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") {
    return typeof a === "number" && typeof b === "string" ? String(a) === b : false;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length &&
    ka.every((k) =>
      deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
    );
}

function lastLine(text: string): string {
  const line = text.trim().split("\n").at(-1) ?? "";
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
