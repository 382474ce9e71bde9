import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { installSkill, openContextInjector, openStore } from "../../src/ops/mod.ts";
import { countTokens } from "../../src/context/mod.ts";
import { CARO_VERSION } from "../../src/cli/version.ts";

const CORPUS = "/work/shared/corpus/agentskills";

/** A request about each corpus skill's subject, in a user's words. */
const PROMPTS: Record<string, string> = {
  "algorithmic-art": "make generative art with a flow field in p5.js",
  "brand-guidelines": "apply our brand colors and typography to this slide",
  "claude-api": "call the Claude API with streaming and tool use",
  "frontend-design": "design a distinctive UI for a landing page",
  "internal-comms": "write a status report for leadership about the incident",
  "mcp-builder": "build an MCP server in TypeScript for our API",
  "skill-creator": "create a new skill and run evals on its description",
  "webapp-testing": "test my local web app with Playwright and take screenshots",
};

Deno.test("corpus: every AgentSkills skill is matched by a prompt about its subject", async (t) => {
  const root = await Deno.makeTempDir();
  const store = await openStore(`${root}/home`, { caroVersion: CARO_VERSION });
  const names = [...Deno.readDirSync(CORPUS)].filter((e) => e.isDirectory).map((e) => e.name)
    .sort();
  deepStrictEqual(names, Object.keys(PROMPTS).sort(), "a corpus skill has no prompt here");
  for (const name of names) await installSkill(store, `${CORPUS}/${name}`);
  const injector = await openContextInjector(store);
  for (const name of names) {
    await t.step(name, async () => {
      const id = `custom.${name}`;
      const out = await injector.augmentContext(PROMPTS[name], 4000);
      equal(out.skills[0].id, id, out.reasons.join("\n"));
      ok(out.files.some((f) => f.skill === id && f.path === "SKILL.md"), JSON.stringify(out.files));
      ok(out.tokens <= 4000 && (await countTokens(out.systemContext)) <= 4000);
      const chosen = out.skills.find((s) => s.id === id);
      ok(chosen && chosen.tokens <= 1000, JSON.stringify(chosen));
      // Front matter is metadata, not context.
      ok(!out.systemContext.includes(`name: ${name}\n`));
    });
  }
  await t.step(
    "with the corpus installed, a prompt about nothing still injects only core.shell",
    async () => {
      const out = await injector.augmentContext("tell me a joke about cats", 4000);
      deepStrictEqual(out.skills.map((s) => s.id), ["core.shell"]);
    },
  );
  await t.step(
    "with the corpus installed, the seed request still picks core.posix only",
    async () => {
      const out = await injector.augmentContext("find files over 100MB changed this week", 4000);
      deepStrictEqual(
        out.skills.map((s) => s.id),
        ["core.posix", "core.shell"],
        out.reasons.join("\n"),
      );
    },
  );
  await Deno.remove(root, { recursive: true });
});
