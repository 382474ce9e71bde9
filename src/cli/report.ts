import { type Diagnostic, exitCodeOf, redactCredentials, SkillError } from "../errors/mod.ts";
import type { Output } from "./output.ts";

/**
 * Prints any failure in the one shape of SPEC §9 and returns its exit code:
 * `Error: <what>`, a blank line, the indented why, then `To <do>: <command>`.
 */
export function reportError(error: unknown, out: Output): number {
  const c = out.colors;
  const lines: string[] = [];
  if (error instanceof SkillError) {
    lines.push(`${c.bold(c.red("Error:"))} ${redactCredentials(error.message)}`);
    if (error.why) {
      lines.push("", ...redactCredentials(error.why).split("\n").map((l) => `  ${l}`));
    }
    if (error.hints.length > 0) {
      lines.push("", ...error.hints.map((h) => `  To ${h.to}: ${c.cyan(h.run)}`));
    }
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`${c.bold(c.red("Error:"))} ${redactCredentials(message)}`);
    lines.push("", "  This is a bug in caro, not in your skill.");
    if (error instanceof Error && error.stack && Deno.env.get("CARO_DEBUG")) {
      lines.push("", ...error.stack.split("\n").map((l) => `  ${l}`));
    }
    lines.push("", `  To see the stack trace: ${c.cyan("CARO_DEBUG=1 caro …")}`);
  }
  out.diagnostic(lines.join("\n"));
  return exitCodeOf(error);
}

/** One finding, coloured by severity, as `file:line:col: severity[rule]: message`. */
export function formatFinding(d: Diagnostic, out: Output): string {
  const c = out.colors;
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  const severity = d.severity === "error" ? c.red("error") : c.yellow("warning");
  const head = `${c.bold(where)}: ${severity}[${d.rule}]: ${d.message}`;
  return d.hint ? `${head}\n    ${c.dim("hint:")} ${d.hint}` : head;
}
