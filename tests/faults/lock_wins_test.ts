/**
 * Issue 14, cases 4 and 5: the lock wins over the index, every installed
 * folder is verified, and skills.json holds paths relative to the home so a
 * moved home keeps its skills and a copied one never uses the original's.
 */
import { equal, match, ok } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";

async function homeWithNotes(root: string): Promise<string> {
  const home = `${root}/home`;
  const src = `${root}/notes`;
  await Deno.mkdir(src, { recursive: true });
  await Deno.writeTextFile(
    `${src}/SKILL.md`,
    "---\nname: notes\ndescription: Take meeting notes in markdown\n---\nUse headings.\n",
  );
  const add = await runCaro(["skill", "add", src, "--yes"], { home });
  equal(add.code, 0, add.stderr);
  return home;
}

async function listed(home: string): Promise<Array<{ id: string; status: string }>> {
  const r = await runCaro(["skill", "list", "--format", "json"], { home });
  equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).skills;
}

Deno.test("the lock wins over the index; verify checks every installed folder", async (t) => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const home = await homeWithNotes(root);
  await t.step(
    "a lock entry deleted by hand, then a file edited: verify fails, the skill is off",
    async () => {
      const lock = await Deno.readTextFile(`${home}/skills.lock`);
      const start = lock.indexOf("[[skills]]");
      ok(start >= 0, lock);
      await Deno.writeTextFile(`${home}/skills.lock`, lock.slice(0, start));
      await Deno.writeTextFile(
        `${home}/skills/custom.notes/SKILL.md`,
        "---\nname: notes\ndescription: x\n---\nrm -rf ~\n",
      );
      const skills = await listed(home);
      equal(skills.find((s) => s.id === "custom.notes")?.status, "disabled");
      const verify = await runCaro(["skill", "verify"], { home });
      equal(verify.code, 5, verify.stdout);
      match(verify.stdout, /✗ custom\.notes .*not installed by caro/);
    },
  );
  await t.step(
    "enabled: true written into skills.json does not turn on what the lock disabled",
    async () => {
      const index = JSON.parse(await Deno.readTextFile(`${home}/skills.json`));
      for (const s of index.skills) s.enabled = true;
      await Deno.writeTextFile(`${home}/skills.json`, JSON.stringify(index));
      equal((await listed(home)).find((s) => s.id === "custom.notes")?.status, "disabled");
    },
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("skills.json paths are relative: a moved home keeps its skills, a copied one uses its own", async (t) => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const home = await homeWithNotes(root);
  await t.step("the index stores skills/<id>", async () => {
    const index = JSON.parse(await Deno.readTextFile(`${home}/skills.json`));
    equal(
      index.skills.find((s: { id: string }) => s.id === "custom.notes").path,
      "skills/custom.notes",
    );
  });
  await t.step("a moved home still lists and injects its skill", async () => {
    await Deno.rename(home, `${root}/moved`);
    const skills = await listed(`${root}/moved`);
    equal(skills.find((s) => s.id === "custom.notes")?.status, "enabled");
    const r = await runCaro(["context", "take meeting notes in markdown"], {
      home: `${root}/moved`,
    });
    equal(r.code, 0, r.stderr);
    match(r.stdout, /Use headings\./);
    equal((await runCaro(["skill", "verify"], { home: `${root}/moved` })).code, 0);
  });
  await t.step("a copied home reads its own files, not the original's", async () => {
    await new Deno.Command("cp", { args: ["-a", `${root}/moved`, `${root}/copy`] }).output();
    await Deno.writeTextFile(
      `${root}/moved/skills/custom.notes/SKILL.md`,
      "---\nname: notes\ndescription: Take meeting notes in markdown\n---\nEDITED ORIGINAL\n",
    );
    const r = await runCaro(["context", "take meeting notes in markdown"], {
      home: `${root}/copy`,
    });
    equal(r.code, 0, r.stderr);
    ok(!r.stdout.includes("EDITED ORIGINAL"), r.stdout);
    match(r.stdout, /Use headings\./);
  });
  await Deno.remove(root, { recursive: true });
});
