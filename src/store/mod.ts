/**
 * The skill store: `$CARO_HOME` (SPEC §4) and its state — installed skills
 * under `skills/`, the bundled `core.*` skills, the `skills.json` index and
 * the `skills.lock` — with the state lock, the journal that makes every change
 * kill-safe, and the commit of a staged install. What a change means (install
 * rules, grants, verify) lives in `src/ops/`.
 *
 * - {@link SkillStore}: reads the state (`list`, `info`, `grants`) and applies
 *   changes under the state lock (`change`).
 * - {@link SkillLoader}: skill folders loaded into memory.
 * - {@link SkillIndexEntry}: what the index holds per skill, enough to list
 *   and to match prompts without opening skills ({@link indexEntryOf}).
 * - {@link parseSkillsFilter}: the global `--skills` option as a predicate.
 * - {@link CaroHome}: the paths of a home.
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
export {
  byId,
  dependentsOf,
  type EntryContext,
  findEntry,
  indexEntryOf,
  type SkillIndexData,
  type SkillIndexEntry,
  SkillIndexEntrySchema,
  SkillIndexSchema,
  unknownSkill,
} from "./index.ts";
export {
  ALWAYS_ENABLED,
  defaultFeatures,
  type InstalledSkillLoader,
  type SkillInfo,
  SkillStore,
  type StateChange,
  type StoreOptions,
} from "./store.ts";
export { SkillLoader } from "./loader.ts";
