/**
 * Runs the benchmarks of `bench/` one after another, each in its own process,
 * streams their output under a header, and ends with a summary of every bench's
 * exit code and time. Exits 1 if any bench failed, 64 on a name it does not know.
 *
 * A bench is a `bench/*_bench.ts` file. Today each is a script that measures
 * against a baseline in the same run and prints ratios, so it runs with
 * `deno run`; a file that calls `Deno.bench` runs with `deno bench` instead.
 * Other files in `bench/` are helpers started by a bench and listed in
 * {@link HELPERS}; a file that is neither is reported and not run.
 *
 *   deno task bench                      every bench
 *   deno task bench context store        only these (context_bench.ts, store_bench.ts)
 *   deno task bench store -- --runs 3    arguments after `--` go to every bench run
 *   deno task bench --list               the benches with their first line, nothing run
 *
 * Each bench gets the permissions of `deno task bench` (the CLI's list,
 * `CARO_PERMISSIONS`) and runs from the repository root.
 *
 * @module
 */
import { CARO_PERMISSIONS } from "../tests/support/cli.ts";

const BENCH_DIR = new URL(".", import.meta.url).pathname;
const REPO = new URL("..", import.meta.url).pathname;

/** Files of bench/ that are not benches, with who runs them. */
const HELPERS: Readonly<Record<string, string>> = {
  "run_all.ts": "this runner",
  "context_cold_cli.ts": "started by context_bench.ts with CARO_HOME and a prompt",
  "context_cold_library.ts": "started by context_bench.ts with CARO_HOME and a prompt",
};

const USAGE = "usage: deno task bench [--list] [NAME...] [-- BENCH_ARGS...]";

interface Bench {
  /** What to type: `context` for `context_bench.ts`. */
  name: string;
  file: string;
  /** `deno bench` for `Deno.bench` files, `deno run` for scripts. */
  subcommand: "bench" | "run";
  /** The first line of the header doc comment. */
  summary: string;
}

interface Outcome {
  bench: Bench;
  code: number;
  seconds: number;
}

/** The first sentence of a file's header doc comment, for `--list`. */
function firstSentence(text: string): string {
  const header = /^\/\*\*([\s\S]*?)(\n\s*\*\s*\n|\*\/)/.exec(text)?.[1] ?? "";
  const words = header.replace(/^\s*\* ?/gm, "").replace(/\s+/g, " ").trim();
  const sentence = (/^.*?[.:;](?=\s|$)/.exec(words)?.[0] ?? words).replace(/[:;]$/, "");
  return sentence.length > 90 ? `${sentence.slice(0, 89)}…` : sentence;
}

/** The benches of bench/, by name; warns about files that are neither bench nor helper. */
async function findBenches(): Promise<Bench[]> {
  const benches: Bench[] = [];
  for await (const entry of Deno.readDir(BENCH_DIR)) {
    if (!entry.isFile || !entry.name.endsWith(".ts") || entry.name in HELPERS) continue;
    if (!entry.name.endsWith("_bench.ts")) {
      console.error(
        `warning: bench/${entry.name} is neither a *_bench.ts file nor a known helper; not run ` +
          "(rename it *_bench.ts, or add it to HELPERS in bench/run_all.ts with who runs it)",
      );
      continue;
    }
    const text = await Deno.readTextFile(`${BENCH_DIR}${entry.name}`);
    benches.push({
      name: entry.name.slice(0, -"_bench.ts".length),
      file: `bench/${entry.name}`,
      subcommand: /\bDeno\.bench\(/.test(text) ? "bench" : "run",
      summary: firstSentence(text),
    });
  }
  return benches.sort((a, b) => a.name.localeCompare(b.name));
}

/** The benches named in `names` (`store`, `store_bench`, `bench/store_bench.ts`), or all. */
function select(benches: Bench[], names: string[]): Bench[] {
  if (names.length === 0) return benches;
  const chosen: Bench[] = [];
  for (const raw of names) {
    const name = raw.replace(/^bench\//, "").replace(/\.ts$/, "").replace(/_bench$/, "");
    const bench = benches.find((b) => b.name === name);
    if (!bench) {
      console.error(
        `Cannot run bench "${raw}": there is no bench/${name}_bench.ts. ` +
          `Benches: ${benches.map((b) => b.name).join(", ")}.\n${USAGE}`,
      );
      Deno.exit(64);
    }
    if (!chosen.includes(bench)) chosen.push(bench);
  }
  return chosen;
}

async function run(bench: Bench, benchArgs: string[]): Promise<Outcome> {
  const args = [bench.subcommand, ...CARO_PERMISSIONS, bench.file];
  // `deno bench` takes the script's own arguments after `--`.
  if (benchArgs.length > 0) {
    args.push(...(bench.subcommand === "bench" ? ["--"] : []), ...benchArgs);
  }
  console.log(`\n━━ ${bench.file} ━━ deno ${args.join(" ")}`);
  const started = performance.now();
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  console.log(`━━ ${bench.file}: exit ${code}, ${seconds.toFixed(1)} s`);
  return { bench, code, seconds };
}

function printSummary(outcomes: Outcome[]): void {
  const width = Math.max(5, ...outcomes.map((o) => o.bench.file.length));
  console.log(`\n${"bench".padEnd(width)}  exit  seconds`);
  for (const { bench, code, seconds } of outcomes) {
    console.log(
      `${bench.file.padEnd(width)}  ${String(code).padStart(4)}  ${
        seconds.toFixed(1).padStart(7)
      }` +
        (code === 0 ? "" : "  FAILED"),
    );
  }
  const failed = outcomes.filter((o) => o.code !== 0).length;
  console.log(`${outcomes.length - failed} passed, ${failed} failed`);
}

if (import.meta.main) {
  const dash = Deno.args.indexOf("--");
  const own = dash < 0 ? Deno.args : Deno.args.slice(0, dash);
  const benchArgs = dash < 0 ? [] : Deno.args.slice(dash + 1);
  const unknown = own.find((a) => a.startsWith("-") && a !== "--list");
  if (unknown !== undefined) {
    console.error(`Cannot run benches: unknown option ${unknown}.\n${USAGE}`);
    Deno.exit(64);
  }
  const benches = select(await findBenches(), own.filter((a) => a !== "--list"));

  if (own.includes("--list")) {
    const name = Math.max(...benches.map((b) => b.name.length));
    const file = Math.max(...benches.map((b) => b.file.length));
    for (const b of benches) {
      console.log(`${b.name.padEnd(name)}  ${b.file.padEnd(file)}  ${b.summary}`);
    }
  } else {
    const outcomes: Outcome[] = [];
    for (const bench of benches) outcomes.push(await run(bench, benchArgs));
    printSummary(outcomes);
    if (outcomes.some((o) => o.code !== 0)) Deno.exit(1);
  }
}
