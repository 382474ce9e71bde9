import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { SkillError } from "../errors/mod.ts";
import { parseKnowledgeTests, runKnowledgeTests } from "./knowledge_tests.ts";

Deno.test("parseKnowledgeTests: the SPEC §3 lines, any order, lists repeat", async (t) => {
  const cases = [
    {
      name: "all fields",
      text: "# prose\n\n## Test: big\nMax tokens: 800\nInput: find big files\n" +
        "Expect files: a.md\nExpect files: b.md\nMust contain: x\nMust not contain: rm -rf\n",
      want: {
        name: "big",
        line: 3,
        input: "find big files",
        expectFiles: ["a.md", "b.md"],
        mustContain: ["x"],
        mustNotContain: ["rm -rf"],
        maxTokens: 800,
      },
    },
    {
      name: "defaults, prose between lines, comma-separated files",
      text: "## Test: t\nSome words.\nInput: hi\nExpect files: a.md, b.md\n",
      want: {
        name: "t",
        line: 1,
        input: "hi",
        expectFiles: ["a.md", "b.md"],
        mustContain: [],
        mustNotContain: [],
      },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => deepStrictEqual(parseKnowledgeTests(c.text), [c.want]));
  }
  await t.step("a case without Input is an error naming its line", () => {
    try {
      parseKnowledgeTests("\n## Test: empty\nMust contain: x\n");
      throw new Error("accepted");
    } catch (e) {
      ok(
        e instanceof SkillError && e.code === "validation" && e.message.includes(":2:"),
        String(e),
      );
    }
  });
  await t.step("Max tokens must be a positive integer", () => {
    try {
      parseKnowledgeTests("## Test: x\nInput: a\nMax tokens: lots\n");
      throw new Error("accepted");
    } catch (e) {
      ok(e instanceof SkillError && e.message.includes("lots"), String(e));
    }
  });
});

const bundled = new URL("../../skills", import.meta.url).pathname;

Deno.test("runKnowledgeTests: the bundled skills' tests pass", async (t) => {
  for (const id of ["core.shell", "core.posix"]) {
    await t.step(id, async () => {
      const report = await runKnowledgeTests(`${bundled}/${id}`, { isBundled: true });
      equal(report.skill, id);
      ok(report.results.length >= 9);
      deepStrictEqual(report.results.filter((r) => !r.passed), []);
    });
  }
});

Deno.test("runKnowledgeTests: each broken expectation is reported", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/jq/knowledge/prompts`, { recursive: true });
  await Deno.mkdir(`${dir}/jq/tests`);
  await Deno.writeTextFile(
    `${dir}/jq/skill.toml`,
    `[skill]\nid = "tool.jq"\nname = "jq"\nversion = "1.0.0"\ndescription = "JSON"\napi_version = "1.0"\n` +
      `[provides]\nknowledge = true\n[knowledge]\ntopics = ["json"]\nmax_context_tokens = 100\n`,
  );
  await Deno.writeTextFile(
    `${dir}/jq/knowledge/prompts/context.md`,
    "Use jq -r for raw strings.\n",
  );
  await Deno.writeTextFile(
    `${dir}/jq/tests/knowledge_test.md`,
    "## Test: good\nInput: parse json\nMust contain: jq -r\n\n" +
      "## Test: not matched\nInput: tell me a joke\n\n" +
      "## Test: wrong content\nInput: json please\nExpect files: knowledge/missing.md\n" +
      "Must contain: yq\nMust not contain: jq\nMax tokens: 50\n",
  );
  const report = await runKnowledgeTests(`${dir}/jq`);
  deepStrictEqual(report.results.map((r) => [r.name, r.passed]), [
    ["good", true],
    ["not matched", false],
    ["wrong content", false],
  ]);
  const wrong = report.results[2].failures.join("\n");
  for (const part of ["knowledge/missing.md is not loaded", '"yq"', 'contains "jq"']) {
    ok(wrong.includes(part), wrong);
  }
  ok(report.results[1].failures[0].includes("not matched"));
  const filtered = await runKnowledgeTests(`${dir}/jq`, { filter: "GOOD" });
  equal(filtered.results.length, 1);
  await rejects(runKnowledgeTests(`${dir}/nope`));
  await Deno.remove(dir, { recursive: true });
});
