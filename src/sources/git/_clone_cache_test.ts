import { equal, ok } from "node:assert/strict";
import { withCacheRepo } from "./_clone_cache.ts";

const CLONE_CACHE = new URL("./_clone_cache.ts", import.meta.url).href;
const DENO_JSON = new URL("../../../deno.json", import.meta.url).pathname;

Deno.test("one fetch at a time into a cached clone", async (t) => {
  const root = await Deno.makeTempDir();
  const gitdir = `${root}/repo`;
  try {
    await t.step("holders in one process take turns", async () => {
      let inside = 0;
      let most = 0;
      await Promise.all(Array.from({ length: 4 }, () =>
        withCacheRepo(gitdir, async () => {
          most = Math.max(most, ++inside);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inside--;
        })));
      equal(most, 1);
      ok(await Deno.stat(`${gitdir}/config`), "the cache repository was created");
    });

    await t.step("a holder killed with SIGKILL gives the lock up at once", async () => {
      // Another process takes the lock and never lets go; the kernel must release it.
      const holder = new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          "--config",
          DENO_JSON,
          `const { withCacheRepo } = await import(${JSON.stringify(CLONE_CACHE)});
           await withCacheRepo(${JSON.stringify(gitdir)}, async () => {
             console.log("held");
             await new Promise(() => setInterval(() => {}, 1000));
           });`,
        ],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
      equal((await reader.read()).value?.trim(), "held");
      let tookIt = false;
      const waiting = withCacheRepo(gitdir, () => Promise.resolve(tookIt = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      equal(tookIt, false, "taken while another process held it");
      holder.kill("SIGKILL");
      await holder.status;
      await reader.cancel();
      const started = performance.now();
      await waiting;
      ok(tookIt && performance.now() - started < 2000, "not taken at once after the kill");
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
