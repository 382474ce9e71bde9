/**
 * Recipes (SPEC §3): YAML workflows of parameters, preconditions, steps,
 * verification and rollback.
 *
 * - {@link parseRecipe}: YAML → {@link Recipe} with file:line:col findings.
 * - {@link renderCommand} / {@link shellQuote}: `{{name}}` always inserted
 *   shell-quoted, so no value can become shell syntax.
 * - {@link resolveParameters}: `--param` values, defaults, typed prompts.
 * - {@link RecipeExecutor}: gates, capability checks, timeouts, expect,
 *   verification, rollback → {@link RecipeResult}.
 * - {@link runRecipeTests}: `tests/recipe_test.yaml` with mocked commands.
 * - {@link matchRecipes} / {@link suggestFromIndex}: triggers → `caro recipe run ID`
 *   suggestions for `caro context` and `caro ask`.
 *
 * Finding installed recipes and running them with a home's grants, audit log
 * and run logs are operations: `src/ops/` (`listRecipes`, `findRecipe`,
 * `runRecipe`, `suggestRecipes`).
 *
 * @example
 * ```ts
 * import { parseRecipe, renderCommand } from "./mod.ts";
 * const { recipe } = parseRecipe(
 *   "id: greet\nname: Greet\nversion: 1.0.0\nparameters: [{ name: who }]\n" +
 *     "steps: [{ id: say, name: Say, command: 'echo {{who}}' }]\n",
 * );
 * const line = renderCommand(recipe!.steps[0].command, { who: "$(id)" });
 * if (line !== "echo '$(id)'") throw new Error(line);
 * ```
 *
 * @module
 */
export { parseRecipe, type ParseRecipeOptions, type RecipeParse, valueProblem } from "./parse.ts";
export {
  renderCommand,
  renderText,
  shellQuote,
  shellWord,
  templateReferences,
  unsafeReferenceContext,
} from "./render.ts";
export { matchesValidation, MAX_VALIDATED_LENGTH, regexProblem } from "./regex.ts";
export { resolveParameters, type ResolveParametersOptions } from "./params.ts";
export {
  type CommandGate,
  type CommandRecord,
  type ExecutorOptions,
  type PreconditionRecord,
  type RecipeEvent,
  RecipeExecutor,
  type RecipeResult,
  type RecipeStatus,
} from "./executor.ts";
export { type RenderedRecipe, renderRecipe } from "./plan.ts";
export {
  RECIPE_TEST_FILE,
  type RecipeTestCase,
  type RecipeTestOptions,
  type RecipeTestReport,
  runRecipeTests,
} from "./recipe_tests.ts";
export {
  type IndexedRecipes,
  matchRecipes,
  type MatchRecipesOptions,
  type RecipeCandidate,
  type RecipeSuggestion,
  type RecipeTriggers,
  suggestFromIndex,
  workingFiles,
} from "./triggers.ts";
export {
  type Parameter,
  type Precondition,
  type Recipe,
  RecipeSchema,
  type RecipeTestFile,
  RecipeTestFileSchema,
  type RollbackCommand,
  type Step,
  type StepConfirmation,
  StepConfirmationSchema,
  type Verification,
} from "./schema.ts";
