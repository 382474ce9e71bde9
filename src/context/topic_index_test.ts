import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { loadSkillFolder } from "../manifest/mod.ts";
import { injectableOf } from "./knowledge_tests.ts";
import { type MatchableSkill, TopicIndex } from "./topic_index.ts";

const bundled = new URL("../../skills", import.meta.url).pathname;
const bundledSkills = await Promise.all(
  ["core.shell", "core.posix"].map(async (id) =>
    injectableOf(await loadSkillFolder(`${bundled}/${id}`, { isBundled: true }))
  ),
);

function skill(id: string, fields: Partial<MatchableSkill>): MatchableSkill {
  return {
    id,
    priority: 50,
    topics: [],
    keywords: [],
    synonyms: {},
    description: "",
    format: "skill.toml",
    ...fields,
  };
}

const demo = [
  skill("tool.docker", {
    topics: ["docker", "container", "containers"],
    keywords: ["compose"],
    synonyms: { container: ["running image", "docker ps"] },
    priority: 60,
  }),
  skill("tool.kubectl", { topics: ["kubernetes", "pod", "deployment"], keywords: ["kubectl"] }),
  skill("custom.pdf-tools", {
    topics: ["pdf", "tools"],
    format: "SKILL.md",
    description: "Merge, split and compress PDF documents with qpdf",
  }),
];

Deno.test("TopicIndex.match: exact, synonyms, fuzzy and descriptions", async (t) => {
  const index = TopicIndex.build(demo);
  const cases: Array<{ name: string; prompt: string; ids: string[]; kinds?: string[] }> = [
    {
      name: "exact topic",
      prompt: "restart the docker daemon",
      ids: ["tool.docker"],
      kinds: ["topic"],
    },
    { name: "keyword", prompt: "kubectl logs", ids: ["tool.kubectl"], kinds: ["keyword"] },
    { name: "plural of a topic", prompt: "list pods", ids: ["tool.kubectl"], kinds: ["topic"] },
    {
      name: "multi-word synonym as a phrase",
      prompt: "stop the running image",
      ids: ["tool.docker"],
      kinds: ["synonym"],
    },
    { name: "half a phrase is no match", prompt: "the image is blurry", ids: [] },
    {
      name: "fuzzy distance 1 on a 10-letter word",
      prompt: "scale the deploymnt",
      ids: ["tool.kubectl"],
      kinds: ["fuzzy"],
    },
    {
      name: "fuzzy distance 2 on a long word",
      prompt: "list the kubernetess clsuter",
      ids: ["tool.kubectl"],
    },
    { name: "distance 2 is too far for a short word", prompt: "the dokcre thing", ids: [] },
    {
      name: "AgentSkills description words",
      prompt: "merge two pdf documents",
      ids: ["custom.pdf-tools"],
    },
    { name: "one description word is not enough", prompt: "compress this", ids: [] },
    { name: "punctuation around words", prompt: "(docker), please!", ids: ["tool.docker"] },
    { name: "nothing", prompt: "what a lovely day", ids: [] },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const matches = await index.match(c.prompt);
      deepStrictEqual(matches.map((m) => m.id), c.ids, JSON.stringify(matches));
      if (c.kinds) deepStrictEqual([...new Set(matches[0].reasons.map((r) => r.kind))], c.kinds);
    });
  }
});

Deno.test("TopicIndex.match: short topics never fuzzy-match short words", async (t) => {
  // core.posix has du, df, tr, ps, wc: at edit distance 2 they would match almost any word.
  const index = TopicIndex.build(bundledSkills);
  const prompts = [
    "do it",
    "tell me a joke",
    "what is the weather like today in paris",
    "hello there, how are you",
    "write a poem about the sea",
    "is it ok to go",
  ];
  for (const prompt of prompts) {
    await t.step(prompt, async () => {
      const posix = (await index.match(prompt)).find((m) => m.id === "core.posix");
      equal(posix, undefined, JSON.stringify(posix?.reasons));
    });
  }
});

Deno.test("TopicIndex.match: the seed's request matches core.posix for find", async () => {
  const index = TopicIndex.build(bundledSkills);
  const [first] = await index.match("find files over 100MB changed this week");
  equal(first.id, "core.posix");
  ok(first.terms.includes("find"));
  ok(first.reasons.some((r) => r.kind === "synonym" && r.said === "this week"));
});

Deno.test("TopicIndex.match: ranked by score, then priority, then id", async () => {
  const index = TopicIndex.build([
    skill("a.low", { topics: ["deploy"], priority: 10 }),
    skill("b.high", { topics: ["deploy"], priority: 90 }),
    skill("c.more", { topics: ["deploy", "rollback"], priority: 0 }),
    skill("d.same", { topics: ["deploy"], priority: 90 }),
  ]);
  const ids = (await index.match("deploy and rollback")).map((m) => m.id);
  deepStrictEqual(ids, ["c.more", "b.high", "d.same", "a.low"]);
});

Deno.test("TopicIndex: the fuzzy threshold is configurable and the data round-trips", async () => {
  const strict = TopicIndex.build(demo, { fuzzy: { maxDistance: 0 } });
  deepStrictEqual(await strict.match("scale the deploymnt"), []);
  const loose = TopicIndex.build(demo, { fuzzy: { minLength: 3 } });
  equal((await loose.match("the dockr thing"))[0]?.id, "tool.docker");
  const copy = new TopicIndex(JSON.parse(JSON.stringify(TopicIndex.build(demo).data)));
  equal((await copy.match("scale the deploymnt"))[0]?.id, "tool.kubectl");
  const minScore = TopicIndex.build(demo, { minScore: 4 });
  deepStrictEqual(await minScore.match("docker"), []);
});
