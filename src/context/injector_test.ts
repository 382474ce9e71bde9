import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { loadSkillFolder } from "../manifest/mod.ts";
import { ContextInjector } from "./injector.ts";
import { injectableOf } from "./knowledge_tests.ts";
import { countTokens } from "./token_count.ts";

const bundled = new URL("../../skills", import.meta.url).pathname;
const [shell, posix] = await Promise.all(
  ["core.shell", "core.posix"].map(async (id) =>
    injectableOf(await loadSkillFolder(`${bundled}/${id}`, { isBundled: true }))
  ),
);

Deno.test("augmentContext: never over the budget, counted with the tokenizer", async (t) => {
  const injector = new ContextInjector([shell, posix]);
  const prompts = [
    "find files over 100MB changed this week",
    "delete all node_modules folders but ask me to confirm first",
    "tell me a joke",
  ];
  for (const maxTokens of [20, 60, 120, 200, 500, 1000, 2000, 4000]) {
    for (const prompt of prompts) {
      await t.step(`${maxTokens}: ${prompt}`, async () => {
        const out = await injector.augmentContext(prompt, maxTokens);
        const real = await countTokens(out.systemContext);
        ok(out.tokens <= maxTokens, `${out.tokens} > ${maxTokens}`);
        ok(real <= out.tokens, `counted ${out.tokens}, tokenizer says ${real}`);
        equal(out.files.reduce((sum, f) => sum + f.tokens, 0) <= out.tokens, true);
      });
    }
  }
});

Deno.test("augmentContext: a prompt about nothing injects only the base prompt", async () => {
  const out = await new ContextInjector([shell, posix]).augmentContext("tell me a joke", 4000);
  deepStrictEqual(out.skills.map((s) => s.id), ["core.shell"]);
  deepStrictEqual(out.files.map((f) => f.path), ["knowledge/prompts/context.md"]);
  ok(out.systemContext.startsWith("# caro shell rules"));
});

Deno.test("augmentContext: skill knowledge first, the base prompt last", async () => {
  const out = await new ContextInjector([shell, posix]).augmentContext(
    "find files over 100MB changed this week",
    4000,
  );
  const posixAt = out.systemContext.indexOf("# POSIX utility rules");
  const findAt = out.systemContext.indexOf("-size +100M -mtime -7");
  const baseAt = out.systemContext.indexOf("# caro shell rules");
  ok(posixAt >= 0 && findAt > posixAt && baseAt > findAt, `${posixAt} ${findAt} ${baseAt}`);
  equal(out.skills[0].id, "core.posix");
  ok(out.skills[0].reasons.some((r) => r.includes("this week")));
  ok(out.files.some((f) => f.path === "knowledge/patterns/find-xargs.md"));
  ok(out.skills[0].tokens <= posix.maxContextTokens);
});

Deno.test("augmentContext: without the base skill (--skills excludes it) nothing is forced in", async () => {
  const out = await new ContextInjector([posix]).augmentContext("tell me a joke", 4000);
  equal(out.systemContext, "");
  deepStrictEqual(out.skills, []);
});

Deno.test("augmentContext: a skill's max_context_tokens bounds what it adds", async () => {
  const small = { ...posix, maxContextTokens: 150 };
  const out = await new ContextInjector([shell, small]).augmentContext(
    "find files over 100MB changed this week",
    4000,
  );
  const added = out.skills.find((s) => s.id === "core.posix");
  ok(added && added.tokens <= 150, JSON.stringify(out.skills));
  ok(out.files.some((f) => f.skill === "core.posix" && f.isCut));
});

Deno.test("augmentContext: an equal score goes to the higher priority first", async () => {
  const low = { ...posix, id: "tool.low", priority: 1 };
  const high = { ...posix, id: "tool.high", priority: 99 };
  const out = await new ContextInjector([low, high]).augmentContext("grep for errors", 700);
  equal(out.skills[0].id, "tool.high");
});
