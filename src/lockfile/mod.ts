/**
 * `skills.lock` (SPEC §4): the raw TOML format and the {@link Lockfile} model.
 * Each entry's `integrity` is the canonical tree hash of `../tree/mod.ts`.
 *
 * @example
 * ```ts
 * import { Lockfile } from "./mod.ts";
 * const lock = Lockfile.empty();
 * if (lock.get("custom.x") !== undefined) throw new Error();
 * ```
 *
 * @module
 */
export {
  type LockedSkill,
  LockedSkillRawSchema,
  Lockfile,
  LockfileRawSchema,
  type RetainedConfig,
  RetainedConfigRawSchema,
} from "./lockfile.ts";
