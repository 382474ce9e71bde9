import { Command } from "commander";
import type { ContextAugmentation } from "../../context/mod.ts";
import type { CommandContext } from "../context.ts";
import type { Output } from "../output.ts";
import { formatOption, openStoreFor, positiveInteger } from "../options.ts";
import { printRecipeHints } from "../recipe_hints.ts";

/** `caro context "<prompt>" [--max-tokens N] [--format text|json] [--explain]`. */
export function contextCommand(ctx: CommandContext): Command {
  return new Command("context")
    .description("Show the skill knowledge that would be injected for a request")
    .argument("<prompt...>", "the request, as you would ask caro")
    .option("--max-tokens <n>", "token budget of the whole context", positiveInteger, 4000)
    .addOption(formatOption(["text", "json"]))
    .option("--explain", "show which skills matched, why, and their tokens")
    .action(async (
      words: string[],
      options: { maxTokens: number; format: string; explain?: boolean },
    ) => {
      const out = ctx.output();
      const { contextFor } = await import("../../ops/mod.ts");
      const { recipes, ...result } = await contextFor(await openStoreFor(ctx), words.join(" "), {
        skills: ctx.globals().skills,
        maxTokens: options.maxTokens,
        warn: (message) => out.diagnostic(`Warning: ${message}`),
      });
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
