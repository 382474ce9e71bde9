import { parse as parseYaml } from "yaml";
import { CapabilityEnforcer } from "../capability/mod.ts";
import { SkillError } from "../errors/mod.ts";
import { MockRunner } from "../process/mod.ts";
import { NonInteractivePrompter } from "../terminal/mod.ts";
import { RecipeExecutor, type RecipeResult } from "./executor.ts";
import { resolveParameters } from "./params.ts";
import { parseRecipe } from "./parse.ts";
import { type Recipe, RecipeTestFileSchema } from "./schema.ts";
import { loadSkillFolder } from "../manifest/mod.ts";

/** The file of a skill's recipe tests (SPEC §3). */
export const RECIPE_TEST_FILE = "tests/recipe_test.yaml";

/** One test case's outcome. */
export interface RecipeTestCase {
  name: string;
  recipe: string;
  ok: boolean;
  /** Why it failed (empty when ok). */
  problems: string[];
  /** The mocked run's result, when it ran. */
  result?: RecipeResult;
  /** Every command the recipe asked to run, in order. */
  commands: string[];
}

/** The outcome of {@link runRecipeTests}. */
export interface RecipeTestReport {
  skillId: string;
  /** Whether the skill has a `tests/recipe_test.yaml`. */
  hasTests: boolean;
  passed: number;
  failed: number;
  cases: RecipeTestCase[];
}

/** Options of {@link runRecipeTests}. */
export interface RecipeTestOptions {
  /** Run only the cases whose name (or recipe id) contains this text. */
  filter?: string;
  /** The folder is one of caro's bundled skills (may use the `core` namespace). */
  isBundled?: boolean;
}

/** Probe commands of the built-in preconditions: they pass unless a mock says otherwise. */
const PROBE_MOCKS = [
  { command: "command -v *", exit_code: 0 },
  { command: "printenv *", exit_code: 0 },
  { command: "test -e *", exit_code: 0 },
];

