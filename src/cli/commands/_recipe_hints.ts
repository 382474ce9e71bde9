import type { RecipeSuggestion } from "../../recipe/mod.ts";
import type { Output } from "../output.ts";

/**
 * The recipes whose triggers match a request, among the skills the request
 * already matched that provide recipes. Only those skills' recipe files are
 * read, so a request no recipe skill matched costs nothing here.
 */
export async function recipeHints(
  home: string | undefined,
  prompt: string,
  matchedSkills: readonly string[],
  skillsFlag: string | undefined,
): Promise<RecipeSuggestion[]> {
  const { CaroHome, SkillStore, parseSkillsFilter } = await import("../../store/mod.ts");
  const store = await SkillStore.open(CaroHome.resolve(home));
  const withRecipes = new Set(
    (await store.list())
      .filter((s) => s.provides.recipes && matchedSkills.includes(s.id))
      .map((s) => s.id),
  );
  if (withRecipes.size === 0) return [];
  const allowed = parseSkillsFilter(skillsFlag);
  const { suggestRecipes } = await import("../../recipe/mod.ts");
  return await suggestRecipes(store, prompt, {
    filter: (id) => withRecipes.has(id) && allowed(id),
  });
}

/** Prints suggestions on stderr as `Recipe: <name>  →  caro recipe run <id>`. */
export function printRecipeHints(out: Output, hints: readonly RecipeSuggestion[]): void {
  for (const hint of hints) {
    out.progress(`${out.colors.cyan("Recipe:")} ${hint.name} (${hint.reasons.join(", ")})`);
    out.progress(`  To run it: ${out.colors.cyan(hint.run)}`);
  }
}
