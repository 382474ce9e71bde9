/**
 * Cost of `CapabilityEnforcer.checkCommand` on ~200-character command lines,
 * as a ratio to parsing the same lines alone with tree-sitter-bash (the
 * baseline, measured in the same run; target ≤ 1.5), plus the one-time cost
 * of loading the shell parser on the first check. `analyzeCommand` alone is
 * shown too: the rest of checkCommand is resolving redirection targets on the
 * real filesystem (realpath + lstat) and parsing nested `-c` strings.
 *
 * Run: `deno run -A bench/capability_bench.ts`
 *
 * @module
 */
import { cpuUsage } from "node:process";
import { analyzeCommand, CapabilitiesSchema, CapabilityEnforcer } from "../src/capability/mod.ts";

/** Realistic lines, each padded to about 200 characters. */
const LINES: readonly string[] = [
  "aws s3 cp ./out/report.json s3://my-bucket/reports/2026/11/report.json --profile prod --region eu-west-1 && kubectl get pods -n production -o wide | grep -v Completed > ./out/pods.txt",
  "kubectl exec -it deploy/web -n staging -- sh -c 'aws s3 ls s3://assets/$(date +%Y)/ --recursive | head -n 20' 2>&1 | tee ./out/listing.log; echo \"done: $?\" >> ./out/status.txt",
  'for ns in default kube-system monitoring logging ingress; do kubectl get deploy -n "$ns" -o json | jq -r \'.items[].metadata.name\' | xargs -I{} kubectl rollout status deploy/{} -n "$ns"; done',
  "timeout 30 env AWS_PROFILE=prod AWS_REGION=us-east-1 aws ec2 describe-instances --filters Name=tag:env,Values=prod --query 'Reservations[].Instances[].InstanceId' --output text > ./out/ids",
  "find ./manifests -name '*.yaml' -newer ./out/last-apply -exec kubectl apply --dry-run=server -f {} \\; && git -c core.pager=less log --oneline -n 5 -- manifests/ && touch ./out/last-apply",
  "if kubectl get ns preview-$BRANCH >/dev/null 2>&1; then kubectl delete ns preview-$BRANCH --wait=false; fi; aws s3 rm s3://previews/$BRANCH --recursive --quiet; echo cleaned up preview for $BRANCH",
];

const caps = CapabilitiesSchema.parse({
  terminal_exec: {
    allowed: true,
    commands: [
      "aws",
      "kubectl",
      "grep",
      "jq",
      "head",
      "tee",
      "git",
      "less",
      "date",
      "touch",
      "find",
      "xargs",
    ],
    blocked: ["rm", "dd", "mkfs"],
  },
  filesystem_write: ["./out"],
});
const project = await Deno.makeTempDir();
await Deno.mkdir(`${project}/out`);
const enforcer = new CapabilityEnforcer({
  grants: new Map([["cloud.ops", caps]]),
  auditLog: null,
  paths: { home: project, projectRoot: project, cacheDir: project, cwd: project },
});

// One-time cost: the first checkCommand loads web-tree-sitter and the grammar.
const loadStart = performance.now();
await enforcer.checkCommand("cloud.ops", "aws s3 ls");
const loadMs = performance.now() - loadStart;

// Baseline: the same parser, parsing alone (no walk, no judgement).
const { Parser, Language } = await import("web-tree-sitter");
await import("tree-sitter-bash/package.json", { with: { type: "json" } });
await Parser.init();
const parser = new Parser();
parser.setLanguage(
  await Language.load(
    await Deno.readFile(new URL(import.meta.resolve("tree-sitter-bash/tree-sitter-bash.wasm"))),
  ),
);

function parseOnly(line: string): void {
  parser.parse(line)?.delete();
}

// The machine is shared: alternate short blocks of both so load drift hits
// both alike, and count this process's CPU time, not the wall clock.
const cpuMs = () => {
  const { user, system } = cpuUsage();
  return (user + system) / 1000;
};
const ROUNDS = 60;
const WARMUP = 10;
let parseMs = 0;
let analyzeMs = 0;
let checkMs = 0;
let lines = 0;
for (let round = 0; round < ROUNDS; round++) {
  let start = cpuMs();
  for (let k = 0; k < 10; k++) for (const line of LINES) parseOnly(line);
  const parseTime = cpuMs() - start;
  start = cpuMs();
  for (let k = 0; k < 10; k++) {
    for (const line of LINES) await enforcer.checkCommand("cloud.ops", line);
  }
  const checkTime = cpuMs() - start;
  start = cpuMs();
  for (let k = 0; k < 10; k++) for (const line of LINES) await analyzeCommand(line);
  const analyzeTime = cpuMs() - start;
  if (round < WARMUP) continue;
  parseMs += parseTime;
  checkMs += checkTime;
  analyzeMs += analyzeTime;
  lines += 10 * LINES.length;
}
const parsePerSecond = lines / (parseMs / 1000);
const checkPerSecond = lines / (checkMs / 1000);
const analyzePerSecond = lines / (analyzeMs / 1000);
const ratio = checkMs / parseMs;
const verdicts = await Promise.all(LINES.map((l) => enforcer.checkCommand("cloud.ops", l)));
await Deno.remove(project, { recursive: true });

const meanLength = LINES.reduce((n, l) => n + l.length, 0) / LINES.length;
console.log(`capability_bench: ${LINES.length} lines, mean ${meanLength.toFixed(0)} characters`);
console.log(`  shell parser load (first checkCommand): ${loadMs.toFixed(1)} ms`);
console.log(`  parse alone (baseline):  ${parsePerSecond.toFixed(0)} lines per CPU second`);
console.log(`  checkCommand:            ${checkPerSecond.toFixed(0)} lines per CPU second`);
console.log(`  analyzeCommand alone:    ${analyzePerSecond.toFixed(0)} lines per CPU second`);
console.log(`  ratio analyzeCommand/parse time: ${(analyzeMs / parseMs).toFixed(2)}`);
console.log(`  ratio checkCommand/parse time: ${ratio.toFixed(2)} (target <= 1.5)`);
console.log(
  `  verdicts: ${verdicts.map((v) => (v.allowed ? "allowed" : `denied (${v.reason})`)).join("; ")}`,
);
if (ratio > 1.5) console.log("  OVER TARGET");
