import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import type { SkillStore } from "./store.ts";
// Setting up installed skills takes the operations above the store (a test may).
import { installSkill, openStore, setSkillEnabled, verifySkills } from "../ops/mod.ts";
import { SkillIndexSchema } from "./index.ts";
import { SkillError } from "../errors/mod.ts";
import { commitChange, recoverJournal } from "./_state.ts";

async function skillFolder(parent: string, name: string, body = "Be brief."): Promise<string> {
  const dir = `${parent}/${name}`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/SKILL.md`,
    `---\nname: ${name}\ndescription: About ${name}\n---\n${body}\n`,
  );
  return dir;
}

async function withStore(
  fn: (store: SkillStore, root: string, warnings: string[]) => Promise<void>,
) {
  const root = await Deno.makeTempDir();
  const warnings: string[] = [];
  try {
    const store = await openStore(`${root}/home`, { warn: (m) => warnings.push(m) });
    await fn(store, root, warnings);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const installedIds = async (store: SkillStore) =>
  (await store.list()).filter((s) => !s.bundled).map((s) => s.id);

Deno.test("skills.json is derived and repaired from skills/ and the lock", async (t) => {
  await withStore(async (store, root, warnings) => {
    await installSkill(store, await skillFolder(root, "alpha"));
    await installSkill(store, await skillFolder(root, "beta"));
    const home = store.home;

    await t.step("the index validates against its zod schema", async () => {
      const index = SkillIndexSchema.parse(JSON.parse(await Deno.readTextFile(home.indexFile)));
      const alpha = index.skills.find((s) => s.id === "custom.alpha")!;
      equal(alpha.contextFile, "SKILL.md");
      equal(alpha.description, "About alpha");
      ok(alpha.integrity?.startsWith("sha256:"));
    });

    await t.step("a deleted index is rebuilt, unknown keys of the old one kept", async () => {
      const data = JSON.parse(await Deno.readTextFile(home.indexFile));
      data.future = { kept: true };
      data.skills[0].futureEntryKey = 1;
      data.bundledFingerprint = "changed";
      await Deno.writeTextFile(home.indexFile, JSON.stringify(data));
      deepStrictEqual(await installedIds(store), ["custom.alpha", "custom.beta"]);
      const again = JSON.parse(await Deno.readTextFile(home.indexFile));
      deepStrictEqual(again.future, { kept: true });
      equal(again.skills.find((s: { id: string }) => s.id === data.skills[0].id).futureEntryKey, 1);
      await Deno.remove(home.indexFile);
      deepStrictEqual(await installedIds(store), ["custom.alpha", "custom.beta"]);
    });

    await t.step("a folder deleted by hand is forgotten, its choices retained", async () => {
      await Deno.remove(home.skillDir("custom.beta"), { recursive: true });
      deepStrictEqual(await installedIds(store), ["custom.alpha"]);
      ok(warnings.some((w) => w.includes("custom.beta is in skills.lock")));
      ok((await Deno.readTextFile(home.lockFile)).includes('[[retained]]\nid = "custom.beta"'));
    });

    await t.step("a folder copied in by hand is adopted disabled, and verify says so", async () => {
      const stray = await skillFolder(root, "gamma");
      await Deno.rename(stray, home.skillDir("custom.gamma"));
      const gamma = (await store.list()).find((s) => s.id === "custom.gamma");
      equal(gamma?.enabled, false);
      // Nothing vouches for its content (issue 14, case 4): verify must not pass it.
      const report = await verifySkills(store);
      equal(report.ok, false);
      const flagged = report.skills.filter((s) => !s.ok).map((s) => s.id);
      deepStrictEqual(flagged, ["custom.gamma"]);
    });

    await t.step("an unknown id names the nearest", async () => {
      await rejects(
        store.info("custom.alpah"),
        (e: unknown) =>
          e instanceof SkillError && e.code === "not_found" &&
          e.hints.some((h) => h.run === "caro skill info custom.alpha"),
      );
    });
  });
});

Deno.test("the journal replays a committed change and undoes an unfinished one", async (t) => {
  await withStore(async (store, root) => {
    const home = store.home;
    await installSkill(store, await skillFolder(root, "alpha", "version one"));
    const before = {
      lock: await Deno.readTextFile(home.lockFile),
      index: await Deno.readTextFile(home.indexFile),
    };

    await t.step("killed after moving the old folder aside: the old one comes back", async () => {
      const staged = `${home.stagingDir}/999999-x/alpha`;
      await Deno.mkdir(staged, { recursive: true });
      await Deno.writeTextFile(`${staged}/SKILL.md`, "new");
      const aside = `${home.trashDir}/custom.alpha-aside`;
      await Deno.writeTextFile(
        home.journalFile,
        JSON.stringify({
          op: "install",
          id: "custom.alpha",
          staged,
          aside,
          lockText: "x",
          indexText: "y",
        }),
      );
      await Deno.rename(home.skillDir("custom.alpha"), aside);
      equal(await recoverJournal(home), "undone");
      equal(await Deno.readTextFile(home.lockFile), before.lock);
      ok(
        (await Deno.readTextFile(`${home.skillDir("custom.alpha")}/SKILL.md`)).includes(
          "version one",
        ),
      );
      equal((await verifySkills(store)).ok, true);
    });

    await t.step("killed after the rename: the new state files are written", async () => {
      await commitChange(home, {
        op: "update",
        lockText: before.lock.replace("enabled = true", "enabled = false"),
        indexText: before.index,
      });
      await Deno.writeTextFile(
        home.journalFile,
        JSON.stringify({ op: "update", lockText: before.lock, indexText: before.index }),
      );
      equal(await recoverJournal(home), "replayed");
      equal(await Deno.readTextFile(home.lockFile), before.lock);
    });

    await t.step("a write that changes nothing is skipped", async () => {
      const mtime = (await Deno.stat(home.indexFile)).mtime;
      await setSkillEnabled(store, "custom.alpha", true);
      deepStrictEqual((await Deno.stat(home.indexFile)).mtime, mtime);
    });
  });
});
