import { Command } from "commander";
import { SkillError } from "../../errors/mod.ts";
import type { SkillTestSuite } from "../../ops/mod.ts";
import type { CommandContext } from "../context.ts";

/** `caro skill test [PATH] [--filter TEXT]`: ends with `N tests passed, N failed`. */
export function testCommand(
  ctx: CommandContext,
  suites?: readonly SkillTestSuite[],
): Command {
  return new Command("test")
    .description("Run a skill's knowledge and recipe tests")
    .argument("[path]", "skill folder", ".")
    .option("--filter <text>", "only tests whose name contains this text")
    .action(async (path: string, options: { filter?: string }) => {
      const out = ctx.output();
      const c = out.colors;
      let passed = 0;
      let failed = 0;
      const { runSkillTests } = await import("../../ops/mod.ts");
      for (const t of await runSkillTests(path, options, suites)) {
        const note = t.note ? c.dim(` (${t.note})`) : "";
        if (t.passed) {
          passed++;
          out.line(`${c.green("✓")} ${t.kind}: ${t.name}${note}`);
        } else {
          failed++;
          out.line(`${c.red("✗")} ${t.kind}: ${t.name}${note}`);
          for (const f of t.failures) out.line(`    ${f}`);
        }
      }
      out.line(`${passed} tests passed, ${failed} failed`);
      if (failed > 0) {
        throw new SkillError("validation", `${failed} skill test(s) failed in ${path}`, {
          hints: [{ to: "run one test", run: `caro skill test ${path} --filter "<name>"` }],
        });
      }
    });
}
