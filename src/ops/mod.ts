/**
 * The operations users run, one file each, over the concepts below (the shape
 * of Cargo's `ops/` and uv's `commands/`): every CLI command calls one of
 * these, and a library caller gets the same rules the CLI does.
 *
 * - {@link openStore}: a caro home, opened so that recipes are indexed.
 * - {@link installSkill} (`skill add`), {@link updateSkills} (`skill update`),
 *   {@link removeSkill} (`skill remove`), {@link setSkillEnabled} (`enable`/`disable`),
 *   {@link verifySkills} (`skill verify`), {@link listSkills} / {@link skillInfo}.
 * - {@link validateSkills} / {@link validateSkill} / {@link loadSkill}: manifests with
 *   their recipes checked; {@link runSkillTests} (`skill test`).
 * - Grants: {@link enforcerFor}, {@link grantPrompt}, {@link describeGrants},
 *   {@link changeGrant} (with `never_grant`), {@link checkGrants}, {@link readAudit}.
 * - Recipes: {@link listRecipes}, {@link findRecipe}, {@link suggestRecipes},
 *   {@link runRecipe}.
 * - Context: {@link contextFor} (knowledge and recipe hints in one call),
 *   {@link openContextInjector}, {@link recipeHints}.
 * - Running a skill's commands: {@link execForSkill} (`skill exec`) and
 *   {@link SkillCommandRunner}, the one path: enforcer → OS sandbox → run → audit.
 * - `caro ask`: {@link askForCommand}, {@link runConfirmedCommand}.
 *
 * @example
 * ```ts
 * import { contextFor, installSkill, openStore } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/jq`);
 * await Deno.writeTextFile(
 *   `${root}/jq/SKILL.md`,
 *   "---\nname: jq\ndescription: Query and reshape JSON with jq\n---\nUse `jq -r` for raw strings.\n",
 * );
 * const store = await openStore(`${root}/home`);
 * await installSkill(store, `${root}/jq`);
 * const out = await contextFor(store, "reshape this JSON with jq", { maxTokens: 2000 });
 * if (!out.skills.some((s) => s.id === "custom.jq")) throw new Error(out.reasons.join("\n"));
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */
export { openStore } from "./open.ts";
export {
  fetchContext,
  type FetchedInstallOptions,
  type GrantRequest,
  installFetched,
  type InstallOptions,
  type InstallResult,
  installSkill,
} from "./install.ts";
export { type SkillUpdate, type UpdateOptions, type UpdateReport, updateSkills } from "./update.ts";
export { type RemoveResult, removeSkill, setSkillEnabled } from "./remove.ts";
export { type VerifiedSkill, type VerifyReport, verifySkills } from "./verify.ts";
export { listSkills, skillInfo } from "./list.ts";
export { checkRecipes, loadSkill, validateSkill, validateSkills } from "./validate.ts";
export {
  knowledgeSuite,
  recipeSuite,
  runSkillTests,
  SKILL_TEST_SUITES,
  type SkillTestOutcome,
  type SkillTestSuite,
} from "./skill_test.ts";
export {
  auditLogFor,
  changeGrant,
  checkGrants,
  describeGrants,
  enforcerFor,
  type EnforcerForOptions,
  type GrantChange,
  type GrantChecks,
  grantPrompt,
  type GrantPromptOptions,
  type GrantRow,
  grantValue,
  readAudit,
} from "./grants.ts";
export {
  findRecipe,
  listRecipes,
  type ListRecipesOptions,
  type RecipeEntry,
  suggestRecipes,
  type SuggestRecipesOptions,
} from "./recipe_catalog.ts";
export { type RecipeRun, runRecipe, type RunRecipeOptions } from "./recipe_run.ts";
export {
  contextFor,
  type ContextForOptions,
  type ContextForRequest,
  openContextInjector,
  type OpenInjectorOptions,
  recipeHints,
} from "./context.ts";
export {
  askForCommand,
  type AskForCommandOptions,
  type AskResult,
  runConfirmedCommand,
} from "./ask.ts";
// `caro skill init`: the scaffold is the manifest concept's own knowledge of the format.
export { initSkill, type InitSkillOptions } from "../manifest/mod.ts";
export {
  execForSkill,
  type SandboxSettings,
  sandboxSettingsOf,
  SkillCommandRunner,
  type SkillExecOptions,
  type SkillExecResult,
  type SkillRunnerOptions,
} from "./exec.ts";
