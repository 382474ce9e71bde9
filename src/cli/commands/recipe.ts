import { Command, InvalidArgumentError } from "commander";
import { SkillError } from "../../errors/mod.ts";
import type { RecipeEvent, RecipeResult } from "../../recipe/mod.ts";
import type { RecipeEntry } from "../../ops/mod.ts";
import type { CommandContext } from "../context.ts";
import type { Output } from "../output.ts";
import { formatOption, openStoreFor } from "../options.ts";

/** `caro recipe list|show|run`. */
export function recipeCommand(ctx: CommandContext): Command {
  const recipe = new Command("recipe").description("List, inspect and run skill recipes");
  recipe.addCommand(listRecipesCommand(ctx));
  recipe.addCommand(showRecipeCommand(ctx));
  recipe.addCommand(runRecipeCommand(ctx));
  return recipe;
}

async function skillFilter(ctx: CommandContext): Promise<((id: string) => boolean) | undefined> {
  const skills = ctx.globals().skills;
  if (skills === undefined) return undefined;
  const { parseSkillsFilter } = await import("../../store/mod.ts");
  return parseSkillsFilter(skills);
}

function listRecipesCommand(ctx: CommandContext): Command {
  return new Command("list")
    .description("List the recipes of the enabled skills")
    .option("--skill <id>", "only this skill's recipes")
    .addOption(formatOption(["text", "json"]))
    .action(async (options: { skill?: string; format: string }) => {
      const out = ctx.output();
      const { listRecipes } = await import("../../ops/mod.ts");
      const store = await openStoreFor(ctx);
      const { recipes, problems } = await listRecipes(store, {
        skill: options.skill,
        filter: await skillFilter(ctx),
      });
      for (const p of problems) {
        out.diagnostic(`Warning: ${p.file}:${p.line ?? 1}:${p.column ?? 1} ${p.message} (skipped)`);
      }
      if (options.format === "json") {
        return out.json({
          recipes: recipes.map((r) => ({
            id: r.ref,
            skill: r.skillId,
            recipe: r.recipe.id,
            name: r.recipe.name,
            description: r.recipe.description,
            version: r.recipe.version,
            file: r.file,
          })),
        });
      }
      if (recipes.length === 0) {
        out.line("No recipes in the enabled skills.");
        return;
      }
      const width = Math.max(...recipes.map((r) => r.ref.length));
      for (const r of recipes) {
        out.line(
          `${r.ref.padEnd(width)}  ${r.recipe.name}${
            r.recipe.description ? ` — ${r.recipe.description}` : ""
          }`,
        );
      }
      out.progress(`${recipes.length} recipe(s); run one with: caro recipe run ${recipes[0].ref}`);
    });
}

function showRecipeCommand(ctx: CommandContext): Command {
  return new Command("show")
    .description("Show a recipe: parameters, preconditions, steps with their risk")
    .argument("<id>", "skill.id/recipe-id, or a recipe id only one skill has")
    .addOption(formatOption(["text", "json"]))
    .action(async (id: string, options: { format: string }) => {
      const out = ctx.output();
      const { findRecipe } = await import("../../ops/mod.ts");
      const entry = await findRecipe(await openStoreFor(ctx), id, {
        filter: await skillFilter(ctx),
      });
      if (options.format === "json") {
        return out.json({
          ...entry.recipe,
          ref: entry.ref,
          skill: entry.skillId,
          file: entry.file,
        });
      }
      printRecipe(out, entry);
    });
}

function printRecipe(out: Output, entry: RecipeEntry): void {
  const c = out.colors;
  const r = entry.recipe;
  out.line(`${c.bold(entry.ref)} ${c.dim(`v${r.version}`)}  ${r.name}`);
  if (r.description) out.line(`  ${r.description}`);
  out.line(c.dim(`  ${entry.skill.path}/${entry.file}`));
  if (r.parameters.length > 0) {
    out.line("");
    out.line(c.bold("Parameters"));
    for (const p of r.parameters) {
      const type = p.type === "enum" ? `enum: ${p.values?.join("|")}` : p.type;
      const extra = [
        p.required ? c.yellow("required") : "",
        p.default !== undefined ? `default ${JSON.stringify(p.default)}` : "",
        p.validation ? `matches ${p.validation}` : "",
      ].filter(Boolean).join(", ");
      out.line(
        `  ${p.name} (${type})${extra ? ` ${extra}` : ""}${
          p.description ? ` — ${p.description}` : ""
        }`,
      );
    }
  }
  if (r.preconditions.length > 0) {
    out.line("");
    out.line(c.bold("Preconditions"));
    for (const p of r.preconditions) {
      const what = p.script ?? p.args.join(" ");
      out.line(`  ${p.check} ${what} — ${p.message}${p.fallback ? ` (${p.fallback})` : ""}`);
    }
  }
  out.line("");
  out.line(c.bold("Steps"));
  r.steps.forEach((s, i) => {
    const gate = s.confirmation ?? entry.defaultConfirmation;
    out.line(
      `  ${i + 1}. ${s.name} [${s.id}] risk ${
        riskColor(out, s.risk_level)
      }, confirm ${gate}, timeout ${s.timeout}s`,
    );
    out.line(`     $ ${s.command}`);
  });
  if (r.verification.length > 0) {
    out.line("");
    out.line(c.bold("Verification"));
    for (const v of r.verification) out.line(`  $ ${v.check}${v.message ? ` — ${v.message}` : ""}`);
  }
  if (r.rollback.length > 0) {
    out.line("");
    out.line(c.bold("Rollback (in reverse order, on failure)"));
    for (const b of r.rollback) {
      out.line(
        `  $ ${b.command}${b.description ? ` — ${b.description}` : ""}${
          b.step ? ` (after ${b.step})` : ""
        }`,
      );
    }
  }
}

