import { CaroHome, SkillStore, type StoreOptions } from "../store/mod.ts";
import { loadSkill } from "./validate.ts";
import { readConfig } from "../config/mod.ts";
import { SkillError } from "../errors/mod.ts";

/**
 * Opens (and on first use creates) a caro home the way every operation does:
 * installed skills are loaded with their recipes read, so the index carries
 * each recipe's triggers.
 *
 * @param home a {@link CaroHome}, its path, or undefined for `$CARO_HOME` / `~/.caro`
 * @example
 * ```ts
 * import { openStore } from "./open.ts";
 * const root = await Deno.makeTempDir();
 * const store = await openStore(`${root}/home`);
 * const posix = (await store.list()).find((s) => s.id === "core.posix");
 * if (!posix?.recipes?.some((r) => r.id === "backup-dir")) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function openStore(
  home?: CaroHome | string,
  options: Omit<StoreOptions, "loadSkill"> = {},
): Promise<SkillStore> {
  const resolved = home === undefined
    ? CaroHome.resolve()
    : typeof home === "string"
    ? new CaroHome(home)
    : home;
  return await SkillStore.open(resolved, {
    ...options,
    loadSkill,
    lockTimeoutMs: options.lockTimeoutMs ?? await lockTimeoutOf(resolved),
  });
}

/** `config.toml` `[store] lock_timeout_seconds`: how long a change waits for the state lock. */
async function lockTimeoutOf(home: CaroHome): Promise<number | undefined> {
  const config = await readConfig(home.configFile);
  const store = config.data.store as Record<string, unknown> | undefined;
  const seconds = store?.lock_timeout_seconds;
  if (seconds === undefined) return undefined;
  if (typeof seconds !== "number" || !(seconds > 0)) {
    throw new SkillError(
      "validation",
      `${config.file}: [store] lock_timeout_seconds is not a positive number`,
      {
        hints: [{ to: "fix it", run: `$EDITOR ${config.file}` }],
      },
    );
  }
  return seconds * 1000;
}
