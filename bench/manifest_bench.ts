/**
 * Parse + validate 1,000 distinct manifests; prints the time per manifest and
 * the ratio to a bare smol-toml parse of the same texts, measured in the same
 * run (issue 3 target: ratio ≤ 3).
 *
 *   deno run -A bench/manifest_bench.ts
 */
import { parse } from "smol-toml";
import { parseManifest, validateManifest } from "../src/manifest/mod.ts";

const COUNT = 1000;
const ROUNDS = 15;

function manifest(i: number): string {
  return `[skill]
id = "custom.bench-${i}"
name = "Bench ${i}"
version = "1.${i % 10}.${i}"
description = "Generated skill number ${i} for the manifest benchmark"
api_version = "1.0"
license = "MIT"
authors = ["Bench <bench@example.com>"]
keywords = ["bench", "k${i}"]

[provides]
knowledge = true
recipes = ${i % 2 === 0}

[knowledge]
topics = ["topic-${i}", "shared", "t${i % 37}"]
priority = ${i % 100}
max_context_tokens = ${500 + i}

[knowledge.synonyms]
"topic-${i}" = ["alias-${i}", "other-${i}"]

[recipes]
files = ["recipes/*.yaml"]
default_confirmation = "prompt"

[capabilities]
terminal_exec = { allowed = true, commands = ["aws", "kubectl"], blocked = ["rm"] }
network = ["*.example${i}.com"]
env_read = ["AWS_*"]

[dependencies]
"core.posix" = ">=1.0,<2.0"
"tool.dep-${i % 50}" = { version = "1.${i % 5}", optional = true }

[features]
extra = { description = "Extra ${i}", default = true }

[platform]
os = ["linux", "macos"]
required_tools = ["aws"]
`;
}

const texts = Array.from({ length: COUNT }, (_, i) => manifest(i));
const withRecipes = ["skill.toml", "knowledge/prompts/context.md", "recipes/a.yaml"];
const withoutRecipes = ["skill.toml", "knowledge/prompts/context.md"];

async function timeIt(fn: () => unknown | Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Warm-up both paths so JIT and lazy imports are out of the figures.
for (const text of texts.slice(0, 50)) {
  parse(text);
  await parseManifest(text);
}

const bare: number[] = [];
const ours: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  bare.push(await timeIt(() => texts.forEach((t) => parse(t))));
  ours.push(
    await timeIt(async () => {
      for (const text of texts) {
        const { manifest, diagnostics } = await parseManifest(text);
        if (!manifest || diagnostics.length > 0) throw new Error(JSON.stringify(diagnostics));
        const files = manifest.provides.recipes ? withRecipes : withoutRecipes;
        const findings = await validateManifest(manifest, { files, source: text });
        if (findings.length > 0) throw new Error(JSON.stringify(findings));
      }
    }),
  );
}
const baseline = median(bare);
const measured = median(ours);
console.log(`manifests: ${COUNT}, rounds: ${ROUNDS} (medians)`);
console.log(`smol-toml parse:        ${(baseline * 1000 / COUNT).toFixed(1)} µs/manifest`);
console.log(`parse + validate:       ${(measured * 1000 / COUNT).toFixed(1)} µs/manifest`);
console.log(`ratio to bare parse:    ${(measured / baseline).toFixed(2)} (target ≤ 3)`);
