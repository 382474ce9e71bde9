import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";
import { countTokens } from "../../src/context/mod.ts";

const REPO = new URL("../..", import.meta.url).pathname;
const FIND = "find files over 100MB changed this week";

Deno.test("caro context: the seed request shows core.posix find knowledge, base prompt last", async () => {
  const home = await Deno.makeTempDir();
  const { code, stdout, stderr } = await runCaro(["context", FIND], { home });
  equal(code, 0, stderr);
  ok(stdout.includes("find . -type f -size +100M -mtime -7"), stdout);
  ok(stdout.indexOf("# POSIX utility rules") < stdout.indexOf("# caro shell rules"));
  ok(/\d+ of 4000 tokens from core\.posix, core\.shell/.test(stderr), stderr);
  await Deno.remove(home, { recursive: true });
});

Deno.test("caro context --explain: the match table says why", async () => {
  const home = await Deno.makeTempDir();
  const { code, stdout } = await runCaro(["context", "--explain", FIND], { home });
  equal(code, 0);
  const table = stdout.slice(0, stdout.indexOf("# POSIX utility rules"));
  for (
    const part of ["SKILL", "SCORE", "WHY", "TOKENS", "core.posix", 'topic "find"', "this week"]
  ) {
    ok(table.includes(part), `${part} missing in\n${table}`);
  }
  ok(table.includes("knowledge/patterns/find-xargs.md"));
  ok(table.includes("base prompt (always included)"));
  await Deno.remove(home, { recursive: true });
});

Deno.test("caro context --max-tokens: never exceeded, counted with the same tokenizer", async (t) => {
  const home = await Deno.makeTempDir();
  for (const max of [50, 200, 800]) {
    await t.step(String(max), async () => {
      const { code, stdout } = await runCaro(
        ["context", "--max-tokens", String(max), "--format", "json", FIND],
        { home },
      );
      equal(code, 0);
      const result = JSON.parse(stdout);
      ok(result.tokens <= max);
      ok((await countTokens(result.systemContext)) <= max);
    });
  }
  const bad = await runCaro(["context", "--max-tokens", "lots", FIND], { home });
  equal(bad.code, 64);
  await Deno.remove(home, { recursive: true });
});

Deno.test("caro context: a prompt about nothing injects only core.shell", async (t) => {
  const home = await Deno.makeTempDir();
  for (const prompt of ["tell me a joke", "what is the weather like today in paris", "do it"]) {
    await t.step(prompt, async () => {
      const { code, stdout } = await runCaro(["context", "--format", "json", prompt], { home });
      equal(code, 0);
      deepStrictEqual(JSON.parse(stdout).skills.map((s: { id: string }) => s.id), ["core.shell"]);
    });
  }
  await Deno.remove(home, { recursive: true });
});

Deno.test("caro context --skills: excluded skills are not matched", async () => {
  const home = await Deno.makeTempDir();
  const run = async (skills: string) =>
    JSON.parse(
      (await runCaro([`--skills=${skills}`, "context", "--format", "json", FIND], { home })).stdout,
    )
      .skills.map((s: { id: string }) => s.id);
  deepStrictEqual(await run("!core.posix"), ["core.shell"]);
  deepStrictEqual(await run("core.posix"), ["core.posix"]);
  deepStrictEqual(await run("none"), []);
  await Deno.remove(home, { recursive: true });
});

