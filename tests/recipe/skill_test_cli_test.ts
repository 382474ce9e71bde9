import { equal, match, ok } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";

const POSIX = new URL("../../skills/core.posix", import.meta.url).pathname;

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

Deno.test("caro skill test runs the recipe tests with mocked commands", async (t) => {
  const root = await Deno.makeTempDir();
  try {
    await t.step(
      "the bundled core.posix passes, ending with N tests passed, N failed",
      async () => {
        const r = await runCaro(["skill", "test", POSIX], { home: `${root}/home` });
        equal(r.code, 0, r.stdout + r.stderr);
        match(
          r.stdout,
          /^✓ recipe: backup with an unreadable archive is rolled back \(backup-dir: failed\)$/m,
        );
        match(r.stdout, /^✓ recipe: release tag whose push fails deletes the local tag/m);
        match(r.stdout, /^\d+ tests passed, 0 failed\n$/m);
      },
    );

    await t.step("a deliberately wrong mock fails the test and names the command", async () => {
      const copy = `${root}/core.posix`;
      await copyTree(POSIX, copy);
      // A copy outside caro may not use the reserved core namespace.
      const toml = `${copy}/skill.toml`;
      await Deno.writeTextFile(
        toml,
        (await Deno.readTextFile(toml)).replace('id = "core.posix"', 'id = "custom.posix"'),
      );
      const file = `${copy}/tests/recipe_test.yaml`;
      const text = await Deno.readTextFile(file);
      const wrong = text.replace(
        `- { command: "tar -caf '/backups'/'backup'.tar.'gz' -C '/home/me/photos' .", exit_code: 0 }`,
        `- { command: "tar -czf *", exit_code: 0 }`,
      );
      ok(wrong !== text, "the mock to break is in the file");
      await Deno.writeTextFile(file, wrong);
      const r = await runCaro(["skill", "test", copy, "--filter", "backup creates"], {
        home: `${root}/home`,
      });
      equal(r.code, 5, r.stdout + r.stderr);
      match(r.stdout, /^✗ recipe: backup creates and reads back the archive/m);
      match(
        r.stdout,
        /no mock matches the command: tar -caf '\/backups'\/'backup'\.tar\.'gz' -C '\/home\/me\/photos' \./,
      );
      match(r.stdout, /^0 tests passed, 1 failed$/m);
      match(r.stderr, /1 skill test\(s\) failed/);
    });

    await t.step(
      "a recipe command outside the skill's requested capabilities fails its test",
      async () => {
        const copy = `${root}/core.posix`;
        const toml = `${copy}/skill.toml`;
        await Deno.writeTextFile(
          toml,
          (await Deno.readTextFile(toml)).replace('"tar", "rm", ', '"rm", '),
        );
        const r = await runCaro(["skill", "test", copy, "--filter", "disk usage report"], {
          home: `${root}/home`,
        });
        equal(r.code, 0, "disk-usage runs no tar");
        const tar = await runCaro(["skill", "test", copy, "--filter", "unreadable"], {
          home: `${root}/home`,
        });
        equal(tar.code, 5);
        match(tar.stdout, /tar is not in the allowed commands/);
      },
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
