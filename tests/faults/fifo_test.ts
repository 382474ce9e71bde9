/**
 * Issue 14, case 8: a FIFO planted in an installed skill (or in the context
 * caches) must not hang `caro context`: only regular files are ever opened.
 */
import { equal, match, ok } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";

Deno.test("a FIFO planted in an installed tree or a cache never hangs caro context", async (t) => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const home = `${root}/home`;
  const src = `${root}/notes`;
  await Deno.mkdir(`${src}/references`, { recursive: true });
  await Deno.writeTextFile(
    `${src}/SKILL.md`,
    "---\nname: notes\ndescription: Take meeting notes in markdown\n---\nUse headings.\n",
  );
  await Deno.writeTextFile(`${src}/references/style.md`, "# Style\nShort lines.\n");
  equal((await runCaro(["skill", "add", src, "--yes"], { home })).code, 0);
  const fifo = (path: string) =>
    new Deno.Command("mkfifo", { args: [path] }).output().then((o) => ok(o.success));

  await t.step(
    "a knowledge file replaced by a FIFO: the skill is skipped, named, at once",
    async () => {
      await Deno.remove(`${home}/skills/custom.notes/references/style.md`);
      await fifo(`${home}/skills/custom.notes/references/style.md`);
      const begin = Date.now();
      const r = await runCaro(["context", "take meeting notes in markdown"], { home });
      ok(Date.now() - begin < 15_000, "it hung");
      equal(r.code, 0, r.stderr);
      match(
        r.stderr,
        /Warning: custom\.notes: matched but skipped: Cannot read custom\.notes knowledge file references\/style\.md/,
      );
    },
  );
  await t.step("verify names the skill as changed, without hanging", async () => {
    const r = await runCaro(["skill", "verify"], { home });
    equal(r.code, 5, r.stderr);
    match(r.stdout, /✗ custom\.notes/);
  });
  await t.step("a FIFO where a cache file goes is a cache miss, rebuilt over", async () => {
    await Deno.remove(`${home}/skills/custom.notes/references/style.md`);
    await Deno.writeTextFile(
      `${home}/skills/custom.notes/references/style.md`,
      "# Style\nShort lines.\n",
    );
    const cache = `${home}/cache/context`;
    for await (const entry of Deno.readDir(cache)) await Deno.remove(`${cache}/${entry.name}`);
    equal((await runCaro(["context", "take meeting notes"], { home })).code, 0);
    for await (const entry of Deno.readDir(cache)) {
      await Deno.remove(`${cache}/${entry.name}`);
      await fifo(`${cache}/${entry.name}`);
    }
    const begin = Date.now();
    const r = await runCaro(["context", "take meeting notes"], { home });
    ok(Date.now() - begin < 15_000, "it hung");
    equal(r.code, 0, r.stderr);
  });
  await Deno.remove(root, { recursive: true });
});
