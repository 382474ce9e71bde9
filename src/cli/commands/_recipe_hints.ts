import type { RecipeSuggestion } from "../../recipe/mod.ts";
import type { Output } from "../output.ts";

/**
 * The recipes whose triggers match a request, among the skills the request
 * already matched that provide recipes, read from the index's recipe
 * summaries: no YAML is parsed.
 */
export async function recipeHints(
  home: string | undefined,
  prompt: string,
  matchedSkills: readonly string[],
  skillsFlag: string | undefined,
): Promise<RecipeSuggestion[]> {
  const { CaroHome, SkillStore, parseSkillsFilter } = await import("../../store/mod.ts");
  const store = await SkillStore.open(CaroHome.resolve(home));
  const allowed = parseSkillsFilter(skillsFlag);
  const filter = (id: string) => matchedSkills.includes(id) && allowed(id);
  const entries = await store.list();
  if (!entries.some((e) => e.provides.recipes && filter(e.id))) return [];
  // triggers.ts directly rather than the recipe door: that door loads yaml
  // and zod (~150 ms, bench/context_bench.ts), which matching from the index
  // does not need.
  const { suggestFromIndex } = await import("../../recipe/triggers.ts");
  const hints = await suggestFromIndex(entries, prompt, { filter });
  if (hints !== null) return hints;
  const { suggestRecipes } = await import("../../recipe/mod.ts");
  return await suggestRecipes(store, prompt, { filter });
}

/** Prints suggestions on stderr as `Recipe: <name>` and the command that runs it. */
export function printRecipeHints(out: Output, hints: readonly RecipeSuggestion[]): void {
  for (const hint of hints) {
    out.progress(`${out.colors.cyan("Recipe:")} ${hint.name} (${hint.reasons.join(", ")})`);
    out.progress(`  To run it: ${out.colors.cyan(hint.run)}`);
  }
}
