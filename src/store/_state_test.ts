import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { initSkill } from "../manifest/mod.ts";
import { CaroHome } from "./home.ts";
// Setting up installed skills takes the operations above the store (a test may).
import { installSkill, openStore, verifySkills } from "../ops/mod.ts";
import { commitChange, trashPath } from "./_state.ts";
import { exists } from "../tree/mod.ts";

Deno.test("a commit whose rename fails leaves the installed version in place", async () => {
  const root = await Deno.makeTempDir();
  try {
    await initSkill({ id: "custom.keep", dir: `${root}/src` });
    const store = await openStore(`${root}/home`);
    await installSkill(store, `${root}/src`);
    const home = new CaroHome(`${root}/home`);
    const lockBefore = await Deno.readTextFile(home.lockFile);
    // As install leaves it after an error: the staged tree is gone.
    await rejects(
      commitChange(home, {
        op: "install",
        id: "custom.keep",
        staged: `${home.stagingDir}/gone`,
        aside: trashPath(home, "custom.keep"),
        lockText: "version = 1\n",
        indexText: "{}",
      }),
      Deno.errors.NotFound,
    );
    ok(await exists(`${home.skillDir("custom.keep")}/skill.toml`), "the old folder is back");
    ok(!(await exists(home.journalFile)), "no journal for the next command to replay");
    equal(await Deno.readTextFile(home.lockFile), lockBefore);
    const again = await openStore(`${root}/home`);
    deepStrictEqual((await again.list()).filter((s) => !s.bundled).map((s) => s.id), [
      "custom.keep",
    ]);
    ok((await verifySkills(again)).ok, "verify passes");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
