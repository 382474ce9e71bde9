/**
 * `caro skill test [PATH]`: a skill's own tests — `tests/knowledge_test.md`
 * through the context injector and `tests/recipe_test.yaml` with mocked
 * commands — as one list of outcomes.
 *
 * @module
 */
import { runKnowledgeTests } from "../context/mod.ts";
import { isBundledPath } from "../store/mod.ts";
import { CARO_VERSION } from "../config/mod.ts";

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

/** A kind of skill test: runs the tests of one kind for a skill folder. */
export type SkillTestSuite = (
  dir: string,
  options: { filter?: string },
) => Promise<SkillTestOutcome[]>;

/** `tests/knowledge_test.md` (SPEC §3), through `runKnowledgeTests`. */
export const knowledgeSuite: SkillTestSuite = async (dir, options) => {
  const report = await runKnowledgeTests(dir, {
    filter: options.filter,
    caroVersion: CARO_VERSION,
    isBundled: isBundledPath(await Deno.realPath(dir)),
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
  const { runRecipeTests } = await import("../recipe/mod.ts");
  const report = await runRecipeTests(dir, {
    filter: options.filter,
    isBundled: isBundledPath(await Deno.realPath(dir)),
  });
  return report.cases.map((c) => ({
    kind: "recipe",
    name: c.name,
    passed: c.ok,
    failures: c.problems,
    note: c.result ? `${c.recipe}: ${c.result.status}` : c.recipe,
  }));
};

/** Every kind of test `caro skill test` runs, in order. */
export const SKILL_TEST_SUITES: readonly SkillTestSuite[] = [knowledgeSuite, recipeSuite];

/**
 * Runs every suite over one skill folder.
 *
 * @example
 * ```ts
 * import { runSkillTests } from "./skill_test.ts";
 * const dir = new URL("../../skills/core.posix", import.meta.url).pathname;
 * const outcomes = await runSkillTests(dir, { filter: "large files" });
 * if (outcomes.length !== 1 || !outcomes[0].passed) throw new Error(JSON.stringify(outcomes));
 * ```
 */
export async function runSkillTests(
  dir: string,
  options: { filter?: string } = {},
  suites: readonly SkillTestSuite[] = SKILL_TEST_SUITES,
): Promise<SkillTestOutcome[]> {
  const outcomes: SkillTestOutcome[] = [];
  for (const suite of suites) outcomes.push(...await suite(dir, options));
  return outcomes;
}
