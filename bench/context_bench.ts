/**
 * Context injection with 1,000 installed skills of ~10 KB of knowledge each
 * (issue 5). Prints, each against a baseline measured in the same run:
 *
 * (a) warm in-process `augmentContext` p50/p95 (target p50 ≤ 2 ms);
 * (b) a cold `caro context "<prompt>"` process (warm caches) vs `deno run` of an
 *     empty script (target ratio ≤ 2), and the library alone in a cold process
 *     (`openContextInjector` + `augmentContext`, what a Deno agent pays);
 * (c) the same with 0 installed skills, to show what the skills add.
 *
 *   deno run -A bench/context_bench.ts [--skills 1000] [--runs 9] [--keep DIR]
 *
 * `--keep DIR` installs the skills into DIR once and reuses it on later runs.
 */
import { installSkill, openContextInjector, openStore } from "../src/ops/mod.ts";
import { countTokens, isTokenizerLoaded } from "../src/context/mod.ts";
import { CARO_VERSION } from "../src/cli/version.ts";
import { CARO_PERMISSIONS } from "../tests/support/cli.ts";

const args = Deno.args;
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const SKILLS = flag("skills", 1000);
const RUNS = flag("runs", 9);
const WARM_CALLS = 300;
const PROMPT = "find files over 100MB changed this week with the orbital lumen kestrel";
const REPO = new URL("..", import.meta.url).pathname;
const KEEP = args.includes("--keep") ? args[args.indexOf("--keep") + 1] : undefined;
const PERMISSIONS = CARO_PERMISSIONS;

// A vocabulary of made-up words: each skill gets a few, so prompts match a few skills.
const SYLLABLES = ["or", "bi", "tal", "lu", "men", "kes", "trel", "va", "no", "qui", "zen", "dra"];
const word = (i: number) => {
  let w = "";
  for (let n = i + 7; w.length < 7; n = Math.floor(n / SYLLABLES.length) + 3) {
    w += SYLLABLES[n % SYLLABLES.length];
  }
  return w;
};
const VOCABULARY = Array.from({ length: 3000 }, (_, i) => word(i * 7919));
VOCABULARY.push("orbital", "lumen", "kestrel");

function paragraph(seed: number): string {
  const words = Array.from({ length: 40 }, (_, k) => VOCABULARY[(seed * 31 + k * 17) % 3000]);
  return `${words.join(" ")}.`;
}

