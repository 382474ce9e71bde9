/**
 * `caro context`: what would be injected into the model's prompt for a
 * request — the knowledge of the skills it matches and the recipes whose
 * triggers match it — in one call, the library's way to get both.
 *
 * @module
 */
import {
  type ContextAugmentation,
  type ContextInjector,
  type ContextInjectorOptions,
  createContextInjector,
} from "../context/mod.ts";
import type { RecipeSuggestion } from "../recipe/mod.ts";
import { parseSkillsFilter, type SkillStore } from "../store/mod.ts";

/** Options of {@link openContextInjector}. */
export interface OpenInjectorOptions extends Omit<ContextInjectorOptions, "cacheDir"> {
  /** The global `--skills` value (`all`, `none`, `a,b`, `!a`). */
  skills?: string;
  /** Keep chunk and match caches under `$CARO_HOME/cache/context` (default true). */
  useCache?: boolean;
}

/**
 * The injector of a caro home: its enabled knowledge skills that `--skills`
 * lets through, with the match index and chunks cached in the home.
 *
 * @example
 * ```ts
 * import { openContextInjector, openStore } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const injector = await openContextInjector(await openStore(`${root}/home`));
 * const out = await injector.augmentContext("tell me a joke", 2000);
 * if (out.skills.map((s) => s.id).join() !== "core.shell") throw new Error(out.reasons.join("\n"));
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function openContextInjector(
  store: SkillStore,
  options: OpenInjectorOptions = {},
): Promise<ContextInjector> {
  const use = parseSkillsFilter(options.skills);
  const entries = (await store.list()).filter((s) =>
    s.enabled && s.provides.knowledge && use(s.id)
  );
  const cacheDir = options.useCache === false ? undefined : `${store.home.cacheDir}/context`;
  return await createContextInjector(entries, { ...options, cacheDir });
}

/**
 * The recipes whose triggers match a request, among the skills the request
 * already matched that provide recipes, read from the index's recipe
 * summaries (no YAML is parsed unless the index predates them).
 *
 * @example
 * ```ts
 * import { openStore, recipeHints } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const store = await openStore(`${root}/home`);
 * const [hit] = await recipeHints(store, "back up my photos folder", ["core.posix"]);
 * if (hit?.run !== "caro recipe run core.posix/backup-dir") throw new Error(JSON.stringify(hit));
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function recipeHints(
  store: SkillStore,
  prompt: string,
  matchedSkills: readonly string[],
  skillsFlag?: string,
): Promise<RecipeSuggestion[]> {
  const allowed = parseSkillsFilter(skillsFlag);
  const filter = (id: string) => matchedSkills.includes(id) && allowed(id);
  const entries = await store.list();
  if (!entries.some((e) => e.provides.recipes && filter(e.id))) return [];
  // Loaded only when a matched skill has recipes: the recipe module's start-up
  // is not paid by requests that only get knowledge.
  const { suggestRecipes } = await import("./recipe_catalog.ts");
  return await suggestRecipes(store, prompt, { filter });
}

/** What {@link contextFor} returns: the knowledge, and the recipes that fit. */
export interface ContextForRequest extends ContextAugmentation {
  /** Recipes of the matched skills whose triggers match the request. */
  recipes: RecipeSuggestion[];
}

/** Options of {@link contextFor}. */
export interface ContextForOptions extends OpenInjectorOptions {
  /** The token budget of the whole context (default the injector's). */
  maxTokens?: number;
}

/**
 * Everything caro adds to a request: the injected knowledge within the budget
 * and the recipes to suggest.
 *
 * @example
 * ```ts
 * import { contextFor, openStore } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const store = await openStore(`${root}/home`);
 * const out = await contextFor(store, "back up my photos folder", { maxTokens: 2000 });
 * if (!out.recipes.some((r) => r.run.endsWith("backup-dir"))) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function contextFor(
  store: SkillStore,
  prompt: string,
  options: ContextForOptions = {},
): Promise<ContextForRequest> {
  const injector = await openContextInjector(store, options);
  const result = await injector.augmentContext(prompt, options.maxTokens);
  const recipes = await recipeHints(
    store,
    prompt,
    result.skills.map((s) => s.id),
    options.skills,
  );
  return { ...result, recipes };
}
