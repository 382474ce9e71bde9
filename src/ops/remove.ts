/**
 * `caro skill remove`, `enable` and `disable`: the rules (bundled skills stay,
 * dependents are kept whole, `core.shell` is always on) applied under the
 * state lock and committed kill-safely.
 *
 * @module
 */
import { SkillError } from "../errors/mod.ts";
import { ALWAYS_ENABLED, dependentsOf, findEntry, type SkillStore } from "../store/mod.ts";

/** What {@link removeSkill} did. */
export interface RemoveResult {
  /** The removed skill's id. */
  id: string;
  /** The version that was installed. */
  version: string;
  /** Whether its grants, enabled state and features were kept in the lock's `[[retained]]`. */
  keptConfig: boolean;
  /** Skills that depend on it, removed anyway with `--force`. */
  brokenDependents: string[];
}

/**
 * Removes an installed skill. With `keepConfig`, its grants, enabled state and
 * features stay in the lock's `[[retained]]` for a later `add`.
 *
 * @throws {SkillError} `not_found`; `usage` for a bundled skill;
 *   `version_conflict` when other skills depend on it (unless `force`)
 * @example
 * ```ts
 * import { installSkill, openStore, removeSkill } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/notes`);
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, "---\nname: notes\ndescription: Notes\n---\n");
 * const store = await openStore(`${root}/home`);
 * await installSkill(store, `${root}/notes`);
 * const removed = await removeSkill(store, "custom.notes", { keepConfig: true });
 * if (!removed.keptConfig || (await store.list()).some((s) => s.id === "custom.notes")) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function removeSkill(
  store: SkillStore,
  id: string,
  options: { force?: boolean; keepConfig?: boolean } = {},
): Promise<RemoveResult> {
  return await store.change(async ({ index, lock, commit }) => {
    const entry = findEntry(index, id);
    if (entry.bundled) {
      throw new SkillError("usage", `Cannot remove ${id}: it is bundled with caro`, {
        why: "bundled core.* skills ship inside the program",
        hints: id === ALWAYS_ENABLED
          ? []
          : [{ to: "turn it off", run: `caro skill disable ${id}` }],
      });
    }
    const dependents = dependentsOf(index, id, true);
    if (dependents.length > 0 && !options.force) {
      throw new SkillError("version_conflict", `Cannot remove ${id}: other skills depend on it`, {
        why: dependents.map((d) => `${d} requires ${id}`).join("\n"),
        hints: [
          ...dependents.map((d) => ({ to: `remove ${d} first`, run: `caro skill remove ${d}` })),
          { to: "remove it anyway", run: `caro skill remove ${id} --force` },
        ],
      });
    }
    const locked = lock.get(id);
    lock.delete(id);
    if (options.keepConfig && locked) {
      lock.retained.set(id, {
        id,
        enabled: locked.enabled,
        features: locked.features,
        capabilities: locked.capabilities,
      });
    } else {
      lock.retained.delete(id);
    }
    await commit({ op: "remove", id, skills: index.skills.filter((s) => s.id !== id) });
    await store.pruneTreeRecords([...lock.skills.values()].map((l) => l.integrity));
    return {
      id,
      version: entry.version,
      keptConfig: options.keepConfig === true && locked !== undefined,
      brokenDependents: dependents,
    };
  });
}

/**
 * Enables or disables a skill; `core.shell` cannot be disabled.
 *
 * @returns whether anything changed
 * @throws {SkillError} `not_found`; `usage` for disabling `core.shell`
 * @example
 * ```ts
 * import { openStore, setSkillEnabled } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const store = await openStore(`${root}/home`);
 * if (!(await setSkillEnabled(store, "core.posix", false))) throw new Error();
 * if ((await store.list()).find((s) => s.id === "core.posix")?.enabled) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function setSkillEnabled(
  store: SkillStore,
  id: string,
  enabled: boolean,
): Promise<boolean> {
  return await store.change(async ({ index, lock, commit }) => {
    const entry = findEntry(index, id);
    if (!enabled && id === ALWAYS_ENABLED) {
      throw new SkillError("usage", `Cannot disable ${id}`, {
        why: `${id} holds the base rules for safe shell commands; caro always uses it`,
        hints: [{ to: "leave it out of one run", run: `caro --skills=!${id} …` }],
      });
    }
    if (entry.enabled === enabled) return false;
    if (entry.bundled) {
      if (enabled) lock.disabledBundled.delete(id);
      else lock.disabledBundled.add(id);
    } else {
      const locked = lock.get(id);
      if (locked) lock.set({ ...locked, enabled });
    }
    await commit({
      op: "update",
      skills: index.skills.map((s) => (s.id === id ? { ...s, enabled } : s)),
    });
    return true;
  });
}