async function writeSkill(root: string, i: number): Promise<string> {
  const id = `tool.gen-${String(i).padStart(4, "0")}`;
  const dir = `${root}/${id}`;
  await Deno.mkdir(`${dir}/knowledge/prompts`, { recursive: true });
  await Deno.mkdir(`${dir}/knowledge/concepts`, { recursive: true });
  const topics = [0, 1, 2, 3, 4].map((k) => VOCABULARY[(i * 5 + k) % VOCABULARY.length]);
  // Three skills know the prompt's made-up words; the rest are noise.
  if (i % 333 === 0) topics.push("orbital", "lumen", "kestrel");
  await Deno.writeTextFile(
    `${dir}/skill.toml`,
    `[skill]\nid = "${id}"\nname = "Generated ${i}"\nversion = "1.0.${i}"\n` +
      `description = "Generated skill ${i}"\napi_version = "1.0"\nkeywords = ["gen${i}"]\n` +
      `[provides]\nknowledge = true\n[knowledge]\ntopics = ${JSON.stringify(topics)}\n` +
      `max_context_tokens = 800\n[knowledge.synonyms]\n"${topics[0]}" = ["${topics[1]} ${
        topics[2]
      }"]\n`,
  );
  await Deno.writeTextFile(
    `${dir}/knowledge/prompts/context.md`,
    `# Skill ${i}\n\n${paragraph(i)}\n`,
  );
  // ~10 KB: four files of five sections of ~500 bytes.
  for (let f = 0; f < 4; f++) {
    const sections = Array.from(
      { length: 5 },
      (_, s) => `## ${topics[s % 5]} part ${s}\n\n${paragraph(i + s)}\n\n${paragraph(i + s + f)}\n`,
    );
    await Deno.writeTextFile(
      `${dir}/knowledge/concepts/c${f}.md`,
      `# File ${f}\n\n${sections.join("\n")}`,
    );
  }
  return dir;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function timeProcess(argv: string[], env: Record<string, string>): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: argv,
    env: { NO_COLOR: "1", ...env },
    cwd: REPO,
    stdout: "null",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - start;
  if (out.code !== 0) throw new Error(`${argv.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Cold processes, interleaved with the baseline so machine load hits both alike. */
async function coldRatios(home: string, empty: string, library: string) {
  const env = { CARO_HOME: home };
  const cli = ["run", "--quiet", ...PERMISSIONS, `${REPO}src/cli/main.ts`, "context", PROMPT];
  const lib = ["run", "--quiet", ...PERMISSIONS, library, PROMPT];
  const bare = ["run", "--quiet", ...PERMISSIONS, empty];
  const version = ["run", "--quiet", ...PERMISSIONS, `${REPO}src/cli/main.ts`, "--version"];
  const lean = [
    "run",
    "--quiet",
    ...PERMISSIONS,
    `${REPO}bench/context_cold_cli.ts`,
    "context",
    PROMPT,
  ];
  await timeProcess(cli, env); // builds the caches once
  await timeProcess(lib, env);
  const times = {
    cli: [] as number[],
    lib: [] as number[],
    bare: [] as number[],
    version: [] as number[],
    lean: [] as number[],
  };
  for (let r = 0; r < RUNS; r++) {
    times.bare.push(await timeProcess(bare, env));
    times.version.push(await timeProcess(version, env));
    times.lean.push(await timeProcess(lean, env));
    times.cli.push(await timeProcess(cli, env));
    times.lib.push(await timeProcess(lib, env));
  }
  const bareMs = median(times.bare);
  return {
    bareMs,
    cliMs: median(times.cli),
    libMs: median(times.lib),
    versionMs: median(times.version),
    leanMs: median(times.lean),
    cliRatio: median(times.cli) / bareMs,
    libRatio: median(times.lib) / bareMs,
  };
}

const root = await Deno.makeTempDir({ prefix: "caro-context-bench-" });
try {
  const empty = `${root}/empty.ts`;
  await Deno.writeTextFile(empty, "");
  const library = `${REPO}bench/context_cold_library.ts`;

  const sources = `${root}/sources`;
  const home = KEEP ?? `${root}/home`;
  const isKept = KEEP !== undefined && await Deno.stat(`${KEEP}/skills.json`).then(
    () => true,
    (e) => {
      if (e instanceof Deno.errors.NotFound) return false;
      throw e;
    },
  );
  if (!isKept) console.log(`Generating and installing ${SKILLS} skills …`);
  const started = performance.now();
  const store = await openStore(home, { caroVersion: CARO_VERSION });
  for (let i = 0; i < (isKept ? 0 : SKILLS); i++) {
    await installSkill(store, await writeSkill(sources, i));
    if ((i + 1) % 100 === 0) {
      console.log(`  ${i + 1} installed (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  }

  // (a) warm, in process
  const injector = await openContextInjector(store);
  const first = await injector.augmentContext(PROMPT, 4000);
  const samples: number[] = [];
  for (let n = 0; n < WARM_CALLS; n++) {
    const t = performance.now();
    await injector.augmentContext(PROMPT, 4000);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const real = await countTokens(first.systemContext);
  console.log(
    `\n(a) warm augmentContext, ${SKILLS} skills: p50 ${percentile(samples, 0.5).toFixed(3)} ms, ` +
      `p95 ${percentile(samples, 0.95).toFixed(3)} ms (target p50 ≤ 2 ms); ` +
      `${first.skills.length} skills chosen (${first.skills.map((s) => s.id).join(", ")}), ` +
      `${first.tokens} tokens counted, ${real} by the tokenizer`,
  );
  if (isTokenizerLoaded() && real === 0) throw new Error("unreachable");

  // (b) cold processes with the 1,000 skills
  const many = await coldRatios(home, empty, library);
  console.log(
    `(b) cold, ${SKILLS} skills: caro context ${many.cliMs.toFixed(0)} ms vs empty deno run ` +
      `${many.bareMs.toFixed(0)} ms = ${many.cliRatio.toFixed(2)}× (target ≤ 2); ` +
      `library alone ${many.libMs.toFixed(0)} ms = ${many.libRatio.toFixed(2)}×; ` +
      `caro --version (the CLI's own start) ${many.versionMs.toFixed(0)} ms = ${
        (many.versionMs / many.bareMs).toFixed(2)
      }×; caro context with only its own command loaded ${many.leanMs.toFixed(0)} ms = ${
        (many.leanMs / many.bareMs).toFixed(2)
      }×`,
  );

  // (c) the same with no installed skill (bundled ones only)
  const none = await coldRatios(`${root}/empty-home`, empty, library);
  console.log(
    `(c) cold, 0 installed skills: caro context ${none.cliMs.toFixed(0)} ms vs empty deno run ` +
      `${none.bareMs.toFixed(0)} ms = ${none.cliRatio.toFixed(2)}×; ` +
      `library alone ${none.libMs.toFixed(0)} ms = ${none.libRatio.toFixed(2)}×; ` +
      `only its own command loaded ${none.leanMs.toFixed(0)} ms = ${
        (none.leanMs / none.bareMs).toFixed(2)
      }×`,
  );
  console.log(
    `    ${SKILLS} skills add ${(many.cliMs - none.cliMs).toFixed(0)} ms to caro context ` +
      `and ${(many.libMs - none.libMs).toFixed(0)} ms to the library path`,
  );
} finally {
  await Deno.remove(root, { recursive: true });
}
