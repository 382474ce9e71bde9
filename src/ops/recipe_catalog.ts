/**
 * The recipes of a home's enabled skills: listed, found by reference, and
 * suggested for a request (`caro recipe list|show`, and the hints of `caro
 * context` and `caro ask`).
 *
 * @module
 */
import type { Diagnostic } from "../errors/mod.ts";
import { SkillError } from "../errors/mod.ts";
import type { SkillIndexEntry, SkillStore } from "../store/mod.ts";
import { didYouMean } from "../suggest/mod.ts";
import { loadSkillFolder } from "../manifest/mod.ts";
import {
  matchRecipes,
  parseRecipe,
  type Recipe,
  type RecipeSuggestion,
  type StepConfirmation,
  suggestFromIndex,
  workingFiles,
} from "../recipe/mod.ts";

/** One recipe of an enabled skill. */
export interface RecipeEntry {
  /** `skill.id/recipe-id`. */
  ref: string;
  skillId: string;
  /** The skill's index entry (path, bundled, requested capabilities). */
  skill: SkillIndexEntry;
  /** The recipe file, relative to the skill folder. */
  file: string;
  recipe: Recipe;
  /** The skill's `[recipes].default_confirmation`. */
  defaultConfirmation: StepConfirmation;
}

/** Options of {@link listRecipes}. */
export interface ListRecipesOptions {
  /** Only this skill's recipes. */
  skill?: string;
  /** The global `--skills` filter. */
  filter?: (id: string) => boolean;
}

/**
 * Every recipe of the enabled skills (bundled and installed), sorted by
 * reference; recipe files that do not validate are reported, not listed.
 *
 * @example
 * ```ts
 * import { listRecipes, openStore } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const store = await openStore(`${root}/home`);
 * const { recipes } = await listRecipes(store, { skill: "core.posix" });
 * if (!recipes.some((r) => r.ref === "core.posix/backup-dir")) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function listRecipes(
  store: Pick<SkillStore, "list">,
  options: ListRecipesOptions = {},
): Promise<{ recipes: RecipeEntry[]; problems: Diagnostic[] }> {
  const entries = await store.list();
  if (options.skill !== undefined && !entries.some((e) => e.id === options.skill)) {
    const near = didYouMean(options.skill, entries.map((e) => e.id));
    throw new SkillError("not_found", `No skill ${options.skill}`, {
      why: near.length > 0 ? `did you mean ${near[0]}?` : undefined,
      hints: [{ to: "see the skills", run: "caro skill list" }],
    });
  }
  const recipes: RecipeEntry[] = [];
  const problems: Diagnostic[] = [];
  for (const skill of entries) {
    if (!skill.enabled || skill.recipeFiles.length === 0) continue;
    if (options.skill !== undefined && skill.id !== options.skill) continue;
    if (options.filter && !options.filter(skill.id)) continue;
    // The skill's manifest (not its recipes) says how steps are confirmed by default.
    const { manifest } = await loadSkillFolder(skill.path, { isBundled: skill.bundled });
    for (const file of skill.recipeFiles) {
      const parsed = parseRecipe(await Deno.readTextFile(`${skill.path}/${file}`), { file });
      if (!parsed.recipe) {
        problems.push(
          ...parsed.diagnostics.filter((d) => d.severity === "error").map((d) => ({
            ...d,
            file: `${skill.id}/${d.file}`,
          })),
        );
        continue;
      }
      recipes.push({
        ref: `${skill.id}/${parsed.recipe.id}`,
        skillId: skill.id,
        skill,
        file,
        recipe: parsed.recipe,
        defaultConfirmation: manifest.recipes.defaultConfirmation,
      });
    }
  }
  recipes.sort((a, b) => a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
  return { recipes, problems };
}

/**
 * Finds a recipe by `skill.id/recipe-id`, or by a recipe id that only one
 * enabled skill has.
 *
 * @throws {SkillError} `not_found` naming the nearest references; `usage`
 *   when a bare id is ambiguous
 * @example
 * ```ts
 * import { findRecipe, openStore } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const store = await openStore(`${root}/home`);
 * const entry = await findRecipe(store, "disk-usage");
 * if (entry.ref !== "core.posix/disk-usage" || !entry.skill.bundled) throw new Error();
 * const wrong = await findRecipe(store, "disk-usgae").then(() => "", (e) => e.why);
 * if (!wrong.includes("core.posix/disk-usage")) throw new Error(wrong);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function findRecipe(
  store: Pick<SkillStore, "list">,
  ref: string,
  options: { filter?: (id: string) => boolean } = {},
): Promise<RecipeEntry> {
  const slash = ref.lastIndexOf("/");
  const skill = slash > 0 ? ref.slice(0, slash) : undefined;
  const id = slash > 0 ? ref.slice(slash + 1) : ref;
  const { recipes, problems } = await listRecipes(store, { filter: options.filter });
  const found = recipes.filter((r) =>
    r.recipe.id === id && (skill === undefined || r.skillId === skill)
  );
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new SkillError("usage", `Recipe id ${id} is ambiguous`, {
      why: `${found.map((r) => r.ref).join(", ")} all have it`,
      hints: found.map((r) => ({ to: `run ${r.skillId}'s`, run: `caro recipe run ${r.ref}` })),
    });
  }
  const broken = problems.filter((p) => skill === undefined || p.file.startsWith(`${skill}/`));
  const near = didYouMean(ref, recipes.map((r) => r.ref)).concat(
    didYouMean(id, recipes.map((r) => r.recipe.id)).map((i) =>
      recipes.find((r) => r.recipe.id === i)?.ref ?? i
    ),
  );
  throw new SkillError("not_found", `No recipe ${ref} in the enabled skills`, {
    why: [
      near.length > 0 ? `did you mean ${near[0]}?` : "",
      ...broken.map((p) =>
        `${p.file}:${p.line ?? 1}:${p.column ?? 1} ${p.message} (invalid, skipped)`
      ),
    ].filter(Boolean).join("\n") || undefined,
    hints: [{ to: "see the recipes", run: "caro recipe list" }],
  });
}

/** Options of {@link suggestRecipes}. */
export interface SuggestRecipesOptions {
  /** The working directory whose files `triggers.context.has_files` looks at (default: cwd). */
  cwd?: string;
  /** The global `--skills` filter. */
  filter?: (id: string) => boolean;
  /** At most this many (default 3). */
  limit?: number;
}

/**
 * The recipes of the enabled skills whose triggers match a request, each with
 * the `caro recipe run ID` that runs it: what `caro context` and `caro ask`
 * show under the injected knowledge.
 *
 * @example
 * ```ts
 * import { openStore, suggestRecipes } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const store = await openStore(`${root}/home`);
 * const [hit] = await suggestRecipes(store, "back up my photos folder", { cwd: root });
 * if (hit?.run !== "caro recipe run core.posix/backup-dir") throw new Error(JSON.stringify(hit));
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function suggestRecipes(
  store: Pick<SkillStore, "list">,
  prompt: string,
  options: SuggestRecipesOptions = {},
): Promise<RecipeSuggestion[]> {
  const fromIndex = await suggestFromIndex(await store.list(), prompt, options);
  if (fromIndex !== null) return fromIndex;
  // An index written before it kept recipe summaries: parse the recipes.
  const { recipes } = await listRecipes(store, { filter: options.filter });
  return matchRecipes(
    prompt,
    recipes.map((r) => ({ skillId: r.skillId, recipe: r.recipe })),
    { files: await workingFiles(options.cwd), limit: options.limit },
  );
}
