import { deepStrictEqual, equal } from "node:assert/strict";
import { parseRecipe } from "./parse.ts";
import { matchRecipes, type RecipeCandidate, suggestFromIndex } from "./triggers.ts";

const BUNDLED = new URL("../../skills/core.posix/recipes/", import.meta.url);
const CANDIDATES: RecipeCandidate[] = [...Deno.readDirSync(BUNDLED)].map((e) => {
  const { recipe } = parseRecipe(Deno.readTextFileSync(new URL(e.name, BUNDLED)));
  if (!recipe) throw new Error(e.name);
  return { skillId: "core.posix", recipe };
});

/** [prompt, files in the working directory (undefined: not checked), expected ids] */
const ROWS: Array<[string, string[] | undefined, string[]]> = [
  ["back up my photos folder to /mnt/usb", undefined, ["core.posix/backup-dir"]],
  ["make a tarball of src", undefined, ["core.posix/backup-dir"]],
  ["what is using all my disk space?", undefined, ["core.posix/disk-usage"]],
  ["tag a release v1.4.0", [".git", "README.md"], ["core.posix/release-tag"]],
  ["tag a release v1.4.0", ["README.md"], []],
  ["tag a release v1.4.0", undefined, ["core.posix/release-tag"]],
  ["list the files here", undefined, []],
  ["", undefined, []],
];

Deno.test("matchRecipes suggests the recipes whose triggers match", async (t) => {
  for (const [prompt, files, expected] of ROWS) {
    await t.step(
      `${JSON.stringify(prompt)} with ${files ? files.join(",") : "no file check"}`,
      () => {
        const hits = matchRecipes(prompt, CANDIDATES, { files });
        deepStrictEqual(hits.map((h) => h.id), expected);
        for (const h of hits) equal(h.run, `caro recipe run ${h.id}`);
      },
    );
  }
  await t.step("reasons say what matched, the best match first", () => {
    const [hit] = matchRecipes("backup and archive this folder", CANDIDATES);
    deepStrictEqual(hit.reasons.slice(0, 2), ["keyword backup", "keyword archive"]);
  });
});

Deno.test("suggestFromIndex matches the index's summaries, or asks for a parse", async (t) => {
  const backup = {
    id: "backup-dir",
    name: "Back up a directory",
    description: "tar it",
    triggers: { keywords: ["backup"], intent: [], context: { has_files: [] } },
  };
  const entry = (id: string, enabled = true, withSummaries = true) => ({
    id,
    enabled,
    provides: { recipes: true },
    ...(withSummaries ? { recipes: [backup] } : {}),
  });
  const cwd = await Deno.makeTempDir();
  try {
    await t.step("an enabled skill's summary matches", async () => {
      const hits = await suggestFromIndex([entry("core.posix")], "make a backup", { cwd });
      deepStrictEqual(hits?.map((h) => h.id), ["core.posix/backup-dir"]);
    });
    await t.step("disabled and filtered-out skills are left out", async () => {
      const hits = await suggestFromIndex(
        [entry("core.posix", false), entry("tool.x")],
        "make a backup",
        { cwd, filter: (id) => id !== "tool.x" },
      );
      deepStrictEqual(hits, []);
    });
    await t.step("an entry written before summaries means: parse the recipes", async () => {
      equal(await suggestFromIndex([entry("core.posix", true, false)], "backup", { cwd }), null);
    });
  } finally {
    await Deno.remove(cwd);
  }
});