function riskColor(out: Output, risk: string): string {
  const c = out.colors;
  return risk === "low" ? c.green(risk) : risk === "medium" ? c.yellow(risk) : c.red(risk);
}

function collectParam(
  value: string,
  previous: Record<string, string> | undefined,
): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`expected k=v, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function runRecipeCommand(ctx: CommandContext): Command {
  return new Command("run")
    .description("Run a recipe: confirm each gated step, verify, roll back on failure")
    .argument("<id>", "skill.id/recipe-id, or a recipe id only one skill has")
    .option("--param <k=v>", "a parameter value (repeatable)", collectParam)
    .option("--dry-run", "print the rendered commands and run nothing")
    .option("-y, --yes", "confirm every step without asking (needed without a terminal)")
    .addOption(formatOption(["text", "json"]))
    .action(async (
      id: string,
      options: { param?: Record<string, string>; dryRun?: boolean; yes?: boolean; format: string },
    ) => {
      const out = ctx.output();
      const recipes = await import("../../recipe/mod.ts");
      const { createPrompter } = await import("../../terminal/mod.ts");
      const ops = await import("../../ops/mod.ts");
      const store = await openStoreFor(ctx);
      const entry = await ops.findRecipe(store, id, { filter: await skillFilter(ctx) });
      const params = options.param ?? {};
      const given = Object.entries(params).map(([k, v]) => `--param ${k}=${recipes.shellWord(v)}`);
      const commandLine = ["caro recipe run", entry.ref, ...given].join(" ");
      const prompter = createPrompter({
        to: "confirm every step up front",
        run: `${commandLine} --yes`,
      });
      const controller = new AbortController();
      const onInterrupt = () => controller.abort();
      Deno.addSignalListener("SIGINT", onInterrupt);
      try {
        const values = await recipes.resolveParameters(entry.recipe, params, {
          prompter,
          commandLine,
          signal: controller.signal,
        });
        if (options.dryRun) {
          const plan = recipes.renderRecipe(entry.recipe, values, entry.defaultConfirmation);
          if (options.format === "json") {
            return out.json({
              recipe: entry.ref,
              dry_run: true,
              parameters: values,
              ...planJson(plan),
            });
          }
          out.line(`# ${entry.ref}: dry run, nothing is executed`);
          for (const p of plan.preconditions) out.line(`# precondition ${p.check}: ${p.command}`);
          plan.steps.forEach((s, i) =>
            out.line(
              `# step ${
                i + 1
              }/${plan.steps.length} ${s.step.id} (${s.confirmation}, risk ${s.step.risk_level})\n${s.command}`,
            )
          );
          for (const v of plan.verification) out.line(`# verify\n${v.command}`);
          for (const b of plan.rollback) {
            out.line(`# rollback${b.step ? ` (after ${b.step})` : ""}\n${b.command}`);
          }
          return;
        }
        const progress = new Progress(out);
        let run;
        try {
          run = await ops.runRecipe({
            store,
            entry,
            values,
            prompter,
            assumeYes: options.yes,
            yesHint: `${commandLine} --yes`,
            warn: (message) => out.diagnostic(`Warning: ${message}`),
            signal: controller.signal,
            onEvent: (event) => progress.show(event),
          });
        } finally {
          progress.stop();
        }
        const { result, logFile } = run;
        if (options.format === "json") out.json({ ...result, log_file: logFile });
        else printResult(out, result, logFile);
        if (result.status !== "success") {
          throw new SkillError(
            result.interrupted ? "interrupted" : "io",
            `Recipe ${entry.ref} ${
              result.status === "precondition_failed" ? "could not start" : result.status
            }: ${result.message}`,
            {
              hints: [
                { to: "read the run log", run: `cat ${logFile}` },
                ...(result.status === "precondition_failed"
                  ? result.preconditions.filter((p) => !p.ok && p.fallback).map((p) => ({
                    to: "work around it",
                    run: p.fallback ?? "",
                  }))
                  : []),
              ],
            },
          );
        }
      } finally {
        Deno.removeSignalListener("SIGINT", onInterrupt);
      }
    });
}

