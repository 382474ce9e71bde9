import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";
import { namesIn, writeSkill } from "./_fixtures.ts";

const CORPUS = "/work/shared/corpus/agentskills";

async function withHome(fn: (home: string, work: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "caro-store-" });
  try {
    await fn(`${root}/home`, root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function listJson(stdout: string): Array<Record<string, unknown>> {
  return (JSON.parse(stdout) as { skills: Array<Record<string, unknown>> }).skills;
}

Deno.test("a new user's flow: add, list, info, disable, enable, verify, remove", async (t) => {
  await withHome(async (home, work) => {
    const src = await writeSkill(work, {
      id: "tool.demo",
      capabilities: ['network = ["api.example.com"]'],
    });

    await t.step("add creates the home and installs", async () => {
      const r = await runCaro(["skill", "add", src], { home });
      equal(r.code, 0, r.stderr);
      match(r.stderr, /Created caro home/);
      match(r.stdout, /Installed tool\.demo 1\.0\.0 \(enabled\)/);
      match(r.stdout, /requests: {2}network \(none granted/);
      deepStrictEqual(await namesIn(`${home}/skills`), ["tool.demo"]);
      const lock = await Deno.readTextFile(`${home}/skills.lock`);
      match(lock, /integrity = "sha256:[0-9a-f]{64}"/);
      match(lock, /source = "file:\/\//);
      match(lock, /installed = \d{4}-\d\d-\d\dT/);
      // Requested, never granted until the user says so.
      match(lock, /network = \[\]/);
    });

    await t.step("list --format json is clean JSON in the SPEC §9 shape", async () => {
      const r = await runCaro(["skill", "list", "--format", "json"], { home });
      equal(r.code, 0, r.stderr);
      const skills = listJson(r.stdout);
      const demo = skills.find((s) => s.id === "tool.demo")!;
      equal(demo.version, "1.0.0");
      equal(demo.status, "enabled");
      deepStrictEqual(demo.provides, ["knowledge"]);
      deepStrictEqual(demo.capabilities, ["network"]);
      equal(demo.bundled, false);
      const shell = skills.find((s) => s.id === "core.shell");
      equal(shell?.bundled, true);
    });

    await t.step("table and yaml formats", async () => {
      const table = await runCaro(["skill", "list"], { home });
      match(table.stdout, /tool\.demo\s+│ 1\.0\.0\s+│ enabled/);
      match(table.stdout, /core\.shell .*bundled/);
      const yaml = await runCaro(["skill", "list", "--format", "yaml"], { home });
      match(yaml.stdout, /- id: tool\.demo/);
    });

    await t.step("info, text and json", async () => {
      const text = await runCaro(["skill", "info", "tool.demo"], { home });
      equal(text.code, 0, text.stderr);
      match(text.stdout, /Requests:\s+network/);
      match(text.stdout, /Granted:\s+nothing/);
      const json = await runCaro(["skill", "info", "tool.demo", "--format", "json"], { home });
      const info = JSON.parse(json.stdout);
      deepStrictEqual(info.grantedCapabilities, []);
      deepStrictEqual(info.requestedCapabilities.network, ["api.example.com"]);
    });

    await t.step("disable, list --enabled-only, enable", async () => {
      equal((await runCaro(["skill", "disable", "tool.demo"], { home })).code, 0);
      const only = await runCaro(["skill", "list", "--enabled-only", "--format", "json"], {
        home,
      });
      equal(listJson(only.stdout).some((s) => s.id === "tool.demo"), false);
      const all = await runCaro(["skill", "list", "--format", "json"], { home });
      equal(listJson(all.stdout).find((s) => s.id === "tool.demo")?.status, "disabled");
      match(await Deno.readTextFile(`${home}/skills.lock`), /enabled = false/);
      equal((await runCaro(["skill", "enable", "tool.demo"], { home })).code, 0);
    });

    await t.step("core.shell cannot be disabled", async () => {
      const r = await runCaro(["skill", "disable", "core.shell"], { home });
      equal(r.code, 64);
      match(r.stderr, /Error: Cannot disable core\.shell/);
    });

    await t.step("verify passes, json clean", async () => {
      const r = await runCaro(["skill", "verify", "--format", "json"], { home });
      equal(r.code, 0, r.stderr);
      equal(JSON.parse(r.stdout).ok, true);
    });

    await t.step("editing an installed file makes verify fail naming it", async () => {
      const file = `${home}/skills/tool.demo/knowledge/prompts/context.md`;
      await Deno.writeTextFile(file, "tampered\n", { append: true });
      const r = await runCaro(["skill", "verify"], { home });
      equal(r.code, 5);
      match(r.stdout, /✗ tool\.demo 1\.0\.0: knowledge\/prompts\/context\.md changed/);
      match(r.stderr, /Error: 1 installed skill\(s\) differ from skills\.lock/);
      match(r.stderr, /To reinstall tool\.demo: caro skill add file:\/\/.* --force/);
      // An added file is named too.
      await Deno.writeTextFile(`${home}/skills/tool.demo/a-new.md`, "x");
      const added = await runCaro(["skill", "verify", "--format", "json"], { home });
      const report = JSON.parse(added.stdout);
      deepStrictEqual(report.skills[0].firstDifference, { path: "a-new.md", change: "added" });
      // Reinstalling with --force repairs it.
      equal((await runCaro(["skill", "add", src, "--force"], { home })).code, 0);
      equal((await runCaro(["skill", "verify"], { home })).code, 0);
    });

    await t.step("re-adding a changed copy without --force exits 2", async () => {
      await Deno.writeTextFile(`${src}/knowledge/prompts/context.md`, "changed upstream\n");
      const r = await runCaro(["skill", "add", src], { home });
      equal(r.code, 2, r.stderr);
      match(
        r.stderr,
        /Error: Cannot install tool\.demo 1\.0\.0: tool\.demo 1\.0\.0 is locked with different content/,
      );
      match(r.stderr, /To update it: caro skill update tool\.demo/);
      match(r.stderr, /--force/);
      const same = await runCaro(["skill", "add", src, "--force", "--format", "json"], { home });
      equal(same.code, 0, same.stderr);
      equal(JSON.parse(same.stdout).status, "replaced");
      const again = await runCaro(["skill", "add", src], { home });
      match(again.stdout, /already installed with the same content/);
    });

    await t.step("an invalid skill exits 5 and changes nothing", async () => {
      const lockBefore = await Deno.readTextFile(`${home}/skills.lock`);
      const bad = `${work}/bad`;
      await Deno.mkdir(bad);
      await Deno.writeTextFile(
        `${bad}/skill.toml`,
        '[skill]\nid = "core.evil"\nname = "x"\nversion = "1.0"\ndescription = "x"\napi_version = "1.0"\n[provides]\n',
      );
      const r = await runCaro(["skill", "add", bad], { home });
      equal(r.code, 5);
      match(r.stderr, /reserved for skills bundled with caro/);
      match(r.stderr, new RegExp(`To see every finding: caro skill validate ${bad}`));
      equal(await Deno.readTextFile(`${home}/skills.lock`), lockBefore);
      deepStrictEqual(await namesIn(`${home}/staging`), []);
      deepStrictEqual(await namesIn(`${home}/skills`), ["tool.demo"]);
    });

    await t.step("unknown id: exit 1 with the nearest ids", async () => {
      const r = await runCaro(["skill", "info", "tool.dmeo"], { home });
      equal(r.code, 1);
      match(r.stderr, /Error: Skill tool\.dmeo is not installed/);
      match(r.stderr, /caro skill info tool\.demo/);
    });

    await t.step("remove, then it is gone everywhere", async () => {
      const r = await runCaro(["skill", "remove", "tool.demo", "--format", "json"], { home });
      equal(r.code, 0, r.stderr);
      equal(JSON.parse(r.stdout).id, "tool.demo");
      deepStrictEqual(await namesIn(`${home}/skills`), []);
      const list = await runCaro(["skill", "list", "--format", "json"], { home });
      equal(listJson(list.stdout).some((s) => s.id === "tool.demo"), false);
      equal((await Deno.readTextFile(`${home}/skills.lock`)).includes("tool.demo"), false);
      deepStrictEqual(await namesIn(`${home}/staging`), []);
      deepStrictEqual(await namesIn(`${home}/trash`), []);
    });
  });
});

Deno.test("dependencies, features and --keep-config", async (t) => {
  await withHome(async (home, work) => {
    const base = await writeSkill(work, { id: "tool.base", version: "1.2.0" });
    const app = await writeSkill(work, {
      id: "tool.app",
      dependencies: [
        '"tool.base" = ">=1.0,<2.0"',
        '"tool.extra" = { version = "1.0", optional = true }',
      ],
      features: [
        'fast = { description = "fast mode", default = true }',
        'slow = { description = "slow mode" }',
      ],
    });

    await t.step("a missing required dependency names the command to install it", async () => {
      const r = await runCaro(["skill", "add", app], { home });
      equal(r.code, 1);
      match(r.stderr, /it needs tool\.base \(>=1\.0,<2\.0\), which is not installed/);
      match(r.stderr, /To install the dependency: caro skill add tool\.base/);
      deepStrictEqual(await namesIn(`${home}/skills`), []);
    });

    await t.step("with it installed, the optional one is reported", async () => {
      equal((await runCaro(["skill", "add", base], { home })).code, 0);
      const r = await runCaro(["skill", "add", app, "--features", "slow", "--format", "json"], {
        home,
      });
      equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout);
      deepStrictEqual(result.features, ["fast", "slow"]);
      deepStrictEqual(result.missingOptional, [{ id: "tool.extra", range: "1.0" }]);
      match(await Deno.readTextFile(`${home}/skills.lock`), /features = \[ "fast", "slow" \]/);
    });

    await t.step("an unknown feature is a usage error", async () => {
      const r = await runCaro(["skill", "add", app, "--force", "--features", "slwo"], { home });
      equal(r.code, 64);
      match(r.stderr, /tool\.app has no feature "slwo"/);
    });

    await t.step("--no-default-features", async () => {
      const r = await runCaro(
        ["skill", "add", app, "--force", "--no-default-features", "--format", "json"],
        { home },
      );
      deepStrictEqual(JSON.parse(r.stdout).features, []);
    });

    await t.step("remove refuses a skill others depend on, unless --force", async () => {
      const r = await runCaro(["skill", "remove", "tool.base"], { home });
      equal(r.code, 2);
      match(r.stderr, /tool\.app requires tool\.base/);
      match(r.stderr, /caro skill remove tool\.base --force/);
      const forced = await runCaro(["skill", "remove", "tool.base", "--force"], { home });
      equal(forced.code, 0, forced.stderr);
      match(forced.stderr, /tool\.app depends on tool\.base/);
    });

    await t.step("--keep-config keeps enabled state and features for the next add", async () => {
      equal((await runCaro(["skill", "disable", "tool.app"], { home })).code, 0);
      equal((await runCaro(["skill", "remove", "tool.app", "--keep-config"], { home })).code, 0);
      match(await Deno.readTextFile(`${home}/skills.lock`), /\[\[retained\]\]\nid = "tool\.app"/);
      equal((await runCaro(["skill", "add", base], { home })).code, 0);
      const r = await runCaro(["skill", "add", app, "--format", "json"], { home });
      equal(JSON.parse(r.stdout).enabled, false);
      equal((await Deno.readTextFile(`${home}/skills.lock`)).includes("[[retained]]"), false);
    });

    await t.step("--no-enable", async () => {
      const other = await writeSkill(work, { id: "tool.other" });
      const r = await runCaro(
        ["skill", "add", "--path", other, "--no-enable", "--format", "json"],
        {
          home,
        },
      );
      equal(JSON.parse(r.stdout).enabled, false);
      const url = await writeSkill(`${work}/u`, { id: "tool.url" }).catch(async () => {
        await Deno.mkdir(`${work}/u`, { recursive: true });
        return await writeSkill(`${work}/u`, { id: "tool.url" });
      });
      const byUrl = await runCaro(["skill", "add", `file://${url}`], { home });
      equal(byUrl.code, 0, byUrl.stderr);
    });
  });
});

Deno.test("the 8 AgentSkills corpus skills install and list", async () => {
  await withHome(async (home) => {
    const names = (await namesIn(CORPUS)).filter((n) => !n.startsWith("."));
    equal(names.length, 8);
    for (const name of names) {
      const r = await runCaro(["skill", "add", `${CORPUS}/${name}`], { home });
      equal(r.code, 0, `${name}: ${r.stderr}`);
    }
    const list = await runCaro(["skill", "list", "--format", "json"], { home });
    const ids = listJson(list.stdout).map((s) => s.id);
    for (const name of names) ok(ids.includes(`custom.${name}`), `${name} missing: ${ids}`);
    const verify = await runCaro(["skill", "verify"], { home });
    equal(verify.code, 0, verify.stderr);
    // The source stays untouched (the corpus is read-only).
    const info = await runCaro(["skill", "info", "custom.skill-creator", "--format", "json"], {
      home,
    });
    equal(JSON.parse(info.stdout).contextFile, "SKILL.md");
  });
});

Deno.test("two concurrent adds of different skills both end installed and listed", async () => {
  await withHome(async (home, work) => {
    await runCaro(["skill", "list"], { home });
    const a = await writeSkill(work, { id: "tool.one", extraFiles: 200 });
    const b = await writeSkill(work, { id: "tool.two", extraFiles: 200 });
    const [ra, rb] = await Promise.all([
      runCaro(["skill", "add", a], { home }),
      runCaro(["skill", "add", b], { home }),
    ]);
    equal(ra.code, 0, ra.stderr);
    equal(rb.code, 0, rb.stderr);
    const list = await runCaro(["skill", "list", "--format", "json"], { home });
    const ids = listJson(list.stdout).map((s) => s.id);
    ok(ids.includes("tool.one") && ids.includes("tool.two"), ids.join());
    deepStrictEqual(await namesIn(`${home}/skills`), ["tool.one", "tool.two"]);
    equal((await runCaro(["skill", "verify"], { home })).code, 0);
  });
});
