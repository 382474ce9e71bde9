import { Command, InvalidArgumentError, Option } from "commander";
import type { ContextAugmentation } from "../../context/mod.ts";
import { CARO_VERSION } from "../version.ts";
import type { CommandContext } from "../context.ts";
import type { Output } from "../output.ts";
import { printRecipeHints, recipeHints } from "./_recipe_hints.ts";

/** Parses a positive integer option (`--max-tokens 200`). */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/**
 * `--format text|json`, made here rather than borrowed from `skill validate`, whose module
 * loads the manifest parsers: `caro context` must start light.
 */
export function textOrJson(): Option {
  return new Option("--format <format>", "output format").choices(["text", "json"]).default("text");
}

/** `caro context "<prompt>" [--max-tokens N] [--format text|json] [--explain]`. */
export function contextCommand(ctx: CommandContext): Command {
  return new Command("context")
    .description("Show the skill knowledge that would be injected for a request")
    .argument("<prompt...>", "the request, as you would ask caro")
    .option("--max-tokens <n>", "token budget of the whole context", positiveInteger, 4000)
    .addOption(textOrJson())
    .option("--explain", "show which skills matched, why, and their tokens")
    .action(async (
      words: string[],
      options: { maxTokens: number; format: string; explain?: boolean },
    ) => {
      const out = ctx.output();
      const { openContextInjector } = await import("../../context/mod.ts");
      const { CaroHome } = await import("../../store/mod.ts");
      const globals = ctx.globals();
      const injector = await openContextInjector(CaroHome.resolve(globals.home), {
        skills: globals.skills,
        caroVersion: CARO_VERSION,
        announce: (message) => out.progress(message),
        warn: (message) => out.diagnostic(`Warning: ${message}`),
      });
      const prompt = words.join(" ");
      const result = await injector.augmentContext(prompt, options.maxTokens);
      const recipes = await recipeHints(
        globals.home,
        prompt,
        result.skills.map((s) => s.id),
        globals.skills,
      );
      if (options.format === "json") return out.json({ ...result, recipes });
      if (options.explain) {
        await printExplanation(out, result);
        out.line();
      }
      out.line(result.systemContext);
      out.progress(
        `${result.tokens} of ${result.maxTokens} tokens from ${
          result.skills.map((s) => s.id).join(", ") || "no skill"
        }`,
      );
      printRecipeHints(out, recipes);
    });
}

/** The match table: skill, score, why, tokens; then the files injected. */
async function printExplanation(out: Output, result: ContextAugmentation): Promise<void> {
  const { default: Table } = await import("cli-table3");
  const c = out.colors;
  const table = new Table({
    head: ["SKILL", "SCORE", "WHY", "TOKENS"].map((h) => c.bold(h)),
    style: { head: [], border: [], compact: true },
    chars: { "mid": "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    wordWrap: true,
    colWidths: [24, 7, 60, 8],
  });
  for (const s of result.skills) {
    table.push([s.id, String(s.score), s.reasons.join("; "), String(s.tokens)]);
  }
  out.line(table.toString());
  for (const f of result.files) {
    out.line(`  ${f.skill}  ${f.path}  ${f.tokens} tokens${f.isCut ? " (cut to fit)" : ""}`);
  }
  const skipped = result.reasons.filter((r) =>
    r.includes("no room") || r.includes("does not fit") || r.includes("nothing fits")
  );
  for (const r of skipped) out.line(`  ${c.dim(r)}`);
  out.line(`  ${result.tokens} of ${result.maxTokens} tokens`);
}
