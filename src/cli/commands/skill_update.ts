import { Command } from "commander";
import { type ErrorCode, SkillError } from "../../errors/mod.ts";
import type { CommandContext } from "../context.ts";
import type { SkillUpdate } from "../../ops/mod.ts";
import { formatOption, openStoreFor } from "../options.ts";
import { progressReporter } from "../progress.ts";
import { installConsent } from "../grant_prompt.ts";

interface UpdateCliOptions {
  check?: boolean;
  yes?: boolean;
  major?: boolean;
  insecure?: boolean;
  format: string;
}

/** `caro skill update [ID] [--check] [--yes] [--major] [--format table|json]`. */
export function updateCommand(ctx: CommandContext): Command {
  return new Command("update")
    .description("Update installed skills from their sources (git tags, branches, archives)")
    .argument("[id]", "only this skill (default: every installed skill)")
    .option("--check", "change nothing; show what would change")
    .option("-y, --yes", "grant what the new versions request without asking")
    .option("--major", "allow a newer major version of a git tag")
    .option("--insecure", "allow plain http:// to hosts other than this machine")
    .addOption(formatOption(["table", "json"]))
    .action(async (id: string | undefined, options: UpdateCliOptions) => {
      const out = ctx.output();
      const store = await openStoreFor(ctx);
      const { updateSkills } = await import("../../ops/mod.ts");
      const { formatFetchProgress } = await import("../../sources/mod.ts");
      const bar = progressReporter(out, formatFetchProgress);
      let report;
      try {
        report = await updateSkills(store, {
          id,
          check: options.check,
          major: options.major,
          insecure: options.insecure,
          onFetchProgress: bar.report,
          // The grant prompt sees the new version's requests (new ones must be granted again).
          consent: installConsent(ctx, store.home, {
            assumeYes: options.yes === true,
            yesCommand: `caro skill update${id ? ` ${id}` : ""} --yes`,
          }),
          progress: (message) => {
            bar.end();
            out.progress(message);
          },
        });
      } finally {
        bar.end();
      }
      if (options.format === "json") {
        out.json(report);
      } else {
        const c = out.colors;
        if (report.skills.length === 0) out.line("No installed skills to update");
        for (const s of report.skills) {
          out.line(`${c.bold(s.id)} ${headline(s)}`);
          if (s.to) out.line(`  source:  ${s.from} -> ${s.to}`);
          if (s.files) {
            const { added, removed, changed } = s.files;
            out.line(
              `  files:   ${added.length} added, ${removed.length} removed, ${changed.length} changed`,
            );
            for (const f of added.slice(0, 10)) out.line(`    + ${f}`);
            for (const f of removed.slice(0, 10)) out.line(`    - ${f}`);
            for (const f of changed.slice(0, 10)) out.line(`    ~ ${f}`);
          }
          if (s.newCapabilities.length > 0) {
            out.line(
              `  new capabilities: ${s.newCapabilities.join(", ")} (must be granted again)`,
            );
          }
          if (s.error) out.line(`  ${s.error.message}${s.error.why ? `: ${s.error.why}` : ""}`);
        }
        const available = report.skills.filter((s) => s.status === "available").length;
        if (report.checked && available > 0) {
          out.line(`${available} update(s) available: caro skill update${id ? ` ${id}` : ""}`);
        }
      }
      const failed = report.skills.filter((s) => s.status === "failed");
      if (failed.length > 0) {
        throw new SkillError(
          (failed[0].error?.code ?? "internal") as ErrorCode,
          `${failed.length} update(s) failed: ${failed.map((s) => s.id).join(", ")}`,
          {
            why: "the old versions stay installed and locked\n" +
              failed.map((s) => `${s.id}: ${s.error?.message}`).join("\n"),
            hints: failed.map((s) => ({
              to: `retry ${s.id}`,
              run: `caro skill update ${s.id}`,
            })),
          },
        );
      }
    });
}

function headline(s: SkillUpdate): string {
  switch (s.status) {
    case "current":
      return `${s.fromVersion} is up to date`;
    case "available":
      return `${s.fromVersion} -> ${s.toVersion} available`;
    case "updated":
      return `updated ${s.fromVersion} -> ${s.toVersion}`;
    case "skipped":
      return `${s.fromVersion} skipped`;
    case "failed":
      return `${s.fromVersion} update failed (still installed)`;
  }
}