/**
 * Runs a skill's `tests/recipe_test.yaml` (SPEC §3) with a {@link MockRunner}:
 * nothing real runs. Each case resolves its parameters, runs the recipe with
 * every gate answered yes, and each command must be allowed by the
 * capabilities the skill requests and be answered by a `mock_commands` glob
 * (the built-in precondition probes `command -v`, `printenv`, `test -e` pass
 * unless mocked otherwise). A command no mock matches fails the case, naming
 * it. The result must be `expected_result`, its message must contain
 * `expected_message`.
 *
 * @throws {SkillError} `validation` when the test file is not valid
 * @example
 * ```ts
 * import { runRecipeTests } from "./recipe_tests.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/recipes`);
 * await Deno.mkdir(`${dir}/tests`);
 * await Deno.writeTextFile(`${dir}/skill.toml`, [
 *   "[skill]", 'id = "custom.demo"', 'name = "Demo"', 'version = "1.0.0"', 'description = "d"',
 *   'api_version = "1.0"', "[provides]", "recipes = true",
 *   "[capabilities]", 'terminal_exec = { allowed = true, commands = ["ls"] }',
 * ].join("\n"));
 * await Deno.writeTextFile(`${dir}/recipes/ls.yaml`, "id: ls\nname: List\nversion: 1.0.0\nsteps:\n  - { id: ls, name: List, command: 'ls -la -- {{path}}' }\nparameters:\n  - { name: path, default: . }\n");
 * await Deno.writeTextFile(`${dir}/tests/recipe_test.yaml`, "test_cases:\n  - { name: lists, recipe: ls, mock_commands: [{ command: 'ls *' }], expected_result: success }\n  - { name: unmocked, recipe: ls, expected_result: success }\n");
 * const report = await runRecipeTests(dir);
 * if (report.passed !== 1 || report.failed !== 1) throw new Error(JSON.stringify(report));
 * if (!report.cases[1].problems[0].includes("ls -la -- '.'")) throw new Error(report.cases[1].problems[0]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runRecipeTests(
  skillDir: string,
  options: RecipeTestOptions = {},
): Promise<RecipeTestReport> {
  // The skill's own manifest says which files are recipes and what it requests;
  // an AgentSkills SKILL.md has no recipes.
  const skill = await loadSkillFolder(skillDir, { isBundled: options.isBundled });
  const info = {
    id: skill.manifest.id,
    requested: skill.manifest.capabilities,
    recipeFiles: skill.recipeFiles,
    defaultConfirmation: skill.manifest.recipes.defaultConfirmation,
  };
  const report: RecipeTestReport = {
    skillId: info.id,
    hasTests: false,
    passed: 0,
    failed: 0,
    cases: [],
  };
  if (skill.manifest.format !== "skill.toml") return report;
  let text: string;
  try {
    text = await Deno.readTextFile(`${skillDir}/${RECIPE_TEST_FILE}`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return report;
    throw error;
  }
  report.hasTests = true;
  const parsed = RecipeTestFileSchema.safeParse(parseYaml(text));
  if (!parsed.success) {
    throw new SkillError("validation", `${info.id}: ${RECIPE_TEST_FILE} is not valid`, {
      why: parsed.error.issues.map((i) => `${i.path.join(".") || "file"}: ${i.message}`).join(
        "\n",
      ),
      hints: [{ to: "see the format", run: "docs/authoring.md, Recipe tests" }],
    });
  }

  const recipes = new Map<string, Recipe>();
  const invalid = new Map<string, string>();
  for (const file of info.recipeFiles) {
    const { recipe, diagnostics } = parseRecipe(await Deno.readTextFile(`${skillDir}/${file}`), {
      file,
    });
    if (recipe) recipes.set(recipe.id, recipe);
    else {
      const first = diagnostics.find((d) => d.severity === "error");
      const id = file.replace(/^.*\//, "").replace(/\.ya?ml$/, "");
      invalid.set(id, `${file}:${first?.line ?? 1}:${first?.column ?? 1} ${first?.message}`);
    }
  }
  const enforcer = new CapabilityEnforcer({
    grants: (id) => id === info.id ? info.requested : undefined,
    auditLog: null,
    paths: {
      home: "/home/caro-test",
      projectRoot: "/project",
      cacheDir: "/cache",
      cwd: "/project",
    },
  });

  for (const test of parsed.data.test_cases) {
    if (
      options.filter && !test.name.includes(options.filter) && !test.recipe.includes(options.filter)
    ) {
      continue;
    }
    const outcome: RecipeTestCase = {
      name: test.name,
      recipe: test.recipe,
      ok: false,
      problems: [],
      commands: [],
    };
    report.cases.push(outcome);
    const recipe = recipes.get(test.recipe);
    if (!recipe) {
      outcome.problems.push(
        invalid.has(test.recipe)
          ? `recipe ${test.recipe} is invalid: ${invalid.get(test.recipe)}`
          : `no recipe with id "${test.recipe}" (known: ${
            [...recipes.keys()].join(", ") || "none"
          })`,
      );
      report.failed++;
      continue;
    }
    const runner = new MockRunner([...test.mock_commands, ...PROBE_MOCKS]);
    const executor = new RecipeExecutor({
      runner,
      prompter: new NonInteractivePrompter(),
      enforcer,
      skillId: info.id,
      defaultConfirmation: info.defaultConfirmation,
      assumeYes: true,
    });
    try {
      const values = await resolveParameters(recipe, test.parameters);
      outcome.result = await executor.execute(recipe, values);
    } catch (error) {
      if (!(error instanceof SkillError)) throw error;
      outcome.problems.push(
        `${error.message}${error.why ? `: ${error.why.replaceAll("\n", " ")}` : ""}`,
      );
    }
    outcome.commands = runner.calls.map((c) => c.command);
    for (const command of runner.unmatched) {
      outcome.problems.push(`no mock matches the command: ${command}`);
    }
    const result = outcome.result;
    if (result) {
      if (result.status !== test.expected_result) {
        outcome.problems.push(
          `expected ${test.expected_result}, got ${result.status}: ${result.message}`,
        );
      }
      if (test.expected_message !== undefined && !result.message.includes(test.expected_message)) {
        outcome.problems.push(
          `the message does not contain "${test.expected_message}": ${result.message}`,
        );
      }
      if (
        test.expected_rolled_back !== undefined && result.rolled_back !== test.expected_rolled_back
      ) {
        outcome.problems.push(
          `expected rolled_back ${test.expected_rolled_back}, got ${result.rolled_back}`,
        );
      }
    }
    outcome.ok = outcome.problems.length === 0;
    if (outcome.ok) report.passed++;
    else report.failed++;
  }
  return report;
}