async function writeSkill(dir: string, tip: string): Promise<void> {
  await Deno.mkdir(`${dir}/knowledge/prompts`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/skill.toml`,
    `[skill]\nid = "tool.jq"\nname = "jq"\nversion = "1.0.0"\ndescription = "JSON on the command line"\n` +
      `api_version = "1.0"\n[provides]\nknowledge = true\n[knowledge]\ntopics = ["json", "jq"]\n`,
  );
  await Deno.writeTextFile(`${dir}/knowledge/prompts/context.md`, `${tip}\n`);
}

Deno.test("caro context: installed skills match; the cache follows install, update and remove", async () => {
  const home = await Deno.makeTempDir();
  const src = await Deno.makeTempDir();
  await writeSkill(src, "Use jq -r to print raw strings.");
  equal((await runCaro(["skill", "add", src, "--yes"], { home })).code, 0);
  const first = await runCaro(["context", "pretty print this json"], { home });
  ok(first.stdout.includes("jq -r to print raw strings"), first.stdout);
  const cached = [...Deno.readDirSync(`${home}/cache/context`)].map((e) => e.name);
  ok(cached.some((n) => n.startsWith("tool.jq-")), cached.join());

  await writeSkill(src, "Use jq --arg to pass shell values.");
  equal((await runCaro(["skill", "add", src, "--yes", "--force"], { home })).code, 0);
  const second = await runCaro(["context", "pretty print this json"], { home });
  ok(second.stdout.includes("jq --arg") && !second.stdout.includes("raw strings"), second.stdout);
  const jqCaches = [...Deno.readDirSync(`${home}/cache/context`)].filter((e) =>
    e.name.startsWith("tool.jq-")
  );
  equal(jqCaches.length, 1, "the cache of the old tree is removed");

  equal((await runCaro(["skill", "remove", "tool.jq"], { home })).code, 0);
  const third = await runCaro(["context", "--format", "json", "pretty print this json"], { home });
  deepStrictEqual(JSON.parse(third.stdout).skills.map((s: { id: string }) => s.id), ["core.shell"]);
  await Deno.remove(home, { recursive: true });
  await Deno.remove(src, { recursive: true });
});

Deno.test("caro context: a warm cache loads no tokenizer and reads no markdown", async () => {
  const home = await Deno.makeTempDir();
  const src = await Deno.makeTempDir();
  await writeSkill(src, "Use jq -r to print raw strings.");
  equal((await runCaro(["skill", "add", src, "--yes"], { home })).code, 0);
  equal((await runCaro(["context", "pretty print this json"], { home })).code, 0);
  // Reading the installed copy's markdown is denied to the process below, so
  // only the cache can answer: any read of it would fail with NotCapable.
  const knowledge = `${home}/skills/tool.jq/knowledge`;
  const script = `
    import { isTokenizerLoaded } from "${REPO}src/context/mod.ts";
    import { openContextInjector, openStore } from "${REPO}src/ops/mod.ts";
    import { CARO_VERSION } from "${REPO}src/cli/version.ts";
    // The same caro version as the CLI, so the store keeps the index it built.
    const store = await openStore(Deno.env.get("CARO_HOME"), { caroVersion: CARO_VERSION });
    const injector = await openContextInjector(store);
    const out = await injector.augmentContext("pretty print this json", 4000);
    console.log(JSON.stringify({ text: out.systemContext, tokenizer: isTokenizerLoaded() }));
  `;
  const scriptFile = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(scriptFile, script);
  const child = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "-A",
      `--config=${REPO}deno.json`,
      `--deny-read=${knowledge}`,
      scriptFile,
    ],
    env: { CARO_HOME: home, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(child.stderr);
  equal(child.code, 0, stderr);
  const result = JSON.parse(new TextDecoder().decode(child.stdout));
  await Deno.remove(scriptFile);
  ok(result.text.includes("jq -r to print raw strings"), `${result.text.slice(0, 300)} ${stderr}`);
  equal(result.tokenizer, false);
  await Deno.remove(home, { recursive: true });
  await Deno.remove(src, { recursive: true });
});

Deno.test("caro skill test: bundled knowledge tests pass; failures exit non-zero", async () => {
  for (const id of ["core.shell", "core.posix"]) {
    const { code, stdout, stderr } = await runCaro(["skill", "test", `skills/${id}`]);
    equal(code, 0, stdout + stderr);
    // Recipe tests may follow; every knowledge test of the file passed.
    equal(stdout.match(/^✓ knowledge: /gm)?.length, 9, stdout);
    ok(/\n\d+ tests passed, 0 failed\n$/.test(stdout), stdout);
  }
  const filtered = await runCaro(["skill", "test", "skills/core.posix", "--filter", "tar.gz"]);
  ok(filtered.stdout.trimEnd().endsWith("1 tests passed, 0 failed"), filtered.stdout);

  const src = await Deno.makeTempDir();
  await writeSkill(src, "Use jq -r to print raw strings.");
  await Deno.mkdir(`${src}/tests`);
  await Deno.writeTextFile(
    `${src}/tests/knowledge_test.md`,
    "## Test: ok\nInput: json\nMust contain: jq -r\n\n## Test: bad\nInput: json\nMust contain: yq\n",
  );
  const failed = await runCaro(["skill", "test", src]);
  equal(failed.code, 5);
  ok(failed.stdout.includes("✗ knowledge: bad"), failed.stdout);
  ok(failed.stdout.includes('the context does not contain "yq"'));
  ok(failed.stdout.trimEnd().endsWith("1 tests passed, 1 failed"), failed.stdout);
  await Deno.remove(src, { recursive: true });
});
