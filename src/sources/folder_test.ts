import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { SkillError } from "../errors/mod.ts";
import { treeHash } from "../tree/mod.ts";
import { FolderSource } from "./folder.ts";

const SKILL_MD = "---\nname: notes\ndescription: Notes\n---\n";

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await listFiles(dir, path));
    else out.push(`${path}${entry.isSymlink ? "@" : ""}`);
  }
  return out.sort();
}

Deno.test("FolderSource copies the folder's files into staging under its own name", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/notes/knowledge`, { recursive: true });
    await Deno.mkdir(`${root}/notes/.git`);
    await Deno.writeTextFile(`${root}/notes/SKILL.md`, SKILL_MD);
    await Deno.writeTextFile(`${root}/notes/knowledge/a.md`, "a");
    await Deno.writeTextFile(`${root}/notes/.git/HEAD`, "ref: refs/heads/main\n");
    await Deno.symlink("knowledge/a.md", `${root}/notes/inside`);
    await Deno.mkdir(`${root}/staging`);
    const fetched = await new FolderSource().fetch(
      { kind: "folder", path: `${root}/notes` },
      { staging: `${root}/staging`, cacheDir: `${root}/cache` },
    );
    equal(fetched.dir, `${root}/staging/notes`);
    equal(fetched.resolved, `file://${await Deno.realPath(`${root}/notes`)}`);
    equal(fetched.fromCache, true);
    // A link staying inside becomes a plain file; .git/ is left out.
    deepStrictEqual(await listFiles(fetched.dir), ["SKILL.md", "inside", "knowledge/a.md"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("FolderSource refuses what a skill folder may not be or hold", async (t) => {
  const root = await Deno.makeTempDir();
  const rows: Array<{
    why: string;
    make: (dir: string) => Promise<void>;
    code: string;
    message: (dir: string) => RegExp;
  }> = [
    {
      why: "nothing at the path: there is no skill to install",
      make: async () => {},
      code: "not_found",
      message: (dir) => new RegExp(`^No skill folder at ${dir}$`),
    },
    {
      why: "a file, not a folder: a skill is a folder",
      make: (dir) => Deno.writeTextFile(dir, SKILL_MD),
      code: "not_found",
      message: (dir) => new RegExp(`^No skill folder at ${dir}$`),
    },
    {
      why: "a link leaving the folder would install a file from anywhere",
      make: async (dir) => {
        await Deno.mkdir(dir);
        await Deno.writeTextFile(`${dir}/SKILL.md`, SKILL_MD);
        await Deno.symlink("/etc/passwd", `${dir}/passwd`);
      },
      code: "validation",
      message: () => /: it has files a skill may not hold$/,
    },
    {
      why: "a fifo blocks whoever reads it",
      make: async (dir) => {
        await Deno.mkdir(dir);
        await Deno.writeTextFile(`${dir}/SKILL.md`, SKILL_MD);
        const mkfifo = await new Deno.Command("mkfifo", { args: [`${dir}/pipe`] }).output();
        ok(mkfifo.success, "mkfifo");
      },
      code: "validation",
      message: () => /: it has files a skill may not hold$/,
    },
  ];
  try {
    for (const [i, row] of rows.entries()) {
      await t.step(row.why, async () => {
        const dir = `${root}/case${i}`;
        const staging = `${root}/staging${i}`;
        await row.make(dir);
        await Deno.mkdir(staging);
        const error = await new FolderSource()
          .fetch({ kind: "folder", path: dir }, { staging, cacheDir: `${root}/cache` })
          .catch((e) => e);
        ok(error instanceof SkillError, `${error}`);
        equal(error.code, row.code);
        match(error.message, row.message(dir));
        deepStrictEqual(await listFiles(staging), [], "nothing copied");
      });
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("FolderSource.checkUpdate compares the folder with the locked integrity", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/notes`);
    await Deno.writeTextFile(`${root}/notes/SKILL.md`, SKILL_MD);
    const source = new FolderSource();
    const locked = { source: `file://${root}/notes`, integrity: "" };
    locked.integrity = (await treeHash(`${root}/notes`)).integrity;
    equal(await source.checkUpdate(locked), null, "unchanged");
    await Deno.writeTextFile(`${root}/notes/SKILL.md`, SKILL_MD.replace("Notes", "More"));
    const candidate = await source.checkUpdate(locked);
    const now = (await treeHash(`${root}/notes`)).integrity;
    deepStrictEqual(candidate, {
      spec: { kind: "folder", path: `${root}/notes` },
      from: locked.integrity.slice(0, 19),
      to: now.slice(0, 19),
    });
    equal(await source.checkUpdate({ source: "git+https://h.test/s.git#v1", integrity: "" }), null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
