/**
 * `caro skill list` and `caro skill info`: what a home holds, as its index
 * and lock record it (no skill folder is opened).
 *
 * @module
 */
import type { SkillIndexEntry, SkillInfo, SkillStore } from "../store/mod.ts";

/**
 * Every installed and bundled skill, sorted by id.
 *
 * @example
 * ```ts
 * import { listSkills, openStore } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const skills = await listSkills(await openStore(`${root}/home`), { enabledOnly: true });
 * if (!skills.some((s) => s.id === "core.shell")) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function listSkills(
  store: SkillStore,
  options: { enabledOnly?: boolean } = {},
): Promise<SkillIndexEntry[]> {
  return (await store.list()).filter((s) => !options.enabledOnly || s.enabled);
}

/**
 * One skill's index entry, lock entry, grants and dependents.
 *
 * @throws {SkillError} `not_found` naming the nearest ids
 * @example
 * ```ts
 * import { openStore, skillInfo } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const info = await skillInfo(await openStore(`${root}/home`), "core.posix");
 * if (!info.entry.bundled) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function skillInfo(store: SkillStore, id: string): Promise<SkillInfo> {
  return await store.info(id);
}
