/**
 * `skills.lock` (SPEC §4): the raw TOML format, the {@link Lockfile} model, and
 * the canonical tree hash that is each skill's `integrity`.
 *
 * @example
 * ```ts
 * import { Lockfile, treeHash } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/SKILL.md`, "---\nname: x\ndescription: x\n---\n");
 * const { integrity } = await treeHash(dir);
 * const lock = Lockfile.empty();
 * if (lock.get("custom.x") !== undefined || !integrity.startsWith("sha256:")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export {
  hashFile,
  integrityOf,
  listRegularFiles,
  type TreeHash,
  treeHash,
  type TreeHashEntry,
  treeHashLines,
} from "./tree_hash.ts";
export {
  type LockedSkill,
  LockedSkillRawSchema,
  Lockfile,
  LockfileRawSchema,
  type RetainedConfig,
  RetainedConfigRawSchema,
} from "./lockfile.ts";
