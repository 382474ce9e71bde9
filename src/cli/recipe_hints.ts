import type { RecipeSuggestion } from "../recipe/mod.ts";
import type { Output } from "./output.ts";

/**
 * Prints recipe suggestions on stderr as `Recipe: <name>` and the command that runs it.
 *
 * @example
 * ```ts
 * import { printRecipeHints } from "./recipe_hints.ts";
 * import { Output } from "./output.ts";
 * printRecipeHints(new Output({ quiet: true }), []);
 * ```
 */
export function printRecipeHints(out: Output, hints: readonly RecipeSuggestion[]): void {
  for (const hint of hints) {
    out.progress(`${out.colors.cyan("Recipe:")} ${hint.name} (${hint.reasons.join(", ")})`);
    out.progress(`  To run it: ${out.colors.cyan(hint.run)}`);
  }
}
