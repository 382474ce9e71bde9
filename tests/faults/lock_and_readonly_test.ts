/**
 * Issue 14, cases 6 and 9: a caro process that holds the state lock and stops
 * (SIGSTOP) must not hang everyone else; read-only commands need no lock at
 * all, and work on a read-only home.
 */
import { equal, match, ok } from "node:assert/strict";
import { CARO_MAIN, CARO_PERMISSIONS, runCaro } from "../support/cli.ts";

const REPO = new URL("../../", import.meta.url).pathname;

/** A process that takes the home's state lock as caro does, then stops itself. */
async function stoppedHolder(home: string): Promise<Deno.ChildProcess> {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    script,
    `import { withFileLock } from "${REPO}src/process/mod.ts";
     await withFileLock("${home}/.lock", async () => {
       console.log("held");
       Deno.kill(Deno.pid, "SIGSTOP");
       await new Promise((r) => setTimeout(r, 60_000));
     }, { purpose: "caro skill add ./slow" });`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--config=${REPO}deno.json`, script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  equal(new TextDecoder().decode(value).trim(), "held");
  reader.releaseLock();
  return child;
}

Deno.test("a stopped holder of the state lock: reads go on, a change says who holds it and gives up", async (t) => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const home = `${root}/home`;
  equal((await runCaro(["skill", "list"], { home })).code, 0);
  await Deno.writeTextFile(`${home}/config.toml`, "[store]\nlock_timeout_seconds = 3\n");
  const holder = await stoppedHolder(home);
  try {
    await t.step("list, info and verify do not wait for the lock", async () => {
      for (
        const args of [["skill", "list"], ["skill", "info", "core.posix"], ["skill", "verify"]]
      ) {
        const begin = Date.now();
        const r = await runCaro(args, { home });
        equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
        ok(Date.now() - begin < 10_000, `${args.join(" ")} waited`);
      }
    });
    await t.step(
      "a change names the holder after a second and exits 74 at the deadline",
      async () => {
        const begin = Date.now();
        const r = await runCaro(["skill", "disable", "core.posix"], { home });
        const seconds = (Date.now() - begin) / 1000;
        equal(r.code, 74, r.stderr);
        ok(seconds >= 3 && seconds < 15, `took ${seconds} s`);
        match(
          r.stderr,
          /waiting for the state lock of .*held by process \d+ \(caro skill add \.\/slow\)/,
        );
        match(r.stderr, /^Error: Gave up waiting for .*\.lock after 3 s/m);
        match(r.stderr, /To see that process: ps -o pid,stat,args -p \d+/);
      },
    );
  } finally {
    holder.kill("SIGKILL");
    await holder.status;
  }
  await t.step("once the holder is gone (killed), the change goes through at once", async () => {
    const r = await runCaro(["skill", "disable", "core.posix"], { home });
    equal(r.code, 0, r.stderr);
  });
  await Deno.remove(root, { recursive: true });
});

Deno.test("a read-only home: list, info, verify, context and recipe list work (issue 14, case 9)", async (t) => {
  const bwrap = await new Deno.Command("sh", { args: ["-c", "command -v bwrap"], stdout: "piped" })
    .output();
  if (!bwrap.success) {
    console.log("skipped: bwrap is not installed (scripts/setup.sh installs it)");
    return;
  }
  const root = await Deno.realPath(await Deno.makeTempDir());
  const home = `${root}/home`;
  const src = `${root}/notes`;
  await Deno.mkdir(src);
  await Deno.writeTextFile(
    `${src}/SKILL.md`,
    "---\nname: notes\ndescription: Take meeting notes in markdown\n---\nUse headings.\n",
  );
  equal((await runCaro(["skill", "add", src, "--yes"], { home })).code, 0);
  equal((await runCaro(["context", "take meeting notes"], { home })).code, 0);
  // The home is mounted read-only for caro, as on a read-only file system.
  const readOnly = (args: string[]) =>
    new Deno.Command("bwrap", {
      args: [
        "--dev-bind",
        "/",
        "/",
        "--ro-bind",
        home,
        home,
        Deno.execPath(),
        "run",
        "--quiet",
        ...CARO_PERMISSIONS,
        CARO_MAIN,
        ...args,
      ],
      env: { CARO_HOME: home, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
  const rows = [
    ["skill", "list"],
    ["skill", "info", "custom.notes"],
    ["skill", "verify"],
    ["context", "take meeting notes"],
    ["recipe", "list"],
  ];
  for (const args of rows) {
    await t.step(args.join(" "), async () => {
      const out = await readOnly(args);
      const stderr = new TextDecoder().decode(out.stderr);
      equal(out.code, 0, stderr);
      ok(!stderr.includes("bug in caro"), stderr);
    });
  }
  await t.step("a change fails as an io error naming the folder, not a crash", async () => {
    const out = await readOnly(["skill", "disable", "custom.notes"]);
    const stderr = new TextDecoder().decode(out.stderr);
    equal(out.code, 74, stderr);
    match(stderr, /^Error: Cannot lock .*\.lock/m);
  });
  await Deno.remove(root, { recursive: true });
});
