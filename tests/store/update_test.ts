/**
 * `caro skill update` through the real CLI: a failing update leaves the old version
 * installed and locked, archives update by re-download and digest, and SIGKILL at any
 * moment of an update leaves the old (or the whole new) version working.
 */
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { packTar } from "modern-tar";
import { caroCommand, runCaro } from "../support/cli.ts";
import { git } from "../support/git_repo.ts";
import { startGitServer } from "../support/git_server.ts";
import { startFileServer } from "../support/file_server.ts";
import { namesIn } from "./_fixtures.ts";
import { createValidSkillRepo, skillToml, writeFiles } from "../sources/_skill_repos.ts";

/** What an interrupted command may leave before the next one cleans up. */
async function leftovers(home: string): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ["staging", "trash"]) {
    for (const name of await namesIn(`${home}/${dir}`)) found.push(`${dir}/${name}`);
  }
  for (const name of await namesIn(home)) {
    if (name.endsWith(".tmp") || name === "journal.json") found.push(name);
  }
  return found;
}

async function versionOf(home: string, id: string): Promise<string> {
  const list = await runCaro(["skill", "list", "--format", "json"], { home });
  equal(list.code, 0, list.stderr);
  const skills = (JSON.parse(list.stdout) as { skills: Array<{ id: string; version: string }> })
    .skills;
  return skills.find((s) => s.id === id)?.version ?? "(missing)";
}

