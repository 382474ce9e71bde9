/**
 * Skill manifests: `skill.toml` (SPEC §2) and AgentSkills `SKILL.md` (SPEC §1),
 * parsed into one {@link SkillManifest}, validated with file:line:col findings,
 * and skill folders loaded from disk.
 *
 * @example
 * ```ts
 * import { initSkill, validateSkillFolder } from "./mod.ts";
 * const parent = await Deno.makeTempDir();
 * await initSkill({ id: "custom.demo", type: "full", dir: `${parent}/d` });
 * const report = await validateSkillFolder(`${parent}/d`, { strict: true });
 * if (!report.ok) throw new Error(JSON.stringify(report.diagnostics));
 * await Deno.remove(parent, { recursive: true });
 * ```
 *
 * @module
 */
export { type ManifestParse, parseManifest, type ParseManifestOptions } from "./parse.ts";
export { type FrontMatterSplit, parseAgentSkill, splitFrontMatter } from "./agent_skill.ts";
export {
  CONTEXT_FILE,
  copySkillFolder,
  listSkillFiles,
  type LoadedSkill,
  type LoadOptions,
  loadSkillFolder,
  type RecipeChecker,
  validateManifest,
  type ValidateManifestOptions,
  validateSkillFolder,
  validationError,
  type ValidationReport,
} from "./load.ts";
export {
  API_VERSION,
  type Confirmation,
  type Dependency,
  NAMESPACES,
  type RecipeSummary,
  type SkillManifest,
} from "./model.ts";
export { bestVersion, parseVersionRange } from "./version_range.ts";
export { checkRelativePath } from "./paths.ts";
export { initSkill, type InitSkillOptions, type SkillType } from "./scaffold.ts";
export { ConfirmationSchema, SkillTomlSchema } from "./schema.ts";
