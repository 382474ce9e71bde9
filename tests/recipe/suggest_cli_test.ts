import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";
import { startFakeLlm } from "../agent/fake_llm.ts";

const BACKUP = "back up my photos directory to a tarball";

Deno.test("caro context suggests the recipes whose triggers match", async (t) => {
  const home = await Deno.makeTempDir();
  try {
    await t.step("json carries the suggestion with its run command", async () => {
      const r = await runCaro(["context", BACKUP, "--format", "json"], { home });
      equal(r.code, 0, r.stderr);
      const { recipes } = JSON.parse(r.stdout);
      equal(recipes[0].id, "core.posix/backup-dir");
      equal(recipes[0].run, "caro recipe run core.posix/backup-dir");
      ok(recipes[0].reasons.includes("keyword tarball"), recipes[0].reasons.join());
    });
    await t.step("text prints the hint on stderr, never on stdout", async () => {
      const r = await runCaro(["context", BACKUP], { home });
      equal(r.code, 0, r.stderr);
      ok(r.stderr.includes("To run it: caro recipe run core.posix/backup-dir"), r.stderr);
      ok(!r.stdout.includes("caro recipe run"), "stdout holds only the context");
    });
    await t.step("a request no recipe skill matches suggests nothing", async () => {
      const r = await runCaro(["context", "what is the weather like", "--format", "json"], {
        home,
      });
      equal(r.code, 0, r.stderr);
      deepStrictEqual(JSON.parse(r.stdout).recipes, []);
    });
    await t.step("--skills excluding the recipe's skill suggests nothing", async () => {
      const r = await runCaro(["--skills", "!core.posix", "context", BACKUP, "--format", "json"], {
        home,
      });
      equal(r.code, 0, r.stderr);
      deepStrictEqual(JSON.parse(r.stdout).recipes, []);
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("caro ask suggests a matching recipe beside the proposed command", async () => {
  const llm = startFakeLlm("```sh\ntar -czf photos.tar.gz -- photos\n```\narchives photos\n");
  const home = await Deno.makeTempDir();
  try {
    const r = await runCaro(["ask", "--format", "json", BACKUP], {
      home,
      env: { CARO_LLM_BASE_URL: llm.baseUrl, CARO_LLM_MODEL: "fake-model" },
    });
    equal(r.code, 0, r.stderr);
    const answer = JSON.parse(r.stdout);
    equal(answer.command, "tar -czf photos.tar.gz -- photos");
    equal(answer.recipes[0].id, "core.posix/backup-dir");
  } finally {
    await llm.close();
    await Deno.remove(home, { recursive: true });
  }
});