async function tgzOf(version: string, extra: Record<string, string> = {}): Promise<Uint8Array> {
  const files: Record<string, string> = {
    "skill.toml": skillToml("tool.packed", version),
    "knowledge/prompts/context.md": `# Packed ${version}\n`,
    ...extra,
  };
  const tar = await packTar(
    Object.entries(files).map(([name, text]) => ({
      header: { name: `packed/${name}`, size: new TextEncoder().encode(text).length },
      body: text,
    })),
  );
  return await new Response(
    new Blob([tar as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
      new CompressionStream("gzip"),
    ),
  ).bytes();
}

Deno.test("a failing update leaves the old version installed and locked", async () => {
  const root = await Deno.makeTempDir({ prefix: "caro-update-" });
  const repo = await createValidSkillRepo(`${root}/repos`, "skill.git");
  // v1.2.0 is not a valid skill: its version is not semver.
  await writeFiles(repo.work, { "skill.toml": skillToml("tool.demo", "1.2") });
  await git(repo.work, "commit", "-q", "-am", "broken release");
  await git(repo.work, "tag", "v1.2.0");
  await git(repo.work, "push", "-q", repo.bare, "main", "refs/tags/v1.2.0");
  const server = await startGitServer(`${root}/repos`);
  const home = `${root}/home`;
  try {
    const add = await runCaro(["skill", "add", `git+${server.url}/skill.git#v1.1.0`], { home });
    equal(add.code, 0, add.stderr);
    const lock = await Deno.readTextFile(`${home}/skills.lock`);
    const r = await runCaro(["skill", "update", "tool.demo"], { home });
    equal(r.code, 5, r.stderr);
    match(r.stderr, /not a valid skill/);
    equal(await Deno.readTextFile(`${home}/skills.lock`), lock);
    equal(await versionOf(home, "tool.demo"), "1.1.0");
    equal((await runCaro(["skill", "verify"], { home })).code, 0);
    deepStrictEqual(await leftovers(home), []);
    // Without an id, the failure is reported per skill and the exit code says so.
    const all = await runCaro(["skill", "update", "--format", "json"], { home });
    equal(all.code, 5, all.stderr);
    equal(JSON.parse(all.stdout).skills[0].status, "failed");
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("an archive updates by re-download and digest", async () => {
  const server = await startFileServer({ "/packed.tgz": await tgzOf("1.0.0") });
  const root = await Deno.makeTempDir({ prefix: "caro-update-" });
  const home = `${root}/home`;
  try {
    equal((await runCaro(["skill", "add", `${server.url}/packed.tgz`], { home })).code, 0);
    const same = await runCaro(["skill", "update", "--check"], { home });
    match(same.stdout, /tool\.packed 1\.0\.0 is up to date/);
    server.setRoute("/packed.tgz", await tgzOf("1.0.1", { "knowledge/more.md": "# More\n" }));
    const check = await runCaro(["skill", "update", "--check", "--format", "json"], { home });
    equal(check.code, 0, check.stderr);
    const packed = JSON.parse(check.stdout).skills[0];
    equal(packed.status, "available");
    equal(packed.toVersion, "1.0.1");
    deepStrictEqual(packed.files.added, ["knowledge/more.md"]);
    equal(await versionOf(home, "tool.packed"), "1.0.0");
    const u = await runCaro(["skill", "update"], { home });
    equal(u.code, 0, u.stderr);
    equal(await versionOf(home, "tool.packed"), "1.0.1");
    const lock = await Deno.readTextFile(`${home}/skills.lock`);
    const digest = JSON.parse(check.stdout).skills[0].newSource.split("#sha256=")[1];
    ok(lock.includes(`#sha256=${digest}"`), lock);
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("SIGKILL at any moment of caro skill update leaves a working version", async () => {
  const KILLS = 16;
  const root = await Deno.makeTempDir({ prefix: "caro-update-kill-" });
  // Many files widen the window in which the update works on disk.
  await createValidSkillRepo(`${root}/repos`, "skill.git", 250);
  const server = await startGitServer(`${root}/repos`);
  const spec = `git+${server.url}/skill.git#v1.0.0`;
  const home = `${root}/home`;
  try {
    equal((await runCaro(["skill", "add", spec], { home })).code, 0);
    // Calibrate: one whole update, then back to v1.0.0.
    const started = performance.now();
    const calibration = await runCaro(["skill", "update", "tool.demo"], { home });
    equal(calibration.code, 0, calibration.stderr);
    const total = performance.now() - started;
    const seen = { completed: 0, old: 0, new: 0 };
    for (let i = 0; i < KILLS; i++) {
      const reset = await runCaro(["skill", "add", spec, "--force"], { home });
      equal(reset.code, 0, `reset ${i}: ${reset.stderr}`);
      equal(await versionOf(home, "tool.demo"), "1.0.0");
      const child = caroCommand(["skill", "update", "tool.demo"], { home }).spawn();
      child.stdin.close();
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch (error) {
          // It finished first.
          if (!(error instanceof TypeError)) throw error;
        }
      }, (total * 1.1 * (i + 1)) / KILLS);
      const { code } = await child.output();
      clearTimeout(timer);
      if (code === 0) seen.completed++;

      const verify = await runCaro(["skill", "verify", "--format", "json"], { home });
      equal(verify.code, 0, `kill ${i}: ${verify.stderr}`);
      deepStrictEqual(await leftovers(home), [], `kill ${i}: leftovers after verify`);
      const version = await versionOf(home, "tool.demo");
      ok(version === "1.0.0" || version === "1.1.0", `kill ${i}: version ${version}`);
      if (version === "1.0.0") seen.old++;
      else seen.new++;
      // The lock agrees with the folder: one entry, of the version the folder holds.
      const lock = await Deno.readTextFile(`${home}/skills.lock`);
      equal(lock.split('id = "tool.demo"').length - 1, 1, lock);
      ok(lock.includes(`version = "${version}"`), lock);
      // The skill works: its context is there.
      const context = await Deno.readTextFile(
        `${home}/skills/tool.demo/knowledge/prompts/context.md`,
      );
      match(context, new RegExp(`# Demo ${version.replace(/\./g, "\\.")}`));
    }
    console.log(
      `update ${total.toFixed(0)} ms; ${KILLS} kills: ${seen.completed} finished first, ` +
        `${seen.old} left the old version, ${seen.new} the new one`,
    );
    ok(seen.old > 0, "no kill landed before the commit");
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
});
