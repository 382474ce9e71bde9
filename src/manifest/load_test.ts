import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { SkillError } from "../errors/mod.ts";
import { initSkill, type SkillType } from "./scaffold.ts";
import { listSkillFiles, loadSkillFolder, validateSkillFolder } from "./load.ts";

const CORPUS = new URL("../../../shared/corpus/agentskills/", import.meta.url).pathname;

async function tempSkill(
  type: SkillType = "knowledge",
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const parent = await Deno.makeTempDir();
  const dir = `${parent}/custom.demo`;
  await initSkill({ id: "custom.demo", type, dir });
  return { dir, cleanup: () => Deno.remove(parent, { recursive: true }) };
}

Deno.test("init output of every --type validates clean with --strict", async (t) => {
  for (const type of ["knowledge", "recipe", "full"] as const) {
    await t.step(type, async () => {
      const { dir, cleanup } = await tempSkill(type);
      const report = await validateSkillFolder(dir, { strict: true });
      deepStrictEqual(report.diagnostics, []);
      ok(report.ok);
      equal(report.id, "custom.demo");
      await cleanup();
    });
  }
});

interface FolderRow {
  name: string;
  /** Changes the freshly initialised knowledge skill. */
  change: (dir: string) => Promise<void>;
  /** rule, severity, file, line */
  expect: [string, "error" | "warning", string, number | undefined];
}

const FOLDER_ROWS: FolderRow[] = [
  {
    name: "a symlink leaving the folder",
    change: (dir) => Deno.symlink("/etc/passwd", `${dir}/knowledge/passwd.md`),
    expect: ["path-escape", "error", "knowledge/passwd.md", undefined],
  },
  {
    name: "a dangling symlink",
    change: (dir) => Deno.symlink(`${dir}/nowhere`, `${dir}/knowledge/gone.md`),
    expect: ["path-escape", "error", "knowledge/gone.md", undefined],
  },
  {
    name: "a fifo inside the folder",
    change: async (dir) => {
      const made = await new Deno.Command("mkfifo", { args: [`${dir}/knowledge/pipe`] }).output();
      ok(made.success);
    },
    expect: ["special-file", "error", "knowledge/pipe", undefined],
  },
  {
    name: "provides.knowledge without any markdown",
    change: (dir) => Deno.remove(`${dir}/knowledge`, { recursive: true }),
    expect: ["provides-knowledge", "error", "skill.toml", 16],
  },
  {
    name: "knowledge present but not provided",
    change: (dir) => edit(dir, "knowledge = true", "knowledge = false"),
    expect: ["provides-knowledge", "warning", "skill.toml", 16],
  },
  {
    name: "provides.recipes without recipe files",
    change: (dir) => edit(dir, "recipes = false", "recipes = true"),
    expect: ["provides-recipes", "error", "skill.toml", 17],
  },
  {
    name: "recipes present but not provided",
    change: async (dir) => {
      await Deno.mkdir(`${dir}/recipes`);
      await Deno.writeTextFile(`${dir}/recipes/x.yaml`, "id: x\n");
    },
    expect: ["provides-recipes", "warning", "skill.toml", 17],
  },
  {
    name: "executable module that does not exist",
    change: (dir) =>
      edit(dir, "executable = false", 'executable = true\n[executable]\nmodule = "bin/skill.wasm"'),
    expect: ["missing-file", "error", "skill.toml", 20],
  },
  {
    name: "no license",
    change: (dir) => edit(dir, 'license = "MIT"', ""),
    expect: ["license-missing", "warning", "skill.toml", 4],
  },
];

async function edit(dir: string, from: string, to: string): Promise<void> {
  const path = `${dir}/skill.toml`;
  const text = await Deno.readTextFile(path);
  ok(text.includes(from), `skill.toml holds ${from}`);
  await Deno.writeTextFile(path, text.replace(from, to));
}

Deno.test("validateSkillFolder checks the folder against the manifest", async (t) => {
  for (const row of FOLDER_ROWS) {
    await t.step(row.name, async () => {
      const { dir, cleanup } = await tempSkill();
      try {
        await row.change(dir);
        const report = await validateSkillFolder(dir);
        const d = report.diagnostics.find((x) => x.rule === row.expect[0]);
        ok(d, JSON.stringify(report.diagnostics));
        deepStrictEqual([d.rule, d.severity, d.file, d.line], row.expect, JSON.stringify(d));
        equal(report.ok, row.expect[1] === "warning");
        const strict = await validateSkillFolder(dir, { strict: true });
        equal(strict.ok, false, "--strict makes every finding fatal");
      } finally {
        await cleanup();
      }
    });
  }
});

Deno.test("loadSkillFolder throws a validation SkillError naming the finding", async () => {
  const { dir, cleanup } = await tempSkill();
  await edit(dir, 'version = "0.1.0"', 'version = "1.0"');
  await rejects(loadSkillFolder(dir), (error: unknown) => {
    ok(error instanceof SkillError);
    equal(error.code, "validation");
    ok(error.why?.includes('skill.toml:7:11 version "1.0" is not semver'), error.why);
    return true;
  });
  await cleanup();
});

Deno.test("loadSkillFolder reports a missing folder or manifest as not_found", async () => {
  await rejects(
    loadSkillFolder("/nonexistent/skill"),
    (e: unknown) => e instanceof SkillError && e.code === "not_found",
  );
  const empty = await Deno.makeTempDir();
  await rejects(
    loadSkillFolder(empty),
    (e: unknown) =>
      e instanceof SkillError && e.code === "not_found" && e.message.includes("No skill.toml"),
  );
  await Deno.remove(empty);
});

Deno.test("listSkillFiles sorts by bytes and skips .git", async () => {
  const dir = await Deno.makeTempDir();
  for (const f of ["b.md", "B.md", "a/z.md", ".git/HEAD"]) {
    await Deno.mkdir(`${dir}/${f}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.writeTextFile(`${dir}/${f}`, f);
  }
  const { files } = await listSkillFiles(dir);
  deepStrictEqual(files, ["B.md", "a/z.md", "b.md"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("every corpus AgentSkills folder validates as custom.<name>", async (t) => {
  const names = [...Deno.readDirSync(CORPUS)].filter((e) => e.isDirectory).map((e) => e.name);
  ok(names.length >= 8, `corpus at ${CORPUS}`);
  for (const name of names.sort()) {
    await t.step(name, async () => {
      const skill = await loadSkillFolder(`${CORPUS}${name}`);
      equal(skill.manifest.id, `custom.${name}`);
      equal(skill.contextFile, "SKILL.md");
      ok(skill.knowledgeFiles.every((f) => f.endsWith(".md")));
    });
  }
});
