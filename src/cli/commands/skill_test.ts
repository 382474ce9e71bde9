import { Command } from "commander";
import { SkillError } from "../../errors/mod.ts";
import { CARO_VERSION } from "../version.ts";
import type { CommandContext } from "../context.ts";

/** One test's outcome, whatever kind of test it is. */
export interface SkillTestOutcome {
  /** `knowledge` or `recipe`. */
  kind: string;
  name: string;
  passed: boolean;
  /** What went wrong, one line each. */
  failures: string[];
  /** A short note shown after the name (tokens used, …). */
  note?: string;
}

/**
 * A kind of skill test: runs the tests of one kind for a skill folder. The
 * knowledge suite is here; recipe tests add theirs to {@link SKILL_TEST_SUITES}.
 */
export type SkillTestSuite = (
  dir: string,
  options: { filter?: string },
) => Promise<SkillTestOutcome[]>;

/** `tests/knowledge_test.md` (SPEC §3), through `runKnowledgeTests`. */
export const knowledgeSuite: SkillTestSuite = async (dir, options) => {
  const { runKnowledgeTests } = await import("../../context/mod.ts");
  const report = await runKnowledgeTests(dir, {
    filter: options.filter,
    caroVersion: CARO_VERSION,
  });
  return report.results.map((r) => ({
    kind: "knowledge",
    name: r.name,
    passed: r.passed,
    failures: r.failures,
    note: `${r.tokens}/${r.maxTokens} tokens`,
  }));
};

/** `tests/recipe_test.yaml` (SPEC §3), through `runRecipeTests` with mocked commands. */
export const recipeSuite: SkillTestSuite = async (dir, options) => {
  const { runRecipeTests } = await import("../../recipe/mod.ts");
  const report = await runRecipeTests(dir, { filter: options.filter });
  return report.cases.map((c) => ({
    kind: "recipe",
    name: c.name,
    passed: c.ok,
    failures: c.problems,
    note: c.result ? `${c.recipe}: ${c.result.status}` : c.recipe,
  }));
};

/** Every kind of test `caro skill test` runs, in order. */
export const SKILL_TEST_SUITES: SkillTestSuite[] = [knowledgeSuite, recipeSuite];

/** `caro skill test [PATH] [--filter TEXT]`: ends with `N tests passed, N failed`. */
export function testCommand(
  ctx: CommandContext,
  suites: SkillTestSuite[] = SKILL_TEST_SUITES,
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
      for (const suite of suites) {
        for (const t of await suite(path, options)) {
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
      }
      out.line(`${passed} tests passed, ${failed} failed`);
      if (failed > 0) {
        throw new SkillError("validation", `${failed} skill test(s) failed in ${path}`, {
          hints: [{ to: "run one test", run: `caro skill test ${path} --filter "<name>"` }],
        });
      }
    });
}
