import { Command, Option } from "commander";
import { SkillError } from "../../errors/mod.ts";
import { validateSkillFolder, type ValidationReport } from "../../manifest/mod.ts";
import { isBundledPath } from "../../store/mod.ts";
import { CARO_VERSION } from "../version.ts";
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
      const reports: ValidationReport[] = [];
      for (const folder of await expandSkillFolders(paths)) {
        const real = await Deno.realPath(folder);
        reports.push(
          await validateSkillFolder(folder, {
            strict: options.strict,
            isBundled: isBundledPath(real),
            caroVersion: CARO_VERSION,
          }),
        );
      }
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

/** A `--format` option limited to the given choices, defaulting to the first. */
export function formatOption(choices: string[]): Option {
  return new Option("--format <format>", "output format").choices(choices).default(choices[0]);
}

/**
 * Each path that holds a manifest, or else each direct subfolder that does;
 * a path with neither is kept so validation reports it.
 */
async function expandSkillFolders(paths: string[]): Promise<string[]> {
  const folders: string[] = [];
  for (const path of paths) {
    if (await hasManifest(path)) {
      folders.push(path);
      continue;
    }
    const children: string[] = [];
    try {
      for await (const entry of Deno.readDir(path)) {
        const child = `${path.replace(/\/+$/, "")}/${entry.name}`;
        if (entry.isDirectory && await hasManifest(child)) children.push(child);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
        throw error;
      }
    }
    folders.push(...(children.length > 0 ? children.sort() : [path]));
  }
  return folders;
}

async function hasManifest(dir: string): Promise<boolean> {
  for (const name of ["skill.toml", "SKILL.md"]) {
    try {
      if ((await Deno.stat(`${dir}/${name}`)).isFile) return true;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
        throw error;
      }
    }
  }
  return false;
}
