/**
 * The skill store: `$CARO_HOME` (SPEC §4), installed skills under `skills/`,
 * the bundled `core.*` skills, the `skills.json` index and the kill-safe
 * install, remove, enable and verify operations.
 *
 * - {@link SkillStore}: the operations the CLI calls.
 * - {@link SkillLoader}: skill folders loaded into memory.
 * - {@link SkillIndexEntry}: what the index holds per skill, enough to list
 *   and to match prompts without opening skills; its zod schema
 *   `SkillIndexEntrySchema` is exported by `./index_schema.ts`.
 * - {@link parseSkillsFilter}: the global `--skills` option as a predicate.
 * - {@link CaroHome}: the paths of a home.
 * - {@link installFromSource}, {@link updateSkills}: `caro skill add SPEC` and
 *   `caro skill update` over the sources of `../sources/mod.ts`.
 * - {@link enforcerFor}: the capability enforcer over the home's grants and
 *   audit log (the only place caro builds one).
 *
 * @example
 * ```ts
 * import { parseSkillsFilter, SkillStore } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const store = await SkillStore.open(`${root}/home`);
 * const use = parseSkillsFilter("!core.posix");
 * const usable = (await store.list()).filter((s) => s.enabled && use(s.id));
 * if (usable.some((s) => s.id === "core.posix")) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */
export { bundledSkillsDir, isBundledPath } from "./bundled.ts";
export { CaroHome } from "./home.ts";
export { parseSkillsFilter, type SkillFilter } from "./filter.ts";
// Types only: the zod schemas are exported by ./index_schema.ts, kept out of this
// door so that `caro skill list` does not load zod (bench/store_bench.ts).
export type { SkillIndexData, SkillIndexEntry } from "./index_schema.ts";
export { auditLogFor, enforcerFor, type EnforcerForOptions } from "./enforcer_for.ts";
export {
  ALWAYS_ENABLED,
  type GrantRequest,
  type InstallOptions,
  type InstallResult,
  type RemoveResult,
  type SkillInfo,
  SkillStore,
  type StoreOptions,
  unknownSkill,
  type VerifiedSkill,
  type VerifyReport,
} from "./store.ts";
export { SkillLoader } from "./loader.ts";
export { CARO_VERSION } from "./version.ts";
export {
  diffTrees,
  type FileChanges,
  installFromSource,
  type SkillUpdate,
  type SourceInstallOptions,
  type SourceInstallResult,
  type UpdateOptions,
  type UpdateReport,
  updateSkills,
} from "./update.ts";
