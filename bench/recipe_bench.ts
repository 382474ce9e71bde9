/**
 * Recipe costs, each as a ratio to a baseline measured in the same run:
 *
 * 1. parse + validate the bundled recipes (schema, references, regex checks,
 *    positions) against a bare `yaml` parse of the same texts;
 * 2. a mocked run of `backup-dir` through RecipeExecutor (render, gates,
 *    capability analysis of every command, expect, verification) against
 *    rendering its commands alone.
 *
 *   deno run -A bench/recipe_bench.ts
 */
import { parse } from "yaml";
import { CapabilitiesSchema, CapabilityEnforcer } from "../src/capability/mod.ts";
import { MockRunner } from "../src/process/mod.ts";
import { parseRecipe, RecipeExecutor, renderCommand } from "../src/recipe/mod.ts";
import { NonInteractivePrompter } from "../src/terminal/mod.ts";

const DIR = new URL("../skills/core.posix/recipes/", import.meta.url);
const texts = [...Deno.readDirSync(DIR)].map((e) => Deno.readTextFileSync(new URL(e.name, DIR)));
const COPIES = 200;
const ROUNDS = 11;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}
async function time(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

// 1. parse + validate
for (const t of texts) parseRecipe(t);
const bareParse: number[] = [];
const oursParse: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  bareParse.push(
    await time(() => {
      for (let i = 0; i < COPIES; i++) for (const t of texts) parse(t);
    }),
  );
  oursParse.push(
    await time(() => {
      for (let i = 0; i < COPIES; i++) {
        for (const t of texts) if (!parseRecipe(t).recipe) throw new Error("invalid");
      }
    }),
  );
}
const n = COPIES * texts.length;
console.log(`recipes parsed: ${n} per round, ${ROUNDS} rounds (medians)`);
console.log(`yaml parse:             ${(median(bareParse) * 1000 / n).toFixed(1)} µs/recipe`);
console.log(`parse + validate:       ${(median(oursParse) * 1000 / n).toFixed(1)} µs/recipe`);
console.log(`ratio to bare parse:    ${(median(oursParse) / median(bareParse)).toFixed(2)}`);

// 2. a mocked run
const backup = parseRecipe(texts.find((t) => t.includes("id: backup-dir"))!).recipe!;
const values = { source: "/home/me/photos", dest: "/backups", name: "backup", compress: "gz" };
const enforcer = new CapabilityEnforcer({
  grants: new Map([["core.posix", CapabilitiesSchema.parse({ terminal_exec: { allowed: true } })]]),
  auditLog: null,
  paths: { home: "/h", projectRoot: "/p", cacheDir: "/c", cwd: "/p" },
});
const mocks = [{ command: "*", exit_code: 0 }];
const run = () =>
  new RecipeExecutor({
    runner: new MockRunner(mocks),
    prompter: new NonInteractivePrompter(),
    enforcer,
    skillId: "core.posix",
    assumeYes: true,
  }).execute(backup, values);
await run();
const RUNS = 50;
const bareRender: number[] = [];
const oursRun: number[] = [];
const templates = [
  ...backup.steps.map((s) => s.command),
  ...backup.verification.map((v) => v.check),
  ...backup.rollback.map((b) => b.command),
];
for (let r = 0; r < ROUNDS; r++) {
  bareRender.push(
    await time(() => {
      for (let i = 0; i < RUNS; i++) for (const t of templates) renderCommand(t, values);
    }),
  );
  oursRun.push(
    await time(async () => {
      for (let i = 0; i < RUNS; i++) {
        if ((await run()).status !== "success") throw new Error("run failed");
      }
    }),
  );
}
console.log(`mocked runs: ${RUNS} per round`);
console.log(`render commands only:   ${(median(bareRender) * 1000 / RUNS).toFixed(1)} µs/run`);
console.log(`mocked executor run:    ${(median(oursRun) * 1000 / RUNS).toFixed(1)} µs/run`);
console.log(
  `ratio to rendering:     ${(median(oursRun) / median(bareRender)).toFixed(0)} ` +
    "(the difference is the shell analysis of every command by the enforcer)",
);
