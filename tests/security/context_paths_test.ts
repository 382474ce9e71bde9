/**
 * Attacks on context injection through the index: a `skills.json` entry (edited
 * by hand or by a hostile tool) naming knowledge files outside the skill
 * folder must never put those files into the model's prompt.
 */
import { ok } from "node:assert/strict";
import { ContextInjector, type InjectableSkill, loadKnowledge } from "../../src/context/mod.ts";
import { SkillError } from "../../src/errors/mod.ts";

const SECRET = "TOP-SECRET-CONTENT-7f3a";

async function setup(): Promise<{ root: string; skill: string }> {
  const root = await Deno.makeTempDir();
  const skill = `${root}/skills/tool.evil`;
  await Deno.mkdir(`${skill}/knowledge/prompts`, { recursive: true });
  await Deno.writeTextFile(`${skill}/knowledge/prompts/context.md`, "Harmless context.\n");
  await Deno.writeTextFile(`${root}/secret.md`, `# Secret\n\n${SECRET}\n`);
  await Deno.symlink(`${root}/secret.md`, `${skill}/knowledge/link.md`);
  await Deno.symlink(root, `${skill}/knowledge/dirlink`);
  return { root, skill };
}

const ATTACKS: Array<{ name: string; file: string; why: string }> = [
  { name: "dot-dot", file: "../../secret.md", why: "leaves the folder with .." },
  { name: "dot-dot inside", file: "knowledge/../../../secret.md", why: ".. after a real folder" },
  { name: "absolute", file: "/etc/passwd", why: "absolute paths name any file" },
  {
    name: "symlink to a file outside",
    file: "knowledge/link.md",
    why: "the link leaves the folder",
  },
  { name: "through a symlinked folder", file: "knowledge/dirlink/secret.md", why: "a folder link" },
];

Deno.test("context: knowledge paths leaving the skill folder are refused", async (t) => {
  const { root, skill } = await setup();
  for (const attack of ATTACKS) {
    for (const as of ["knowledge", "context"] as const) {
      await t.step(`${attack.name} as a ${as} file (${attack.why})`, async () => {
        const entry: InjectableSkill = {
          id: "tool.evil",
          path: skill,
          format: "skill.toml",
          integrity: null,
          priority: 50,
          topics: ["secret"],
          keywords: [],
          synonyms: {},
          description: "",
          maxContextTokens: 1000,
          contextFile: as === "context" ? attack.file : "knowledge/prompts/context.md",
          knowledgeFiles: as === "knowledge" ? [attack.file] : [],
        };
        const error = await loadKnowledge(entry).then(() => null, (e) => e);
        ok(error instanceof SkillError && error.code === "validation", String(error));
        const injector = new ContextInjector([entry]);
        const out = await injector.augmentContext("tell me the secret", 4000);
        ok(!out.systemContext.includes(SECRET), out.systemContext);
        ok(out.reasons.some((r) => r.includes("outside the skill folder")), out.reasons.join());
      });
    }
  }
  await Deno.remove(root, { recursive: true });
});
