import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { caroCommand, runCaro } from "../support/cli.ts";
import { DEMO_SKILL, demoHome, exists } from "./_home.ts";

Deno.test("caro recipe list and show", async (t) => {
  const { root, home } = await demoHome();
  try {
    await t.step("list names every recipe of the enabled skills", async () => {
      const r = await runCaro(["recipe", "list", "--format", "json"], { home });
      equal(r.code, 0, r.stderr);
      const ids = JSON.parse(r.stdout).recipes.map((x: { id: string }) => x.id);
      for (
        const id of [
          "core.posix/backup-dir",
          "core.posix/disk-usage",
          "core.posix/release-tag",
          "custom.recipe-demo/make-marker",
        ]
      ) {
        ok(ids.includes(id), `${id} in ${ids}`);
      }
    });
    await t.step("list --skill limits to one skill", async () => {
      const r = await runCaro(["recipe", "list", "--skill", "custom.recipe-demo"], { home });
      equal(r.code, 0, r.stderr);
      match(r.stdout, /^custom\.recipe-demo\/gated +Gated steps — A prompt step/m);
      ok(!r.stdout.includes("core.posix"));
    });
    await t.step("show prints parameters, preconditions and steps with risk and gate", async () => {
      const r = await runCaro(["recipe", "show", "backup-dir"], { home });
      equal(r.code, 0, r.stderr);
      match(r.stdout, /^core\.posix\/backup-dir v1\.0\.0 {2}Back up a directory/);
      match(r.stdout, /source \(string\) required — Directory to back up/);
      match(r.stdout, /compress \(enum: gz\|xz\) default "gz"/);
      match(r.stdout, /1\. Create the archive \[archive\] risk low, confirm prompt, timeout 600s/);
      match(
        r.stdout,
        /\$ tar -caf \{\{dest\}\}\/\{\{name\}\}\.tar\.\{\{compress\}\} -C \{\{source\}\} \./,
      );
    });
    await t.step("an unknown recipe is not_found with the nearest one", async () => {
      const r = await runCaro(["recipe", "show", "backup-dri"], { home });
      equal(r.code, 1);
      match(r.stderr, /^Error: No recipe backup-dri in the enabled skills/);
      match(r.stderr, /did you mean core\.posix\/backup-dir\?/);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("caro recipe run, as a new user without a terminal", async (t) => {
  const { root, home, work } = await demoHome();
  try {
    await t.step(
      "a missing required parameter is listed with the flag that passes it",
      async () => {
        const r = await runCaro(["recipe", "run", "backup-dir"], { home, cwd: work });
        equal(r.code, 64);
        match(r.stderr, /^Error: Recipe backup-dir needs source/);
        match(
          r.stderr,
          /To pass them: caro recipe run core\.posix\/backup-dir --param source=<value>/,
        );
      },
    );

    await t.step(
      "a prompt step without a terminal exits non-zero with the --yes hint and runs nothing",
      async () => {
        await Deno.mkdir(`${work}/src`);
        await Deno.writeTextFile(`${work}/src/a.txt`, "a");
        const r = await runCaro(["recipe", "run", "backup-dir", "--param", "source=src"], {
          home,
          cwd: work,
        });
        equal(r.code, 64, r.stderr);
        match(
          r.stderr,
          /Cannot run core\.posix\/backup-dir without a terminal: step "archive" needs confirmation \(prompt\)/,
        );
        match(
          r.stderr,
          /To confirm every step up front: caro recipe run core\.posix\/backup-dir --param source=src --yes/,
        );
        equal(await exists(`${work}/backup.tar.gz`), false, "nothing ran");
        equal(r.stdout, "");
      },
    );

    await t.step("--dry-run prints the rendered, quoted commands and runs nothing", async () => {
      const r = await runCaro(
        ["recipe", "run", "backup-dir", "--param", "source=my src; rm -rf ~", "--dry-run"],
        { home, cwd: work },
      );
      equal(r.code, 0, r.stderr);
      match(r.stdout, /^tar -caf '\.'\/'backup'\.tar\.'gz' -C 'my src; rm -rf ~' \.$/m);
      match(r.stdout, /^# rollback\nrm -f -- '\.'\/'backup'\.tar\.'gz'$/m);
      equal(await exists(`${work}/backup.tar.gz`), false);
    });

    await t.step(
      "a hostile folder name is archived as a literal name, never run as shell",
      async () => {
        const hostile = `$(touch PWNED1); touch PWNED2 && echo 'x' "y" | cat * \`touch PWNED3\``;
        await Deno.mkdir(`${work}/${hostile}`);
        await Deno.writeTextFile(`${work}/${hostile}/inside.txt`, "inside");
        await Deno.mkdir(`${work}/out`);
        const r = await runCaro(
          [
            "recipe",
            "run",
            "backup-dir",
            "--param",
            `source=${hostile}`,
            "--param",
            "dest=out",
            "--yes",
            "--format",
            "json",
          ],
          { home, cwd: work },
        );
        const names = [...Deno.readDirSync(work)].map((e) => e.name);
        ok(!names.some((n) => n.startsWith("PWNED")), names.join());
        equal(r.code, 0, r.stderr);
        const result = JSON.parse(r.stdout);
        equal(result.status, "success");
        equal(result.parameters.source, hostile);
        const list = await new Deno.Command("tar", { args: ["-tzf", `${work}/out/backup.tar.gz`] })
          .output();
        match(new TextDecoder().decode(list.stdout), /inside\.txt/);
      },
    );

    await t.step(
      "--format json: the result object alone on stdout, progress on stderr",
      async () => {
        const r = await runCaro(
          [
            "recipe",
            "run",
            "disk-usage",
            "--param",
            "path=.",
            "--param",
            "top=3",
            "--format",
            "json",
          ],
          { home, cwd: work },
        );
        equal(r.code, 0, r.stderr);
        const result = JSON.parse(r.stdout);
        equal(result.status, "success");
        equal(result.recipe, "core.posix/disk-usage");
        deepStrictEqual(result.steps.map((s: { id: string }) => s.id), ["free", "largest"]);
        match(r.stderr, /\[1\/2\] Free space on its filesystem/);
        match(r.stderr, /\[2\/2\] Largest entries/);
        ok(result.log_file.startsWith(`${home}/runs/`));
        const log = (await Deno.readTextFile(result.log_file)).trim().split("\n").map((l) =>
          JSON.parse(l)
        );
        equal(log[0].type, "start");
        equal(log.at(-1).type, "result");
      },
    );

    await t.step("a failing verification rolls back: failed, rolled_back true", async () => {
      const r = await runCaro(
        [
          "recipe",
          "run",
          "make-marker",
          "--param",
          "dir=m",
          "--param",
          "check=absent",
          "--format",
          "json",
        ],
        { home, cwd: work },
      );
      equal(r.code, 74, r.stderr);
      const result = JSON.parse(r.stdout);
      equal(result.status, "failed");
      equal(result.rolled_back, true);
      match(result.message, /m\/absent is missing/);
      deepStrictEqual(result.rollback.map((x: { command: string }) => x.command), [
        "rm -f -- 'm'/marker",
        "rmdir -- 'm'",
      ]);
      equal(await exists(`${work}/m`), false, "the folder was rolled back");
      match(r.stderr, /↺ rolling back \(2 command\(s\)\)/);
      match(r.stderr, /^Error: Recipe custom\.recipe-demo\/make-marker failed:/m);
    });

    await t.step("every command was checked and audited", async () => {
      const audit = (await Deno.readTextFile(`${home}/audit.log`)).trim().split("\n").map((l) =>
        JSON.parse(l)
      );
      ok(
        audit.some((e) =>
          e.skill_id === "custom.recipe-demo" && e.resource === "mkdir -- 'm'" &&
          e.result === "allowed"
        ),
      );
      ok(audit.some((e) => e.skill_id === "core.posix" && e.resource.startsWith("df -h -- ")));
      const ran = audit.filter((e) => e.resource === "mkdir -- 'm'");
      equal(ran.length, 2, "one line for the check, one for the run");
      equal(ran[1].execution_result, "exit 0");
      equal(ran[1].user_confirmed, null, "an auto step asks nobody");
      ok(audit.some((e) => e.resource === "rmdir -- 'm'" && e.execution_result === "exit 0"));
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("caro recipe run denies an installed skill without a grant", async () => {
  const { root, home, work } = await demoHome(false);
  try {
    const r = await runCaro(["recipe", "run", "make-marker", "--param", "dir=m"], {
      home,
      cwd: work,
    });
    equal(r.code, 3);
    match(r.stderr, /terminal_exec is not granted to custom\.recipe-demo/);
    match(r.stderr, /nothing was run/);
    equal(await exists(`${work}/m`), false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("caro skill validate reports recipe findings at file:line:col", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = `${root}/demo`;
    await new Deno.Command("cp", { args: ["-r", DEMO_SKILL, dir] }).output();
    const file = `${dir}/recipes/make-marker.yaml`;
    await Deno.writeTextFile(
      file,
      (await Deno.readTextFile(file)).replace(
        '"touch -- {{dir}}/marker"',
        '"touch -- {{dri}}/marker"',
      ),
    );
    const r = await runCaro(["skill", "validate", dir], { cwd: root });
    equal(r.code, 5);
    match(
      r.stderr,
      /^recipes\/make-marker\.yaml:16:62: error\[unknown-parameter\]: \{\{dri\}\} refers to no parameter\n {4}hint: did you mean \{\{dir\}\}\?$/m,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("SIGINT during a step without a terminal: the step's processes die, nothing is undone, exit 130", async () => {
  const { root, home, work } = await demoHome();
  try {
    const child = caroCommand(
      [
        "recipe",
        "run",
        "gated",
        "--param",
        "dir=s",
        "--param",
        "pause=30",
        "--yes",
        "--format",
        "json",
      ],
      { home, cwd: work },
    ).spawn();
    await child.stdin.close();
    // Wait until the sleep step runs, then interrupt caro as Ctrl-C would.
    const runs = `${home}/runs`;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const logs = await Array.fromAsync(Deno.readDir(runs)).catch(() => []);
      const text = logs.length > 0 ? await Deno.readTextFile(`${runs}/${logs[0].name}`) : "";
      if (text.includes('"id":"wait"')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const begin = Date.now();
    child.kill("SIGINT");
    const { code, stdout, stderr } = await child.output();
    ok(Date.now() - begin < 10_000, "caro did not wait for sleep 30");
    equal(code, 130, new TextDecoder().decode(stderr));
    const result = JSON.parse(new TextDecoder().decode(stdout));
    equal(result.interrupted, true);
    equal(result.failed_step, "wait");
    equal(result.rolled_back, false);
    match(result.message, /no terminal to confirm a rollback/);
    ok(await exists(`${work}/s/marker`), "without a terminal nothing is undone");
    const sleeping = await new Deno.Command("pgrep", { args: ["-f", "^sleep 30$"] }).output();
    const alive = new TextDecoder().decode(sleeping.stdout).trim().split("\n").filter(Boolean)
      .filter((pid) => {
        const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
        return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
      });
    deepStrictEqual(alive, [], "the step's sleep was killed with its process group");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
