/**
 * The cost of the one execution path (issue 12), each as a ratio against a
 * baseline measured in the same run, in interleaved pairs:
 *
 * (a) `caro skill exec core.posix --yes -- true`, sandboxed, vs the same CLI
 *     run without a sandbox (a home whose PATH has no bubblewrap and whose
 *     config.toml says `[sandbox] required = false`): target ≤ 1.3.
 * (b) a recipe step's start-up: `SkillCommandRunner.run("true")` (planning,
 *     the sandbox, bash) vs a bare `sh -c true` through the same process edge:
 *     target ≤ 20 ms over it.
 *
 *   deno run -A bench/exec_bench.ts [pairs]
 */
import { openStore, SkillCommandRunner } from "../src/ops/mod.ts";
import { SystemRunner } from "../src/process/mod.ts";
import { probeSandbox } from "../src/sandbox/mod.ts";
import { CARO_MAIN, CARO_PERMISSIONS } from "../tests/support/cli.ts";

const PAIRS = Math.max(10, Number(Deno.args[0] ?? 20));

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}
function range(values: number[]): string {
  return `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
}
async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
/** Runs both in each pair, alternating which goes first. */
async function pairs(a: () => Promise<unknown>, b: () => Promise<unknown>) {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    if (i % 2 === 0) {
      ta.push(await time(a));
      tb.push(await time(b));
    } else {
      tb.push(await time(b));
      ta.push(await time(a));
    }
  }
  return [ta, tb];
}

const probe = await probeSandbox();
if (!probe.available) {
  console.log(`no sandbox here: ${probe.reason}\n  fix: ${probe.fix}`);
  Deno.exit(0);
}
const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro_exec_bench_" }));
const sandboxed = `${root}/sandboxed`;
const bare = `${root}/bare`;
await Deno.mkdir(bare, { recursive: true });
await Deno.writeTextFile(`${bare}/config.toml`, "[sandbox]\nrequired = false\n");
// A PATH with everything the line needs but bubblewrap.
const bin = `${root}/bin`;
await Deno.mkdir(bin);
for (const program of ["bash", "sh", "env", "true", "setsid", "ps"]) {
  for (const dir of ["/usr/bin", "/bin"]) {
    try {
      await Deno.symlink(`${dir}/${program}`, `${bin}/${program}`);
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) continue;
      break;
    }
  }
}

const cli = (home: string, path: string) => async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...CARO_PERMISSIONS, CARO_MAIN, "skill", "exec", "core.posix"]
      .concat(["--yes", "--", "true"]),
    env: { CARO_HOME: home, PATH: path, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
};
const withSandbox = cli(sandboxed, Deno.env.get("PATH") ?? "/usr/bin:/bin");
const withoutSandbox = cli(bare, bin);
await withSandbox();
await withoutSandbox();
const [a, b] = await pairs(withSandbox, withoutSandbox);
console.log(`(a) caro skill exec core.posix -- true, n=${PAIRS} interleaved pairs`);
console.log(`    without a sandbox (baseline)  median ${median(b).toFixed(1)} ms (${range(b)})`);
console.log(`    sandboxed                     median ${median(a).toFixed(1)} ms (${range(a)})`);
console.log(`(a) RATIO sandboxed / without = ${(median(a) / median(b)).toFixed(2)} (target ≤ 1.3)`);

const store = await openStore(`${root}/lib-home`);
const runner = await SkillCommandRunner.create(store, "core.posix", { cwd: root });
const plain = new SystemRunner();
const step = async () => {
  const r = await runner.run("true");
  if (r.code !== 0) throw new Error(r.stderr);
};
const shell = async () => {
  const r = await plain.run("true");
  if (r.code !== 0) throw new Error(r.stderr);
};
await step();
await shell();
const [s, p] = await pairs(step, shell);
console.log(`(b) a recipe step's start-up, n=${PAIRS} interleaved pairs`);
console.log(`    bare sh -c true (baseline)    median ${median(p).toFixed(1)} ms (${range(p)})`);
console.log(`    SkillCommandRunner (sandbox)  median ${median(s).toFixed(1)} ms (${range(s)})`);
console.log(
  `(b) OVER bare = ${(median(s) - median(p)).toFixed(1)} ms, RATIO ${
    (median(s) / median(p)).toFixed(2)
  } (target ≤ 20 ms over)`,
);
await Deno.remove(root, { recursive: true });
