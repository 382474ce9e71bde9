/**
 * The full differential run of issue 12: ≥ 10,000 generated lines over the
 * three policies, each asked of the enforcer, each allowed line run for real
 * and traced in throwaway namespaces — through the whole path
 * (`execForSkill`: enforcer → sandbox) and/or with the enforcer alone (and,
 * with `--mode all`, every line through the sandbox alone) —, a
 * sample through the real `caro skill exec`, and the benign set judged by the
 * enforcer. Prints the figures and the escapes grouped by class; writes every
 * line's record to a JSON report.
 *
 * Needs root (it maps a second user), unshare, strace, bubblewrap.
 *
 *     deno run -A scripts/differential.ts [--seed N] [--lines 10500]
 *       [--policy files,git,cloud|all] [--mode sandbox|enforcer|both|sandbox-alone|all]
 *       [--cli 30] [--shards 2] [--timeout 20] [--report differential-report.json]
 *
 * Exit 1 when any line escaped, 0 otherwise.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CapabilityEnforcer } from "../src/capability/mod.ts";
import { benignLines } from "../tests/differential/_benign.ts";
import { reasonKey } from "../tests/differential/benign_test.ts";
import { CONSTRUCTS, generateLines } from "../tests/differential/_generator.ts";
import { canMakeThrowawayNamespace } from "../tests/differential/_namespace.ts";
import {
  grantsOf,
  parsePolicyKeys,
  POLICIES,
  POLICY_KEYS,
} from "../tests/differential/_policies.ts";
import type { RunMode } from "../tests/differential/_harness.ts";
import { formatReport, runDifferential, summarize, visible } from "../tests/differential/_run.ts";

const OPTIONS = {
  seed: { type: "string" },
  lines: { type: "string", default: "10500" },
  policy: { type: "string", default: "all" },
  mode: { type: "string", default: "both" },
  cli: { type: "string", default: "30" },
  shards: { type: "string", default: "2" },
  timeout: { type: "string", default: "20" },
  report: { type: "string", default: "differential-report.json" },
  benign: { type: "string", default: "350" },
} as const;
let args: { [K in keyof typeof OPTIONS]: string | undefined };
try {
  args = parseArgs({ args: Deno.args, options: OPTIONS, strict: true }).values as typeof args;
} catch (error) {
  usage((error as Error).message);
}

function usage(message: string): never {
  console.error(`differential: ${message}`);
  console.error(
    "usage: deno run -A scripts/differential.ts [--seed N] [--lines N] [--policy files,git,cloud|all] " +
      "[--mode sandbox|enforcer|both|sandbox-alone|all] [--cli N] [--shards N] [--timeout SECONDS] [--report FILE] " +
      "[--benign N-per-policy]",
  );
  Deno.exit(64);
}

function count(name: string, value: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) usage(`--${name} ${value} is not an integer ≥ ${min}`);
  return n;
}

const seed = args.seed !== undefined
  ? count("seed", args.seed)
  : crypto.getRandomValues(new Uint32Array(1))[0];
const total = count("lines", args.lines!, 1);
const cli = count("cli", args.cli!);
const shards = count("shards", args.shards!, 1);
const timeoutMs = count("timeout", args.timeout!, 1) * 1000;
const benignPerPolicy = count("benign", args.benign!);
let policies;
try {
  policies = parsePolicyKeys(args.policy!);
} catch (error) {
  usage((error as Error).message);
}
const MODES: Record<string, RunMode[]> = {
  sandbox: ["sandbox"],
  enforcer: ["enforcer"],
  both: ["sandbox", "enforcer"],
  all: ["sandbox", "enforcer", "sandbox-alone"],
  "sandbox-alone": ["sandbox-alone"],
};
const modes = MODES[args.mode!] ??
  usage(`--mode ${args.mode} is not one of ${Object.keys(MODES).join(", ")}`);

const can = await canMakeThrowawayNamespace();
if (!can.ok) {
  console.error(`differential: cannot run here: ${can.why}`);
  Deno.exit(2);
}

console.log(
  `differential: seed ${seed}, ${total} lines, policies ${policies.join(",")}, ` +
    `modes ${modes.join("+")}, CLI sample ${cli}, ${shards} shards`,
);
const lines = generateLines({ seed, count: total, policies });
const started = new Date();
let lastProgress = 0;
const run = await runDifferential({
  lines,
  modes,
  cli: { allowed: Math.ceil(cli * 0.7), refused: Math.floor(cli * 0.3) },
  shards,
  timeoutMs,
  onProgress: (text) => {
    if (Date.now() - lastProgress > 15_000 || text.includes("failed")) {
      console.error(text);
      lastProgress = Date.now();
    }
  },
});
const report = summarize(run.results, 6);
console.log(
  formatReport(
    report,
    `differential: ${run.results.length} lines in ${Math.round(run.wallMs / 1000)} s`,
  ),
);

// Escapes per mode and class, as a table.
console.log(`\nlines with an escape, per class (${modes.join(" / ")}):`);
for (const construct of Object.keys(CONSTRUCTS)) {
  const of = run.results.filter((r) => r.construct === construct);
  if (of.length === 0) continue;
  const allowed = of.filter((r) => r.decision !== "refused").length;
  const escaped = (mode: RunMode) =>
    of.filter((r) => (r.modes[mode]?.escapes.length ?? 0) > 0).length;
  console.log(
    `  ${construct.padEnd(17)} generated ${String(of.length).padStart(5)}, allowed ` +
      `${String(allowed).padStart(5)}, escaped ${modes.map(escaped).join(" / ")}`,
  );
}

// The benign set, through the enforcer alone.
let benign = null;
if (benignPerPolicy > 0) {
  const root = await Deno.realPath(await Deno.makeTempDir({ dir: "/var/tmp" }));
  const project = `${root}/home/work/project`;
  for (const dir of ["src/util", "docs", "k8s", "out", ".git"]) {
    await Deno.mkdir(`${project}/${dir}`, { recursive: true });
  }
  const enforcer = new CapabilityEnforcer({
    grants: new Map(POLICY_KEYS.map((k) => [POLICIES[k].id, grantsOf(POLICIES[k])])),
    auditLog: null,
    paths: { home: `${root}/home`, projectRoot: project, cacheDir: `${root}/cache`, cwd: project },
  });
  const set = benignLines({ seed, perPolicy: benignPerPolicy, policies });
  const refused: Array<{ policy: string; line: string; reason: string }> = [];
  for (const { policy, line } of set) {
    const decision = await enforcer.checkCommand(POLICIES[policy].id, line);
    if (!decision.allowed) refused.push({ policy, line, reason: decision.reason });
  }
  await Deno.remove(root, { recursive: true });
  const groups = new Map<string, typeof refused>();
  for (const r of refused) {
    groups.set(reasonKey(r.reason), [...(groups.get(reasonKey(r.reason)) ?? []), r]);
  }
  console.log(
    `\nbenign: ${refused.length} of ${set.length} everyday lines refused ` +
      `(${(100 * refused.length / set.length).toFixed(1)} %)`,
  );
  for (const group of [...groups.values()].sort((a, b) => b.length - a.length)) {
    console.log(`  ${group.length}× ${group[0].reason}`);
    for (const r of group.slice(0, 3)) console.log(`      [${r.policy}] ${visible(r.line)}`);
  }
  benign = { lines: set.length, refused };
}

await Deno.writeTextFile(
  args.report!,
  JSON.stringify(
    {
      seed,
      lines: total,
      policies,
      modes,
      startedAt: started.toISOString(),
      wallMs: Math.round(run.wallMs),
      summary: report,
      benign,
      results: run.results,
    },
    null,
    1,
  ),
);
console.log(`\nreport: ${args.report}`);
Deno.exit(report.groups.length > 0 ? 1 : 0);