function planJson(plan: import("../../recipe/mod.ts").RenderedRecipe) {
  return {
    preconditions: plan.preconditions.map((p) => ({
      check: p.check,
      target: p.target,
      command: p.command,
    })),
    steps: plan.steps.map((s) => ({
      id: s.step.id,
      name: s.step.name,
      command: s.command,
      confirmation: s.confirmation,
      risk_level: s.step.risk_level,
      timeout: s.step.timeout,
    })),
    verification: plan.verification.map((v) => ({ command: v.command, message: v.message })),
    rollback: plan.rollback.map((r) => ({
      command: r.command,
      description: r.description,
      step: r.step,
    })),
  };
}

function printResult(out: Output, result: RecipeResult, logFile: string): void {
  const c = out.colors;
  // SPEC §3: success carries the steps' outputs; a report recipe is its output.
  for (const step of result.steps) {
    if (step.stdout.trim() === "") continue;
    out.line(c.bold(`── ${step.name}`));
    out.line(step.stdout.replace(/\n$/, ""));
  }
  const mark = result.status === "success" ? c.green("✓") : c.red("✗");
  out.line(
    `${mark} ${result.recipe}: ${result.status}${
      result.rolled_back ? " (rolled back)" : ""
    } — ${result.message}`,
  );
  out.progress(c.dim(`run log: ${logFile}`));
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Step n/m lines, a spinner while a step runs (terminal only), the output tail, rollback. */
class Progress {
  readonly #out: Output;
  readonly #isTerminal: boolean;
  #timer: ReturnType<typeof setInterval> | undefined;
  #frame = 0;
  #label = "";
  #tail: string[] = [];
  #partial = "";

  constructor(out: Output) {
    this.#out = out;
    this.#isTerminal = Deno.stderr.isTerminal() && !out.isQuiet;
  }

  show(event: RecipeEvent): void {
    const out = this.#out;
    const c = out.colors;
    switch (event.type) {
      case "precondition":
        if (!event.record.ok) {
          out.progress(
            `${c.red("✗")} ${event.record.check} ${event.record.target}: ${event.record.message}`,
          );
        }
        return;
      case "step_start":
        this.#tail = [];
        this.#partial = "";
        this.#label = `[${event.index}/${event.total}] ${event.name}`;
        // A prompt just showed the command; the header alone says it started.
        out.progress(
          event.asked
            ? c.bold(this.#label)
            : `${c.bold(this.#label)}\n  ${c.dim(`$ ${clip(event.command, 200)}`)}`,
        );
        this.#spin();
        return;
      case "output": {
        const lines = (this.#partial + event.chunk).split("\n");
        this.#partial = lines.pop() ?? "";
        this.#tail.push(...lines.filter((l) => l.trim() !== ""));
        this.#tail = this.#tail.slice(-3);
        return;
      }
      case "step_end":
      case "verification": {
        this.#stopSpinner();
        const r = event.record;
        const label = event.type === "verification"
          ? `${r.name}: ${clip(r.command, 80)}`
          : this.#label;
        const tail = [...this.#tail, this.#partial].filter((l) => l.trim() !== "").slice(-3);
        for (const line of tail) out.progress(c.dim(`  │ ${clip(line, 160)}`));
        this.#tail = [];
        this.#partial = "";
        out.progress(
          r.ok
            ? `  ${c.green("✓")} ${label} ${c.dim(`(${(r.duration_ms / 1000).toFixed(1)}s)`)}`
            : `  ${c.red("✗")} ${label}: ${c.red(r.error ?? "failed")}`,
        );
        return;
      }
      case "rollback_start":
        out.progress(c.yellow(`↺ rolling back (${event.count} command(s)): ${event.reason}`));
        return;
      case "rollback_end":
        out.progress(
          `  ${event.record.ok ? c.green("✓") : c.red("✗")} ${event.record.name}: ${
            c.dim(event.record.command)
          }${event.record.ok ? "" : ` ${c.red(event.record.error ?? "")}`}`,
        );
        return;
      case "declined":
        out.progress(c.yellow(`  step ${event.id} declined`));
        return;
      case "interrupted":
        this.#stopSpinner();
        out.progress(c.yellow(`  interrupted during ${event.id}`));
        return;
    }
  }

  stop(): void {
    this.#stopSpinner();
  }

  #spin(): void {
    if (!this.#isTerminal) return;
    this.#timer = setInterval(() => {
      const frame = SPINNER[this.#frame++ % SPINNER.length];
      const last = this.#tail.at(-1) ?? "";
      const text = `\r\x1b[2K${frame} ${clip(this.#label, 60)} ${
        this.#out.colors.dim(clip(last, 60))
      }`;
      Deno.stderr.writeSync(new TextEncoder().encode(text));
    }, 100);
  }

  #stopSpinner(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[2K"));
  }
}

function clip(text: string, max: number): string {
  const one = text.replaceAll("\n", "⏎");
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
