/**
 * `caro skill add` and `caro skill update` of git sources through the real CLI and a real
 * `git http-backend` on 127.0.0.1: tags locked by commit, subfolders, `update --check` within
 * the major (and across it with --major), updates applied, branches followed, a moved tag
 * refused against the lock, offline reinstall from the clone cache, private repositories with
 * a token named in config.toml.
 */
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";
import { startGitServer } from "../support/git_server.ts";
import { namesIn } from "../store/_fixtures.ts";
import { advanceBranch, createValidSkillRepo, moveTagWithChange } from "./_skill_repos.ts";

interface UpdateJson {
  checked: boolean;
  skills: Array<{
    id: string;
    status: string;
    fromVersion: string;
    toVersion?: string;
    from?: string;
    to?: string;
    newSource?: string;
    files?: { added: string[]; removed: string[]; changed: string[] };
    newCapabilities: string[];
  }>;
}

async function lockOf(home: string): Promise<string> {
  return await Deno.readTextFile(`${home}/skills.lock`);
}

Deno.test("git sources: add locks the commit, update --check, update, subfolders, branches", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "caro-git-" });
  const repo = await createValidSkillRepo(`${root}/repos`, "skill.git");
  const server = await startGitServer(`${root}/repos`);
  const url = `${server.url}/skill.git`;
  const home = `${root}/home`;
  try {
    await t.step("add git+http://…#v1.0.0 installs and locks the tag's commit", async () => {
      const r = await runCaro(["skill", "add", `git+${url}#v1.0.0`], { home });
      equal(r.code, 0, r.stderr);
      match(r.stdout, /Installed tool\.demo 1\.0\.0/);
      const lock = await lockOf(home);
      ok(lock.includes(`source = "git+${url}?tag=v1.0.0#${repo.commits["v1.0.0"]}"`), lock);
      deepStrictEqual(await namesIn(`${home}/staging`), []);
    });

    await t.step("update --check lists v1.1.0 and changes nothing", async () => {
      const before = await lockOf(home);
      const r = await runCaro(["skill", "update", "--check", "--format", "json"], { home });
      equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as UpdateJson;
      const demo = report.skills.find((s) => s.id === "tool.demo")!;
      equal(demo.status, "available");
      equal(demo.to, "v1.1.0");
      equal(demo.toVersion, "1.1.0");
      deepStrictEqual(demo.files?.added, ["knowledge/concepts/new.md"]);
      ok(demo.files?.changed.includes("skill.toml"));
      deepStrictEqual(demo.newCapabilities, []);
      equal(await lockOf(home), before);
      const text = await runCaro(["skill", "update", "--check"], { home });
      match(text.stdout, /tool\.demo 1\.0\.0 -> 1\.1\.0 available/);
      match(text.stdout, /\+ knowledge\/concepts\/new\.md/);
    });

    await t.step("update --check --major lists v2.0.0 and its new capability", async () => {
      const r = await runCaro(["skill", "update", "--check", "--major", "--format", "json"], {
        home,
      });
      equal(r.code, 0, r.stderr);
      const demo = (JSON.parse(r.stdout) as UpdateJson).skills[0];
      equal(demo.to, "v2.0.0");
      deepStrictEqual(demo.newCapabilities, ["network"]);
    });

    await t.step("a plain add of a newer tag is refused: only update may change it", async () => {
      const r = await runCaro(["skill", "add", `git+${url}#v1.1.0`], { home });
      equal(r.code, 2, r.stderr);
      match(r.stderr, /caro skill update tool\.demo/);
    });

    await t.step("update applies v1.1.0 and locks its commit", async () => {
      const r = await runCaro(["skill", "update", "tool.demo"], { home });
      equal(r.code, 0, r.stderr);
      match(r.stdout, /updated 1\.0\.0 -> 1\.1\.0/);
      const lock = await lockOf(home);
      ok(lock.includes(`?tag=v1.1.0#${repo.commits["v1.1.0"]}"`), lock);
      ok(lock.includes('version = "1.1.0"'), lock);
      equal((await runCaro(["skill", "verify"], { home })).code, 0);
      const again = await runCaro(["skill", "update", "--check"], { home });
      match(again.stdout, /tool\.demo 1\.1\.0 is up to date/);
      deepStrictEqual(await namesIn(`${home}/staging`), []);
    });

    await t.step(
      "update --major without a terminal installs v2.0.0, new capability not granted",
      async () => {
        const other = `${root}/home-major`;
        equal((await runCaro(["skill", "add", `git+${url}#v1.1.0`], { home: other })).code, 0);
        const r = await runCaro(["skill", "update", "--major", "--format", "json"], {
          home: other,
        });
        equal(r.code, 0, r.stderr);
        const demo = (JSON.parse(r.stdout) as UpdateJson).skills[0];
        equal(demo.status, "updated");
        deepStrictEqual(demo.newCapabilities, ["network"]);
        match(r.stderr, /Not granted: network/);
        const lock = await lockOf(other);
        ok(lock.includes(`?tag=v2.0.0#${repo.commits["v2.0.0"]}"`), lock);
        ok(lock.includes("network = []"), lock);
      },
    );

    await t.step("a skill in a subfolder: #ref:subdir and --git --ref --subdir", async () => {
      const r = await runCaro(["skill", "add", `git+${url}#v1.0.0:skills/alpha`], { home });
      equal(r.code, 0, r.stderr);
      match(r.stdout, /Installed tool\.alpha 1\.0\.0/);
      ok((await lockOf(home)).includes(`#${repo.commits["v1.0.0"]}:skills/alpha"`));
      const other = `${root}/home-flags`;
      const f = await runCaro(
        ["skill", "add", "--git", url, "--ref", "v1.1.0", "--subdir", "skills/alpha"],
        { home: other },
      );
      equal(f.code, 0, f.stderr);
      match(f.stdout, /Installed tool\.alpha 1\.1\.0/);
      const missing = await runCaro(["skill", "add", `git+${url}#v1.0.0:skills/none`], {
        home: other,
      });
      equal(missing.code, 1, missing.stderr);
    });

    await t.step("a branch follows its head", async () => {
      const branchHome = `${root}/home-branch`;
      const r = await runCaro(["skill", "add", `git+${url}#dev`], { home: branchHome });
      equal(r.code, 0, r.stderr);
      ok((await lockOf(branchHome)).includes(`?branch=dev#${repo.commits.dev}"`));
      const head = await advanceBranch(repo, "dev");
      const check = await runCaro(["skill", "update", "--check", "--format", "json"], {
        home: branchHome,
      });
      const demo = (JSON.parse(check.stdout) as UpdateJson).skills[0];
      equal(demo.status, "available");
      equal(demo.to, `dev@${head.slice(0, 12)}`);
      deepStrictEqual(demo.files?.added, ["knowledge/concepts/later.md"]);
      const u = await runCaro(["skill", "update", "--yes"], { home: branchHome });
      equal(u.code, 0, u.stderr);
      ok((await lockOf(branchHome)).includes(`?branch=dev#${head}"`));
    });
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a moved tag is refused against the lock; offline reinstall from the clone cache", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "caro-git-" });
  const repo = await createValidSkillRepo(`${root}/repos`, "skill.git");
  const server = await startGitServer(`${root}/repos`);
  const url = `${server.url}/skill.git`;
  const home = `${root}/home`;
  try {
    equal((await runCaro(["skill", "add", `git+${url}#v1.0.0`], { home })).code, 0);

    await t.step("the tag moved to other content: add is refused with exit 2", async () => {
      const before = await lockOf(home);
      const moved = await moveTagWithChange(repo, "v1.0.0");
      const r = await runCaro(["skill", "add", `git+${url}#v1.0.0`], { home });
      equal(r.code, 2, r.stderr);
      match(r.stderr, /locked with different content/);
      equal(await lockOf(home), before);
      ok(!before.includes(moved));
      deepStrictEqual(await namesIn(`${home}/staging`), []);
    });

    await t.step("offline: the locked spec reinstalls from the cache", async () => {
      await server.close();
      const same = await runCaro(["skill", "add", `git+${url}#v1.0.0`], { home });
      equal(same.code, 0, same.stderr);
      const forced = await runCaro(["skill", "add", `git+${url}#v1.0.0`, "--force"], { home });
      equal(forced.code, 0, forced.stderr);
      match(forced.stdout, /\(from cache\)/);
      ok((await lockOf(home)).includes(`#${repo.commits["v1.0.0"]}"`));
      equal((await runCaro(["skill", "verify"], { home })).code, 0);
      // A ref that was never locked cannot come from the cache.
      const other = await runCaro(["skill", "add", `git+${url}#v1.1.0`], { home });
      equal(other.code, 4, other.stderr);
    });
  } finally {
    await server.close().catch((e) => e);
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a private repository: the token comes from the variable config.toml names, and is stored nowhere", async () => {
  const root = await Deno.makeTempDir({ prefix: "caro-git-" });
  await createValidSkillRepo(`${root}/repos`, "private.git");
  const token = "s3cret-token-4711";
  const server = await startGitServer(`${root}/repos`, { password: token });
  const home = `${root}/home`;
  try {
    const spec = `git+${server.url}/private.git#v1.0.0`;
    const denied = await runCaro(["skill", "add", spec], { home });
    ok(denied.code !== 0, denied.stdout);
    await Deno.writeTextFile(
      `${home}/config.toml`,
      `[sources.hosts."127.0.0.1:${new URL(server.url).port}"]\ngit_token_env = "SKILLS_TOKEN"\n`,
    );
    const r = await runCaro(["skill", "add", spec], { home, env: { SKILLS_TOKEN: token } });
    equal(r.code, 0, r.stderr);
    ok(!r.stdout.includes(token) && !r.stderr.includes(token));
    // Never written to disk: not in the lock, the index, the audit log or the clone cache.
    const grep = await new Deno.Command("grep", { args: ["-rl", token, home] }).output();
    equal(new TextDecoder().decode(grep.stdout), "");
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
});
