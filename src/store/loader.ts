import type { LoadedSkill } from "../manifest/mod.ts";
import type { SkillFilter } from "./filter.ts";
import type { SkillStore } from "./store.ts";
import { type SkillIndexEntry, unknownSkill } from "./index.ts";

/**
 * Loads skill folders into memory (the seed's `SkillLoader`): every enabled
 * skill passing the `--skills` filter, or one by id, and forgets them again.
 *
 * @example
 * ```ts
 * import { SkillStore } from "./store.ts";
 * import { SkillLoader } from "./loader.ts";
 * const root = await Deno.makeTempDir();
 * const store = await SkillStore.open(`${root}/home`);
 * const loader = new SkillLoader(store, { filter: (id) => id === "core.posix" });
 * await loader.loadAll();
 * if (loader.get("core.posix")?.contextFile !== "knowledge/prompts/context.md") throw new Error();
 * loader.unloadSkill("core.posix");
 * if (loader.loaded().length !== 0) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class SkillLoader {
  readonly #store: SkillStore;
  readonly #filter: SkillFilter;
  readonly #loaded = new Map<string, LoadedSkill>();

  /**
   * @param options.filter which skills take part (from `--skills`; default all)
   */
  constructor(store: SkillStore, options: { filter?: SkillFilter } = {}) {
    this.#store = store;
    this.#filter = options.filter ?? (() => true);
  }

  /**
   * Loads every enabled skill the filter lets through; a skill that fails to
   * load is reported in `failed` and left out.
   */
  async loadAll(): Promise<{ loaded: LoadedSkill[]; failed: Array<{ id: string; error: Error }> }> {
    const failed: Array<{ id: string; error: Error }> = [];
    for (const entry of await this.#store.list()) {
      if (!entry.enabled || !this.#filter(entry.id)) continue;
      try {
        await this.#load(entry);
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        failed.push({ id: entry.id, error });
      }
    }
    return { loaded: this.loaded(), failed };
  }

  /**
   * Loads one skill by id (enabled or not), or returns it when already loaded.
   * @throws {SkillError} `not_found` naming the nearest ids; `validation`
   */
  async loadSkill(id: string): Promise<LoadedSkill> {
    const already = this.#loaded.get(id);
    if (already) return already;
    const entries = await this.#store.list();
    const entry = entries.find((e) => e.id === id);
    if (!entry) throw unknownSkill(id, entries.map((e) => e.id));
    return await this.#load(entry);
  }

  /**
   * Forgets a loaded skill.
   * @throws {SkillError} `not_found` when it is not loaded
   */
  unloadSkill(id: string): void {
    if (!this.#loaded.delete(id)) throw unknownSkill(id, this.#loaded.keys());
  }

  /** A loaded skill. */
  get(id: string): LoadedSkill | undefined {
    return this.#loaded.get(id);
  }

  /** Every loaded skill, by id. */
  loaded(): LoadedSkill[] {
    return [...this.#loaded.values()].sort((a, b) =>
      a.manifest.id < b.manifest.id ? -1 : a.manifest.id > b.manifest.id ? 1 : 0
    );
  }

  async #load(entry: SkillIndexEntry): Promise<LoadedSkill> {
    const skill = await this.#store.loadSkill(entry.path, { isBundled: entry.bundled });
    this.#loaded.set(entry.id, skill);
    return skill;
  }
}
