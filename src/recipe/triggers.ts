import picomatch from "picomatch";
import type { Recipe } from "./schema.ts";

/** What matching reads of a recipe: a parsed {@link Recipe}, or its summary in the index. */
export type RecipeTriggers = Pick<Recipe, "id" | "name" | "description" | "triggers">;

/** A recipe offered for matching, with the skill it belongs to. */
export interface RecipeCandidate {
  skillId: string;
  recipe: RecipeTriggers;
}

/** The part of a `skills.json` entry that recipe suggestions read. */
export interface IndexedRecipes {
  id: string;
  enabled: boolean;
  provides: { recipes: boolean };
  recipes?: RecipeTriggers[];
}

/**
 * Suggestions from the recipe summaries the index keeps (no YAML is read):
 * the enabled skills that provide recipes and pass `filter`. Returns `null`
 * when an entry predates those summaries, so the caller parses the recipes.
 *
 * @example
 * ```ts
 * import { suggestFromIndex } from "./triggers.ts";
 * const recipe = {
 *   id: "backup-dir", name: "Back up a directory", description: "",
 *   triggers: { keywords: ["backup"], intent: [], context: { has_files: [] } },
 * };
 * const entry = { id: "core.posix", enabled: true, provides: { recipes: true }, recipes: [recipe] };
 * const [hit] = (await suggestFromIndex([entry], "make a backup"))!;
 * if (hit.id !== "core.posix/backup-dir") throw new Error(JSON.stringify(hit));
 * ```
 */
export async function suggestFromIndex(
  entries: readonly IndexedRecipes[],
  prompt: string,
  options: { cwd?: string; filter?: (id: string) => boolean; limit?: number } = {},
): Promise<RecipeSuggestion[] | null> {
  const chosen = entries.filter((e) =>
    e.enabled && e.provides.recipes && (options.filter?.(e.id) ?? true)
  );
  if (chosen.some((e) => e.recipes === undefined)) return null;
  const candidates = chosen.flatMap((e) => e.recipes!.map((recipe) => ({ skillId: e.id, recipe })));
  if (candidates.length === 0) return [];
  return matchRecipes(prompt, candidates, {
    files: await workingFiles(options.cwd),
    limit: options.limit,
  });
}

/** The names in the working directory, for `triggers.context.has_files`. */
export async function workingFiles(cwd: string = Deno.cwd()): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(cwd)) files.push(entry.name);
  return files;
}

/** A recipe that matches a prompt, and the command that runs it. */
export interface RecipeSuggestion {
  /** `skill.id/recipe-id`. */
  id: string;
  name: string;
  description: string;
  /** Higher is better. */
  score: number;
  /** What matched: `keyword backup`, `intent "back up a folder"`, `has file Cargo.toml`. */
  reasons: string[];
  /** `caro recipe run <id>`. */
  run: string;
}

/** Options of {@link matchRecipes}. */
export interface MatchRecipesOptions {
  /**
   * The files of the working directory (relative names) for
   * `triggers.context.has_files`; when omitted, those conditions are not checked.
   */
  files?: readonly string[];
  /** At most this many suggestions (default 3). */
  limit?: number;
}

/**
 * The recipes whose triggers match a prompt (SPEC §3 `triggers`), best first:
 * a `keywords` entry that is a word of the prompt (3 points each), an
 * `intent` phrase whose words all appear in it (5), or most of them (2).
 * A recipe with `context.has_files` matches only when one of those globs
 * names a file of the working directory, and gains a point for it.
 *
 * @example
 * ```ts
 * import { matchRecipes, RecipeSchema } from "./mod.ts";
 * const recipe = RecipeSchema.parse({
 *   id: "backup-dir", name: "Back up a directory", version: "1.0.0",
 *   triggers: { keywords: ["backup", "archive"], intent: "back up a folder" },
 *   steps: [{ id: "a", name: "A", command: "tar -caf b.tgz ." }],
 * });
 * const [hit] = matchRecipes("please back up my photos folder", [{ skillId: "core.posix", recipe }]);
 * if (hit?.run !== "caro recipe run core.posix/backup-dir") throw new Error(JSON.stringify(hit));
 * ```
 */
export function matchRecipes(
  prompt: string,
  recipes: readonly RecipeCandidate[],
  options: MatchRecipesOptions = {},
): RecipeSuggestion[] {
  const words = new Set(tokens(prompt));
  const out: RecipeSuggestion[] = [];
  for (const { skillId, recipe } of recipes) {
    const t = recipe.triggers;
    const reasons: string[] = [];
    let score = 0;
    for (const keyword of t.keywords) {
      const parts = tokens(keyword);
      if (parts.length > 0 && parts.every((p) => words.has(p))) {
        score += 3;
        reasons.push(`keyword ${keyword}`);
      }
    }
    for (const intent of t.intent) {
      const parts = tokens(intent).filter((w) => !STOP_WORDS.has(w));
      if (parts.length === 0) continue;
      const hits = parts.filter((p) => words.has(p)).length;
      if (hits === parts.length) {
        score += 5;
        reasons.push(`intent "${intent}"`);
      } else if (parts.length >= 2 && hits / parts.length >= 0.6) {
        score += 2;
        reasons.push(`intent "${intent}" (partly)`);
      }
    }
    if (score === 0) continue;
    if (t.context.has_files.length > 0 && options.files !== undefined) {
      const isMatch = picomatch(t.context.has_files, { dot: true });
      const found = options.files.find((f) => isMatch(f));
      if (found === undefined) continue;
      score += 1;
      reasons.push(`has file ${found}`);
    }
    const id = `${skillId}/${recipe.id}`;
    out.push({
      id,
      name: recipe.name,
      description: recipe.description,
      score,
      reasons,
      run: `caro recipe run ${id}`,
    });
  }
  out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  return out.slice(0, options.limit ?? 3);
}

const STOP_WORDS = new Set([
  "a",
  "an",
  "the",
  "my",
  "to",
  "of",
  "for",
  "in",
  "on",
  "and",
  "or",
  "it",
  "this",
  "that",
  "with",
  "up",
]);

function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9.+#-]+/).filter((w) => w.length > 0).map(stem);
}

/** Plural and -ing forms meet their stem: "backups" → "backup", "tagging" → "tagg". */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 3 && word.endsWith("es") && !word.endsWith("ses")) return word.slice(0, -1);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}
