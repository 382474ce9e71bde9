/**
 * Everyday lines must pass the enforcer (issue 12: ≤ 2 % refused; 9.9 % when
 * the issue was filed). A fixed seed gives ≥ 1,000 distinct lines over the
 * three policies (`_benign.ts`), judged in a project laid out like the
 * differential test's; the failure lists the share per policy and every
 * refused line under its reason, grouped, so each group is one fix.
 */
import { fail } from "node:assert/strict";
import { CapabilityEnforcer } from "../../src/capability/mod.ts";
import { benignLines } from "./_benign.ts";
import { grantsOf, POLICIES, POLICY_KEYS } from "./_policies.ts";
import { visible } from "./_run.ts";

/** The seed of the benign set; change it only with the figure in the issue. */
export const BENIGN_SEED = 20_240_612;
/** Distinct lines per policy. */
const PER_POLICY = 350;
/** The share of everyday lines the enforcer may refuse. */
const MAX_REFUSED = 0.02;

/** A project with the files the everyday lines name (contents do not matter to the enforcer). */
async function createProject(): Promise<{ root: string; project: string; home: string }> {
  // Not under /tmp: the git policy may write /tmp, and a project inside a
  // write grant is (rightly) judged differently.
  const dir = await Deno.stat("/var/tmp").then((s) => s.isDirectory ? "/var/tmp" : undefined)
    .catch(() => undefined);
  const root = await Deno.realPath(await Deno.makeTempDir({ dir, prefix: "caro_benign_" }));
  const project = `${root}/home/work/project`;
  for (const dir of ["src/util", "docs", "k8s", "out", ".git"]) {
    await Deno.mkdir(`${project}/${dir}`, { recursive: true });
  }
  for (
    const file of [
      "README.md",
      "notes.md",
      "a.txt",
      "b.txt",
      "data.csv",
      "list.txt",
      "nums.txt",
      "big.txt",
      "config.ini",
      "a.tar",
      "a.tgz",
      "src/main.ts",
      "src/lib.ts",
      "src/util/strings.ts",
      "src/util/strings_test.ts",
      "docs/guide.md",
      "docs/api.md",
      "k8s/deploy.yaml",
      "k8s/service.yaml",
      "k8s/kubeconfig.yaml",
      "out/existing.txt",
    ]
  ) await Deno.writeTextFile(`${project}/${file}`, "x\n");
  return { root, project, home: `${root}/home` };
}

/** A reason with the line's own values (paths, numbers) taken out, to group by. */
export function reasonKey(reason: string): string {
  return reason
    .replace(/"[^"]*"|'[^']*'/g, "…")
    .replace(/\S*\/\S*/g, "<path>")
    .replace(/\d+/g, "N");
}

Deno.test("everyday lines: at most 2 % refused by the enforcer", async () => {
  const { root, project, home } = await createProject();
  try {
    const enforcer = new CapabilityEnforcer({
      grants: new Map(POLICY_KEYS.map((k) => [POLICIES[k].id, grantsOf(POLICIES[k])])),
      auditLog: null,
      paths: { home, projectRoot: project, cacheDir: `${root}/cache`, cwd: project },
    });
    const lines = benignLines({ seed: BENIGN_SEED, perPolicy: PER_POLICY, policies: POLICY_KEYS });
    const refused: Array<{ policy: string; line: string; reason: string }> = [];
    const perPolicy = new Map<string, { total: number; refused: number }>();
    for (const { policy, line } of lines) {
      const decision = await enforcer.checkCommand(POLICIES[policy].id, line);
      const count = perPolicy.get(policy) ?? { total: 0, refused: 0 };
      count.total++;
      if (!decision.allowed) {
        count.refused++;
        refused.push({ policy, line, reason: decision.reason });
      }
      perPolicy.set(policy, count);
    }
    const share = refused.length / lines.length;
    const groups = new Map<string, typeof refused>();
    for (const r of refused) {
      const key = reasonKey(r.reason);
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const report = [
      `${refused.length} of ${lines.length} everyday lines refused ` +
      `(${(share * 100).toFixed(1)} %; target ≤ ${MAX_REFUSED * 100} %), seed ${BENIGN_SEED}`,
      ...[...perPolicy].map(([p, c]) =>
        `  ${p}: ${c.refused}/${c.total} (${(100 * c.refused / c.total).toFixed(1)} %)`
      ),
      ...[...groups.values()].sort((a, b) => b.length - a.length).flatMap((group) => [
        `- ${group.length}× ${group[0].reason}`,
        ...group.slice(0, 4).map((r) => `    [${r.policy}] ${visible(r.line)}`),
      ]),
    ].join("\n");
    console.log(report);
    if (lines.length < 1000) fail(`only ${lines.length} everyday lines were generated`);
    if (share > MAX_REFUSED) fail(report);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
