import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CORPUS = new URL("../../../shared/corpus/agentskills", import.meta.url).pathname;

/** Runs caro in `cwd` with a throwaway home, so nothing touches ~/.caro. */
async function caro(args: string[], cwd: string) {
  const home = await Deno.makeTempDir();
  try {
    return await runCaro(args, { cwd, home });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("caro skill init then validate --strict, the new user's path", async (t) => {
  const cwd = await Deno.makeTempDir();
  await t.step("init --type full writes the skill and says what to do next", async () => {
    const r = await caro(["skill", "init", "custom.demo", "--type", "full", "--dir", "D"], cwd);
    equal(r.code, 0, r.stderr);
    match(r.stdout, /^Created custom\.demo \(full\) in D:/);
    match(r.stdout, /caro skill validate D --strict/);
    equal(r.stderr, "");
  });
  await t.step("validate --strict exits 0", async () => {
    const r = await caro(["skill", "validate", "D", "--strict"], cwd);
    equal(r.code, 0, r.stderr);
    equal(r.stdout, "✓ custom.demo (D): valid, 0 error(s), 0 warning(s)\n");
  });
  await t.step("init refuses a folder that is not empty", async () => {
    const r = await caro(["skill", "init", "custom.demo", "--dir", "D"], cwd);
    equal(r.code, 5);
    match(r.stderr, /^Error: Cannot create a skill in D: it is not empty/);
  });
  await t.step("init without --dir uses ./<id>", async () => {
    const r = await caro(["skill", "init", "tool.other"], cwd);
    equal(r.code, 0, r.stderr);
    ok((await Deno.stat(`${cwd}/tool.other/skill.toml`)).isFile);
  });
  await t.step("init with a reserved namespace is a usage error", async () => {
    const r = await caro(["skill", "init", "core.mine"], cwd);
    equal(r.code, 64);
    match(r.stderr, /Cannot create a skill with id "core\.mine"/);
  });
  await Deno.remove(cwd, { recursive: true });
});

Deno.test('a manifest whose version is "1.0" exits 5 naming skill.toml:LINE:COL', async () => {
  const cwd = await Deno.makeTempDir();
  await caro(["skill", "init", "custom.demo", "--dir", "D"], cwd);
  const path = `${cwd}/D/skill.toml`;
  await Deno.writeTextFile(
    path,
    (await Deno.readTextFile(path)).replace('version = "0.1.0"', 'version = "1.0"'),
  );
  const r = await caro(["skill", "validate", "D"], cwd);
  equal(r.code, 5);
  equal(r.stdout, "✗ custom.demo (D): invalid, 1 error(s), 0 warning(s)\n");
  equal(
    r.stderr,
    [
      'skill.toml:7:11: error[version-semver]: version "1.0" is not semver',
      '    hint: write MAJOR.MINOR.PATCH, e.g. version = "1.0.0"',
      "Error: 1 of 1 skill(s) failed validation",
      "",
      "  D: 1 error(s), 0 warning(s)",
      "",
      "  To fix each finding above, then check again: caro skill validate D",
      "",
    ].join("\n"),
  );
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("a SKILL.md whose name differs from its folder exits 5 naming the line", async () => {
  const cwd = await Deno.makeTempDir();
  await Deno.mkdir(`${cwd}/notes`);
  await Deno.writeTextFile(
    `${cwd}/notes/SKILL.md`,
    "---\nname: note-taking\ndescription: Take notes\n---\nBody\n",
  );
  const r = await caro(["skill", "validate", "notes"], cwd);
  equal(r.code, 5);
  match(
    r.stderr,
    /^SKILL\.md:2:7: error\[name-folder\]: name "note-taking" differs from its folder "notes"/,
  );
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("validate --format json prints only JSON on stdout", async () => {
  const cwd = await Deno.makeTempDir();
  await caro(["skill", "init", "custom.demo", "--dir", "D"], cwd);
  await Deno.writeTextFile(`${cwd}/D/skill.toml`, '[skill]\nid = "custom.demo"\n');
  const r = await caro(["skill", "validate", "D", "--format", "json"], cwd);
  equal(r.code, 5);
  const report = JSON.parse(r.stdout);
  equal(report.valid, false);
  equal(report.skills[0].id, "custom.demo");
  deepStrictEqual(
    report.skills[0].diagnostics.map((d: { message: string; line: number }) => [d.message, d.line]),
    [
      ["missing required key skill.name", 1],
      ["missing required key skill.version", 1],
      ["missing required key skill.description", 1],
      ["missing required key skill.api_version", 1],
      ["missing required table [provides]", 1],
    ],
  );
  ok(!r.stderr.includes("{"), "no JSON on stderr");
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("validate checks a folder of skills: the bundled set and the corpus", async () => {
  const bundled = await caro(["skill", "validate", "skills", "--strict", "--format", "json"], ROOT);
  equal(bundled.code, 0, bundled.stderr);
  const ids = JSON.parse(bundled.stdout).skills.map((s: { id: string }) => s.id);
  ok(ids.includes("core.shell") && ids.includes("core.posix"), ids.join());
  const corpus = await caro(["skill", "validate", CORPUS, "--format", "json"], ROOT);
  equal(corpus.code, 0, corpus.stderr);
  equal(JSON.parse(corpus.stdout).skills.length, 8);
});

Deno.test("usage errors exit 64 and point at --help; --help and --version exit 0", async () => {
  const bad = await caro(["skill", "validate", "--format", "xml"], ROOT);
  equal(bad.code, 64);
  match(bad.stderr, /^Error: option '--format <format>' argument 'xml' is invalid/);
  match(bad.stderr, /To see usage: caro skill validate --help/);
  const unknown = await caro(["skil"], ROOT);
  equal(unknown.code, 64);
  match(unknown.stderr, /Did you mean skill\?/);
  const help = await caro(["skill", "validate", "--help"], ROOT);
  equal(help.code, 0);
  match(help.stdout, /--strict/);
  const version = await caro(["--version"], ROOT);
  equal(version.code, 0);
  match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

Deno.test("validate of what is not a folder says so with a command that works (issue 14, case 12)", async (t) => {
  const cwd = await Deno.makeTempDir();
  await t.step("a missing path is not_found (exit 1), not a crash (70)", async () => {
    const r = await caro(["skill", "validate", "/no/such/path"], cwd);
    equal(r.code, 1, r.stderr);
    match(r.stderr, /^Error: No skill folder at \/no\/such\/path/);
    ok(!r.stderr.includes("bug in caro"), r.stderr);
  });
  await t.step("a source spec is a usage error (64) saying how to check it", async () => {
    const r = await caro(["skill", "validate", "git+http://127.0.0.1:9/skills.git"], cwd);
    equal(r.code, 64, r.stderr);
    match(r.stderr, /checks skill folders on disk/);
    ok(!r.stderr.includes("bug in caro"), r.stderr);
  });
  await Deno.remove(cwd, { recursive: true });
});
