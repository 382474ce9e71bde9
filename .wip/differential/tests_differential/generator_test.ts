/**
 * The generator is the test's input: it must be deterministic (a seed names
 * a run), reach the size of the full run with distinct lines, and cover
 * every construct class for every policy, or a class could silently drop out
 * of the differential test.
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import { benignLines } from "./_benign.ts";
import { CONSTRUCTS, generateLines } from "./_generator.ts";
import { POLICY_KEYS } from "./_policies.ts";

Deno.test("the generator", async (t) => {
  const full = generateLines({ seed: 99, count: 10_500, policies: POLICY_KEYS });

  await t.step("the same seed gives the same lines; another seed others", () => {
    const again = generateLines({ seed: 99, count: 10_500, policies: POLICY_KEYS });
    deepStrictEqual(again.map((l) => l.line), full.map((l) => l.line));
    const other = generateLines({ seed: 100, count: 300, policies: POLICY_KEYS });
    ok(other.some((l, i) => l.line !== full[i].line));
  });

  await t.step("10,500 lines, distinct within each policy, numbered in order", () => {
    deepStrictEqual(full.length, 10_500);
    deepStrictEqual(full.map((l) => l.n), full.map((_, i) => i));
    for (const policy of POLICY_KEYS) {
      const lines = full.filter((l) => l.policy === policy).map((l) => l.line);
      deepStrictEqual(new Set(lines).size, lines.length, policy);
    }
  });

  await t.step("every construct class reaches every policy", () => {
    for (const policy of POLICY_KEYS) {
      for (const construct of Object.keys(CONSTRUCTS)) {
        const n = full.filter((l) => l.policy === policy && l.construct === construct).length;
        ok(n >= 40, `${policy}/${construct}: only ${n} lines`);
      }
    }
  });

  await t.step("a prefix of the run covers every policy (the CI subset is one)", () => {
    deepStrictEqual(new Set(full.slice(0, 3).map((l) => l.policy)), new Set(POLICY_KEYS));
  });

  await t.step("the benign set holds ≥ 1,000 distinct everyday lines", () => {
    const benign = benignLines({ seed: 5, perPolicy: 350, policies: POLICY_KEYS });
    deepStrictEqual(benign.length, 1050);
    deepStrictEqual(new Set(benign.map((b) => `${b.policy} ${b.line}`)).size, 1050);
  });
});
