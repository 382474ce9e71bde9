import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { CUT_MARKER, cutChunk, loadKnowledge, paragraphEnds, splitSections } from "./knowledge.ts";
import { countTokens } from "./token_count.ts";

Deno.test("splitSections: at ## headings, never inside a code fence", async (t) => {
  const cases = [
    { name: "intro and two sections", text: "# T\nintro\n## A\na\n## B\nb\n", count: 3 },
    { name: "no heading", text: "just text\n", count: 1 },
    { name: "### stays inside", text: "## A\n### a1\nx\n## B\n", count: 2 },
    { name: "## in a fence", text: "## A\n```md\n## not a heading\n```\n## B\nb", count: 2 },
    { name: "empty", text: "\n\n", count: 0 },
  ];
  for (const c of cases) {
    await t.step(c.name, () => equal(splitSections(c.text).length, c.count));
  }
});

Deno.test("paragraphEnds: blank lines and list items, never inside a fence", async (t) => {
  const cases = [
    { name: "two paragraphs", text: "a\nb\n\nc", pieces: ["a\nb", "c"] },
    {
      name: "list items",
      text: "intro\n- one\n  more\n- two",
      pieces: ["intro", "- one\n  more", "- two"],
    },
    {
      name: "fence with blank lines and dashes",
      text: "x\n\n```sh\na\n\n- b\n```\n\ny",
      pieces: ["x", "```sh\na\n\n- b\n```", "y"],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      let from = 0;
      const pieces = paragraphEnds(c.text).map((end) => {
        const piece = c.text.slice(from, end).trim();
        from = end;
        return piece;
      });
      deepStrictEqual(pieces, c.pieces);
    });
  }
});

async function skillDir(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir();
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${path}`, text);
  }
  return dir;
}

Deno.test("cutChunk: whole paragraphs then the marker, within the budget", async () => {
  const long = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${"word ".repeat(20)}`)
    .join("\n\n");
  const dir = await skillDir({ "knowledge/a.md": `## Title\n\n${long}\n` });
  const k = await loadKnowledge({
    id: "t.t",
    path: dir,
    format: "skill.toml",
    contextFile: null,
    knowledgeFiles: ["knowledge/a.md"],
    integrity: null,
  });
  const [chunk] = k.chunks;
  for (const budget of [5, 30, 60, 100, 200, chunk.tokens - 1]) {
    const cut = cutChunk(chunk, budget, k.markerTokens);
    if (cut === null) {
      ok(budget < 60, `nothing fits in ${budget}`);
      continue;
    }
    ok(cut.tokens <= budget, `${cut.tokens} > ${budget}`);
    ok((await countTokens(cut.text)) <= cut.tokens);
    ok(cut.text.endsWith(CUT_MARKER));
    const kept = cut.text.slice(0, -CUT_MARKER.length).trimEnd();
    // Never mid-line: what is kept ends exactly where a paragraph of the original ends.
    ok(chunk.text.startsWith(kept) && /^[ \t]*\n/.test(chunk.text.slice(kept.length)));
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadKnowledge: a warm cache reads no markdown; a new tree hash rebuilds", async () => {
  const dir = await skillDir({
    "knowledge/prompts/context.md": "Always use jq -r for raw output.\n",
    "knowledge/filters.md": "# Filters\n\n## select\n\nUse `select(.age > 30)`.\n",
  });
  const cacheDir = `${dir}/cache`;
  const source = {
    id: "tool.jq",
    path: `${dir}`,
    format: "skill.toml" as const,
    contextFile: "knowledge/prompts/context.md",
    knowledgeFiles: ["knowledge/filters.md"],
    integrity: `sha256:${"1".repeat(64)}`,
  };
  const cold = await loadKnowledge(source, { cacheDir });
  await Deno.remove(`${dir}/knowledge`, { recursive: true });
  const warm = await loadKnowledge(source, { cacheDir });
  deepStrictEqual(warm, cold);
  // The same skill with another tree hash (updated) must be read again: its files are gone.
  const error = await loadKnowledge({ ...source, integrity: `sha256:${"2".repeat(64)}` }, {
    cacheDir,
  })
    .then(() => null, (e: Error) => e);
  ok(error?.message.includes("Cannot read tool.jq knowledge file"), String(error));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadKnowledge: a corrupt cache file is rebuilt, not trusted", async () => {
  const dir = await skillDir({ "knowledge/prompts/context.md": "Be brief.\n" });
  const source = {
    id: "tool.x",
    path: dir,
    format: "skill.toml" as const,
    contextFile: "knowledge/prompts/context.md",
    knowledgeFiles: [],
    integrity: `sha256:${"3".repeat(64)}`,
  };
  const first = await loadKnowledge(source, { cacheDir: `${dir}/cache` });
  for await (const entry of Deno.readDir(`${dir}/cache`)) {
    await Deno.writeTextFile(
      `${dir}/cache/${entry.name}`,
      '{"format": "caro-context-chunks/2", "key"',
    );
  }
  const again = await loadKnowledge(source, { cacheDir: `${dir}/cache` });
  equal(again.context?.text, first.context?.text);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadKnowledge: SKILL.md front matter is not context", async () => {
  const dir = await skillDir({
    "SKILL.md": "---\nname: notes\ndescription: Notes\n---\n# Notes\n\nBe brief.\n",
  });
  const k = await loadKnowledge({
    id: "custom.notes",
    path: dir,
    format: "SKILL.md",
    contextFile: "SKILL.md",
    knowledgeFiles: [],
    integrity: null,
  });
  equal(k.context?.text, "# Notes\n\nBe brief.");
  await Deno.remove(dir, { recursive: true });
});
