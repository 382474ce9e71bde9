/**
 * The bundled core.posix recipes run for real (real git with a local bare
 * remote, real tar), through the CLI, as a user would with --yes.
 */
import { deepStrictEqual, equal, match } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";
import { exists } from "./_home.ts";

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
};

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd, env: GIT_ENV }).output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

Deno.test("core.posix/release-tag with real git", async (t) => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const home = `${root}/home`;
  const work = `${root}/work`;
  try {
    await git(root, "init", "-q", "--bare", "remote.git");
    await git(root, "init", "-q", "work");
    await git(work, "remote", "add", "origin", `${root}/remote.git`);
    await git(work, "commit", "-q", "--allow-empty", "-m", "first");
    const run = (...args: string[]) =>
      runCaro(["recipe", "run", "release-tag", ...args, "--yes", "--format", "json"], {
        home,
        cwd: work,
        env: GIT_ENV,
      });

    await t.step("tags, pushes, and verifies the tag on the remote", async () => {
      const r = await run("--param", "version=v1.0.0", "--param", "message=First release");
      equal(r.code, 0, r.stderr);
      equal(JSON.parse(r.stdout).status, "success");
      match(await git(root, "--git-dir", "remote.git", "tag", "-n1"), /^v1\.0\.0 +First release$/m);
    });

    await t.step("an existing tag stops it before any step", async () => {
      const r = await run("--param", "version=v1.0.0");
      equal(r.code, 74);
      const result = JSON.parse(r.stdout);
      equal(result.status, "precondition_failed");
      match(result.message, /tag v1\.0\.0 already exists/);
      deepStrictEqual(result.steps, []);
    });

    await t.step("a failing push deletes the new local tag again", async () => {
      const r = await run("--param", "version=v1.1.0", "--param", "remote=nowhere");
      equal(r.code, 74);
      const result = JSON.parse(r.stdout);
      equal(result.status, "failed");
      equal(result.failed_step, "push");
      equal(result.rolled_back, true);
      deepStrictEqual(result.rollback.map((x: { command: string }) => x.command), [
        "git tag -d 'v1.1.0'",
      ]);
      equal((await git(work, "tag", "--list", "v1.1.0")).trim(), "", "the tag was rolled back");
    });

    await t.step("a dirty work tree is refused", async () => {
      await Deno.writeTextFile(`${work}/new.txt`, "x");
      await git(work, "add", "new.txt");
      const r = await run("--param", "version=v1.2.0");
      equal(JSON.parse(r.stdout).status, "precondition_failed");
      match(JSON.parse(r.stdout).message, /uncommitted changes/);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("core.posix/backup-dir with real tar", async (t) => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const home = `${root}/home`;
  try {
    await Deno.mkdir(`${root}/photos/2026`, { recursive: true });
    await Deno.writeTextFile(`${root}/photos/2026/a.jpg`, "jpeg");
    await Deno.mkdir(`${root}/backups`);
    const run = (...args: string[]) =>
      runCaro(["recipe", "run", "backup-dir", ...args, "--yes", "--format", "json"], {
        home,
        cwd: root,
      });

    await t.step("an xz archive that reads back", async () => {
      const r = await run(
        "--param",
        "source=photos",
        "--param",
        "dest=backups",
        "--param",
        "compress=xz",
      );
      equal(r.code, 0, r.stderr);
      equal(JSON.parse(r.stdout).status, "success");
      const list = await new Deno.Command("tar", {
        args: ["-tJf", `${root}/backups/backup.tar.xz`],
      }).output();
      match(new TextDecoder().decode(list.stdout), /\.\/2026\/a\.jpg/);
    });

    await t.step(
      "an archive that exists is never overwritten (nor removed by a rollback)",
      async () => {
        const before = await Deno.readFile(`${root}/backups/backup.tar.xz`);
        const r = await run(
          "--param",
          "source=photos",
          "--param",
          "dest=backups",
          "--param",
          "compress=xz",
        );
        equal(r.code, 74);
        equal(JSON.parse(r.stdout).status, "precondition_failed");
        deepStrictEqual(await Deno.readFile(`${root}/backups/backup.tar.xz`), before);
      },
    );

    await t.step("a missing source names it and runs nothing", async () => {
      const r = await run(
        "--param",
        "source=nope",
        "--param",
        "dest=backups",
        "--param",
        "name=other",
      );
      equal(JSON.parse(r.stdout).message, "nope does not exist");
      equal(await exists(`${root}/backups/other.tar.gz`), false);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
