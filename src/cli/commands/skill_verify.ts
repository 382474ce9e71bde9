import { Command } from "commander";
import { SkillError } from "../../errors/mod.ts";
import type { CommandContext } from "../context.ts";
import { formatOption, openStoreFor } from "../options.ts";

/** `caro skill verify [--format text|json]`: recompute every tree hash. */
export function verifyCommand(ctx: CommandContext): Command {
  return new Command("verify")
    .description("Check every installed skill against the integrity in skills.lock")
    .addOption(formatOption(["text", "json"]))
    .action(async (options: { format: string }) => {
      const out = ctx.output();
      const { verifySkills } = await import("../../ops/mod.ts");
      const report = await verifySkills(await openStoreFor(ctx));
      const c = out.colors;
      const describe = (s: (typeof report.skills)[number]) =>
        s.problem ??
          (s.firstDifference
            ? `${s.firstDifference.path} ${s.firstDifference.change}`
            : "content differs");
      if (options.format === "json") {
        out.json(report);
      } else {
        for (const s of report.skills) {
          out.line(
            s.ok
              ? `${c.green("✓")} ${s.id} ${s.version}`
              : `${c.red("✗")} ${s.id} ${s.version}: ${describe(s)}`,
          );
        }
        for (const id of report.bundled) out.line(`${c.dim("•")} ${id} (bundled with caro)`);
        const bad = report.skills.filter((s) => !s.ok).length;
        out.progress(`${report.skills.length - bad} of ${report.skills.length} skill(s) verified`);
      }
      const failed = report.skills.filter((s) => !s.ok);
      if (failed.length > 0) {
        throw new SkillError(
          "validation",
          `${failed.length} installed skill(s) differ from skills.lock`,
          {
            why: failed.map((s) =>
              `${s.id}: ${describe(s)} (expected ${s.expected}, found ${s.actual})`
            ).join("\n"),
            hints: failed.flatMap((s) => [
              {
                to: `reinstall ${s.id}`,
                run: `caro skill add ${
                  s.source.startsWith("file://") ? s.source : "SOURCE"
                } --force`,
              },
              { to: `remove ${s.id} instead`, run: `caro skill remove ${s.id}` },
            ]),
          },
        );
      }
    });
}
