import { Command } from "commander";
import { SkillError } from "../../errors/mod.ts";
import type { ValidationReport } from "../../manifest/mod.ts";
import { CARO_VERSION } from "../version.ts";
import { formatOption } from "../options.ts";
import { formatFinding } from "../report.ts";
import type { CommandContext } from "../context.ts";

/** `caro skill validate [PATH...] [--strict] [--format text|json]`. */
export function validateCommand(ctx: CommandContext): Command {
  return new Command("validate")
    .description(
      "Check skill folders (skill.toml or SKILL.md); a folder of skills checks each one",
    )
    .argument("[paths...]", "skill folders, or folders holding skill folders", ["."])
    .option("--strict", "treat warnings as errors")
    .addOption(formatOption(["text", "json"]))
    .action(async (paths: string[], options: { strict?: boolean; format: "text" | "json" }) => {
      const out = ctx.output();
      const { validateSkills } = await import("../../ops/mod.ts");
      const reports = await validateSkills(paths, {
        strict: options.strict,
        caroVersion: CARO_VERSION,
      });
      const failed = reports.filter((r) => !r.ok);
      if (options.format === "json") {
        out.json({
          valid: failed.length === 0,
          strict: options.strict === true,
          skills: reports.map(toJson),
        });
      } else {
        for (const report of reports) {
          const c = out.colors;
          const mark = report.ok ? c.green("✓") : c.red("✗");
          const counts = `${report.errors} error(s), ${report.warnings} warning(s)`;
          out.line(
            `${mark} ${report.id ?? "?"} (${report.path}): ${
              report.ok ? "valid" : "invalid"
            }, ${counts}`,
          );
          for (const d of report.diagnostics) out.diagnostic(formatFinding(d, out));
        }
      }
      if (failed.length > 0) {
        throw new SkillError(
          "validation",
          `${failed.length} of ${reports.length} skill(s) failed validation${
            options.strict ? " (--strict)" : ""
          }`,
          {
            why: failed.map((r) => `${r.path}: ${r.errors} error(s), ${r.warnings} warning(s)`)
              .join("\n"),
            hints: [{
              to: "fix each finding above, then check again",
              run: `caro skill validate ${failed.map((r) => r.path).join(" ")}`,
            }],
          },
        );
      }
    });
}

function toJson(report: ValidationReport) {
  return {
    path: report.path,
    id: report.id ?? null,
    ok: report.ok,
    errors: report.errors,
    warnings: report.warnings,
    diagnostics: report.diagnostics,
  };
}
