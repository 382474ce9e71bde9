/**
 * Store benchmarks, each a ratio against a baseline measured in the same run:
 *
 * (a) `caro skill list` with 1,000 installed skills vs `deno run` of an empty
 *     script (target ≤ 1.5), plus `caro --version` to show the CLI's own
 *     start-up share;
 * (b) `treeHash` of a generated 50 MB / 2,000-file tree vs `sha256sum` over the
 *     same files (target ≤ 2), plus `crypto.subtle.digest` for comparison.
 *
 * Run: `deno run -A bench/store_bench.ts [--runs N]`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { Lockfile } from "../src/lockfile/mod.ts";
import { listRegularFiles, treeHash, treeHashLines } from "../src/tree/mod.ts";
import { noCapabilities } from "../src/capability/mod.ts";
import { CaroHome, SkillStore } from "../src/store/mod.ts";
import { CARO_MAIN, CARO_PERMISSIONS } from "../tests/support/cli.ts";

const runsFlag = Deno.args.indexOf("--runs");
const RUNS = runsFlag >= 0 ? Number(Deno.args[runsFlag + 1]) : 15;
const SKILLS = 1000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeCommand(cmd: string, args: string[], env: Record<string, string> = {}) {
  const started = performance.now();
  const out = await new Deno.Command(cmd, { args, env, stdout: "null", stderr: "piped" }).output();
  const elapsed = performance.now() - started;
  if (out.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return elapsed;
}

/** A home with SKILLS installed skills, written directly (no 1,000 installs). */
async function makeHome(root: string): Promise<string> {
  const home = new CaroHome(`${root}/home`);
  await home.ensure();
  const lock = Lockfile.empty();
  for (let i = 0; i < SKILLS; i++) {
    const id = `custom.bench-${String(i).padStart(4, "0")}`;
    const dir = home.skillDir(id);
    await Deno.mkdir(`${dir}/knowledge/prompts`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/skill.toml`,
      `[skill]\nid = "${id}"\nname = "Bench ${i}"\nversion = "1.${i % 7}.0"\n` +
        `description = "Benchmark skill ${i} about topic-${i}"\napi_version = "1.0"\nlicense = "MIT"\n` +
        `keywords = ["bench", "k${i}"]\n[provides]\nknowledge = true\n` +
        `[knowledge]\ntopics = ["topic-${i}", "bench"]\n`,
    );
    await Deno.writeTextFile(`${dir}/knowledge/prompts/context.md`, `# Bench ${i}\n\nText.\n`);
    const hash = await treeHash(dir);
    await Deno.writeTextFile(
      `${home.hashesDir}/${hash.integrity.slice(7)}.lines`,
      treeHashLines(hash.files),
    );
    lock.set({
      id,
      version: `1.${i % 7}.0`,
      source: `file:///src/${id}`,
      integrity: hash.integrity,
      installed: new Date().toISOString(),
      enabled: i % 10 !== 0,
      features: [],
      capabilities: noCapabilities(),
    });
  }
  await Deno.writeTextFile(home.lockFile, lock.toToml());
  // skills.json is derived: let the store build it once from skills/ + the lock.
  await (await SkillStore.open(home)).repair();
  return home.root;
}

async function benchList(root: string): Promise<void> {
  const t0 = performance.now();
  const home = await makeHome(root);
  console.log(
    `(a) generated ${SKILLS} installed skills and built the index in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
  const empty = `${root}/empty.ts`;
  await Deno.writeTextFile(empty, "");
  const deno = Deno.execPath();
  const env = { CARO_HOME: home, NO_COLOR: "1" };
  const listJson = ["run", ...CARO_PERMISSIONS, CARO_MAIN, "skill", "list", "--format", "json"];
  const listTable = ["run", ...CARO_PERMISSIONS, CARO_MAIN, "skill", "list"];
  const version = ["run", ...CARO_PERMISSIONS, CARO_MAIN, "--version"];
  const emptyArgs = ["run", ...CARO_PERMISSIONS, empty];
  // The floor any CLI built on npm packages pays: Deno's node compatibility start-up.
  const floor = `${root}/npm_floor.ts`;
  await Deno.writeTextFile(floor, `import "commander";\nimport "picocolors";\n`);
  const floorArgs = [
    "run",
    ...CARO_PERMISSIONS,
    "--config",
    new URL("../deno.json", import.meta.url).pathname,
    floor,
  ];
  // What `list` costs when the CLI loads only the command it runs: the same list
  // command behind a program that registers nothing else.
  const light = `${root}/light_main.ts`;
  const src = new URL("../src/cli/", import.meta.url).href;
  await Deno.writeTextFile(
    light,
    `import { Command } from "commander";
import { contextOf } from "${src}context.ts";
import { listCommand } from "${src}commands/skill_list.ts";
const program = new Command("caro").option("--home <dir>").option("-q, --quiet").option("--no-color");
const skill = new Command("skill");
skill.addCommand(listCommand(contextOf(program)));
program.addCommand(skill);
await program.parseAsync(Deno.args, { from: "user" });
`,
  );
  const lightJson = [
    "run",
    ...CARO_PERMISSIONS,
    "--config",
    new URL("../deno.json", import.meta.url).pathname,
    light,
    "skill",
    "list",
    "--format",
    "json",
  ];
  // Warm the module cache of each.
  for (const args of [emptyArgs, floorArgs, listJson, listTable, version, lightJson]) {
    await timeCommand(deno, args, env);
  }
  const times = {
    empty: [] as number[],
    json: [] as number[],
    table: [] as number[],
    version: [] as number[],
    light: [] as number[],
    floor: [] as number[],
  };
  for (let i = 0; i < RUNS; i++) {
    times.empty.push(await timeCommand(deno, emptyArgs, env));
    times.json.push(await timeCommand(deno, listJson, env));
    times.table.push(await timeCommand(deno, listTable, env));
    times.version.push(await timeCommand(deno, version, env));
    times.light.push(await timeCommand(deno, lightJson, env));
    times.floor.push(await timeCommand(deno, floorArgs, env));
  }
  const base = median(times.empty);
  const show = (label: string, values: number[]) =>
    console.log(
      `    ${label.padEnd(34)} ${median(values).toFixed(0).padStart(5)} ms  ratio ${
        (median(values) / base).toFixed(2)
      }`,
    );
  show("deno run empty.ts (baseline)", times.empty);
  show("deno run importing commander+picocolors", times.floor);
  show("caro --version (CLI start-up)", times.version);
  show("caro skill list --format json", times.json);
  show("caro skill list (table)", times.table);
  show("list --format json, light entry", times.light);
  // The list operation itself, in process (no start-up), for the share of the store.
  const store = await SkillStore.open(home);
  const inProcess: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await store.list();
    inProcess.push(performance.now() - started);
  }
  console.log(
    `    ${"SkillStore.list() in process".padEnd(34)} ${
      median(inProcess).toFixed(1).padStart(5)
    } ms`,
  );
  console.log(
    `(a) RATIO caro skill list / empty deno run = ${
      (median(times.json) / base).toFixed(2)
    } (target ≤ 1.5)`,
  );
}

async function benchHash(root: string): Promise<void> {
  const dir = `${root}/tree`;
  const files = 2000;
  const total = 50 * 1024 * 1024;
  // Sizes from 1 KiB up, skewed like real trees (many small, a few big), summing to 50 MiB.
  const weights = Array.from(
    { length: files },
    (_, i) => 1 / (1 + (i % 97)) + (i % 500 === 0 ? 40 : 0),
  );
  const sum = weights.reduce((a, b) => a + b, 0);
  let seed = 42;
  const random = new Uint8Array(1 << 20);
  for (let i = 0; i < random.length; i++) {
    random[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  }
  let written = 0;
  for (let i = 0; i < files; i++) {
    const size = Math.max(1024, Math.floor((weights[i] / sum) * total));
    const sub = `${dir}/d${i % 20}/e${i % 7}`;
    await Deno.mkdir(sub, { recursive: true });
    const data = new Uint8Array(size);
    for (let o = 0; o < size; o += random.length) {
      data.set(random.subarray(0, Math.min(random.length, size - o)), o);
    }
    data[0] = i & 255;
    data[1] = i >> 8;
    await Deno.writeFile(`${sub}/f${i}.bin`, data);
    written += size;
  }
  console.log(`(b) generated ${files} files, ${(written / 1024 / 1024).toFixed(1)} MiB`);
  const paths = (await listRegularFiles(dir)).map((p) => `${dir}/${p}`);
  const sha256sum = async () => {
    const started = performance.now();
    const out = await new Deno.Command("sha256sum", { args: paths, stdout: "piped" }).output();
    if (out.code !== 0) throw new Error("sha256sum failed");
    return performance.now() - started;
  };
  const ours = async () => {
    const started = performance.now();
    await treeHash(dir);
    return performance.now() - started;
  };
  // The same walk and 8 files in flight, hashed with crypto.subtle.digest instead.
  const subtle = async () => {
    const started = performance.now();
    const files = await listRegularFiles(dir);
    const lines = new Array<string>(files.length);
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < files.length) {
        const i = next++;
        const data = await Deno.readFile(`${dir}/${files[i]}`);
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
        const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
        lines[i] = `${hex}  ${files[i]}\n`;
      }
    }));
    createHash("sha256").update(lines.join("")).digest("hex");
    return performance.now() - started;
  };
  await sha256sum();
  await ours();
  await subtle();
  const t = { sum: [] as number[], ours: [] as number[], subtle: [] as number[] };
  for (let i = 0; i < Math.max(5, Math.floor(RUNS / 2)); i++) {
    t.sum.push(await sha256sum());
    t.ours.push(await ours());
    t.subtle.push(await subtle());
  }
  const base = median(t.sum);
  console.log(`    ${"sha256sum (baseline)".padEnd(34)} ${base.toFixed(0).padStart(5)} ms`);
  console.log(
    `    ${"treeHash (node:crypto, 8 in flight)".padEnd(34)} ${
      median(t.ours).toFixed(0).padStart(5)
    } ms  ratio ${(median(t.ours) / base).toFixed(2)}`,
  );
  console.log(
    `    ${"crypto.subtle.digest, 8 in flight".padEnd(34)} ${
      median(t.subtle).toFixed(0).padStart(5)
    } ms  ratio ${(median(t.subtle) / base).toFixed(2)}`,
  );
  console.log(
    `(b) RATIO treeHash / sha256sum = ${(median(t.ours) / base).toFixed(2)} (target ≤ 2)`,
  );
}

if (import.meta.main) {
  const root = await Deno.makeTempDir({ prefix: "caro-store-bench-" });
  try {
    await benchList(root);
    await benchHash(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}
