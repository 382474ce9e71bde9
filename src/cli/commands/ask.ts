import { Command } from "commander";
import type { CommandContext } from "../context.ts";
import { formatOption, openStoreFor, positiveInteger } from "../options.ts";
import { printRecipeHints } from "../recipe_hints.ts";

/**
 * `caro ask "<request>"`: the proposed command and its explanation; run only
 * when the user confirms on a terminal.
 */
export function askCommand(ctx: CommandContext): Command {
  return new Command("ask")
    .description("Ask for a shell command (runs it only after you confirm on a terminal)")
    .argument("<request...>", "what you want done, in your words")
    .option("--max-tokens <n>", "token budget of the injected skill context", positiveInteger, 4000)
    .addOption(formatOption(["text", "json"]))
    .addHelpText(
      "after",
      "\nThe model: config.toml [llm] base_url, model, api_key_env; CARO_LLM_BASE_URL and\n" +
        "CARO_LLM_MODEL override them; default Ollama at http://127.0.0.1:11434/v1.",
    )
    .action(async (words: string[], options: { maxTokens: number; format: string }) => {
      const out = ctx.output();
      const c = out.colors;
      const globals = ctx.globals();
      const ops = await import("../../ops/mod.ts");
      const { readLlmConfig } = await import("../../agent/mod.ts");
      const store = await openStoreFor(ctx);
      const llm = await readLlmConfig(store.home.configFile);
      const injector = await ops.openContextInjector(store, {
        skills: globals.skills,
        warn: (message) => out.diagnostic(`Warning: ${message}`),
      });
      const apiKey = llm.apiKeyEnv ? Deno.env.get(llm.apiKeyEnv) : undefined;
      const isJson = options.format === "json";
      out.progress(c.dim(`Asking ${llm.model} at ${llm.baseUrl} …`));
      const result = await ops.askForCommand(injector, words.join(" "), llm, {
        apiKey,
        maxTokens: options.maxTokens,
        // The answer streams on stderr; stdout gets only the result.
        onDelta: isJson || out.isQuiet ? undefined : writeStderr,
      });
      if (!isJson) out.progress("");
      const request = words.join(" ");
      const recipes = await ops.recipeHints(
        store,
        request,
        result.context.skills.map((s) => s.id),
        globals.skills,
      );
      if (isJson) {
        return out.json({
          command: result.command,
          explanation: result.explanation,
          answer: result.answer,
          skills: result.context.skills.map((s) => s.id),
          contextTokens: result.context.tokens,
          recipes,
        });
      }
      if (result.command === null) {
        out.line(result.explanation);
        return;
      }
      const { visibleCommand } = await import("../../terminal/mod.ts");
      const shown = visibleCommand(result.command);
      out.line(shown.text);
      if (result.explanation) out.line(`\n${result.explanation}`);
      printRecipeHints(out, recipes);
      if (shown.hasHidden) {
        // What a terminal shows of it would differ from what runs.
        out.diagnostic(
          c.yellow("Not offered to run: the command holds control characters (shown as \\x..)."),
        );
        return;
      }
      if (!Deno.stdin.isTerminal()) {
        out.progress(c.dim("Not run: stdin is not a terminal. Copy the command to run it."));
        return;
      }
      const { createPrompter } = await import("../../terminal/mod.ts");
      const isConfirmed = await createPrompter().confirm("Run this command?", {
        defaultYes: false,
      });
      if (!isConfirmed) {
        out.progress("Not run.");
        return;
      }
      const code = await ops.runConfirmedCommand(result.command);
      if (code !== 0) out.diagnostic(`The command exited with ${code}`);
    });
}

/** A piece of the streamed answer, on stderr as it arrives (no newline added). */
function writeStderr(text: string): void {
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(Deno.stderr.writeSync(bytes));
}
