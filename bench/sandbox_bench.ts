/**
 * The start-up cost of the OS sandbox: `bash -c true` run bare and run inside
 * the sandbox planned from issue 12's grants, as interleaved pairs through
 * the same process edge (`SystemRunner`), so a slow moment of the machine
 * hits both. Prints the medians, min–max and the ratio, and the cost of
 * planning alone (done once per command by the execution path).
 *
 *   deno run -A bench/sandbox_bench.ts [pairs]
 */
import { CapabilitiesSchema } from "../src/capability/mod.ts";
import { SystemRunner } from "../src/process/mod.ts";
import { probeSandbox, sandboxPlan, wrapCommand } from "../src/sandbox/mod.ts";

const PAIRS = Math.max(20, Number(Deno.args[0] ?? 30));

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}
function range(values: number[]): string {
  return `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
}
async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const probe = await probeSandbox();
if (!probe.available) {
  console.log(`no sandbox here: ${probe.reason}\n  fix: ${probe.fix}`);
  Deno.exit(0);
}
const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro_bench_" }));
await Deno.mkdir(`${root}/out`);
const grants = CapabilitiesSchema.parse({
  terminal_exec: {
    allowed: true,
    commands: ["rm", "cp", "tar", "cat", "sed", "grep", "find", "ls", "bash"],
  },
  filesystem_write: [`${root}/out`],
});
const options = { home: `${root}/home`, projectRoot: root, cacheDir: root, cwd: root, probe };
const runner = new SystemRunner();
const run = async (argv: string[]) => {
  const result = await runner.run(argv);
  if (result.code !== 0) throw new Error(`${argv.at(-1)}: ${result.stderr}`);
};

// Warm both paths (page cache, the probe's binaries) before measuring.
await run(["bash", "-c", "true"]);
await run(wrapCommand(sandboxPlan(grants, options), ["bash", "-c", "true"]));

const bare: number[] = [];
const sandboxed: number[] = [];
const planning: number[] = [];
for (let i = 0; i < PAIRS; i++) {
  // Alternate which goes first, so neither always runs on a warmer machine.
  const pair = [
    async () => bare.push(await time(() => run(["bash", "-c", "true"]))),
    async () => {
      let argv: string[] = [];
      planning.push(
        await time(() => {
          argv = wrapCommand(sandboxPlan(grants, options), ["bash", "-c", "true"]);
        }),
      );
      sandboxed.push(await time(() => run(argv)));
    },
  ];
  if (i % 2 === 1) pair.reverse();
  for (const step of pair) await step();
}
await Deno.remove(root, { recursive: true });

const plan = sandboxPlan(grants, { ...options, home: "/nonexistent" });
console.log(`${probe.reason}`);
console.log(
  `walls: landlock=${plan.landlock} noexec=${plan.noexec} network=${plan.network}; ` +
    `${plan.mounts.length} mount steps; ${PAIRS} interleaved pairs (median, min–max)`,
);
console.log(`bare bash -c true:      ${median(bare).toFixed(1)} ms (${range(bare)})`);
console.log(`sandboxed bash -c true: ${median(sandboxed).toFixed(1)} ms (${range(sandboxed)})`);
console.log(`planning (per command): ${median(planning).toFixed(1)} ms (${range(planning)})`);
console.log(
  `ratio sandboxed/bare:   ${(median(sandboxed) / median(bare)).toFixed(2)}; ` +
    `added start-up ${(median(sandboxed) + median(planning) - median(bare)).toFixed(1)} ms`,
);
