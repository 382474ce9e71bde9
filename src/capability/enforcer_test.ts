import { readAuditLog } from "./audit_log.ts";
import { CapabilityEnforcer } from "./enforcer.ts";
import { type Capabilities, CapabilitiesSchema } from "./schema.ts";

async function world() {
  const root = await Deno.realPath(await Deno.makeTempDir());
  await Deno.mkdir(`${root}/p/out`, { recursive: true });
  const grants: Record<string, Capabilities> = {
    "custom.all": CapabilitiesSchema.parse({
      terminal_exec: { allowed: true, commands: [], blocked: ["/bin/rm", "mkfs"] },
      filesystem_write: ["$CARO_PROJECT_ROOT/out"],
      env_read: ["AWS_*"],
      secrets_access: true,
    }),
    "custom.paths": CapabilitiesSchema.parse({
      terminal_exec: { allowed: true, commands: ["/usr/bin/aws"] },
    }),
    "custom.none": CapabilitiesSchema.parse({
      terminal_exec: { allowed: false, commands: ["aws"] },
    }),
  };
  const log = `${root}/home/audit.log`;
  const enforcer = new CapabilityEnforcer({
    grants: (id) => grants[id],
    auditLog: log,
    paths: {
      home: `${root}/home`,
      projectRoot: `${root}/p`,
      cacheDir: `${root}/c`,
      cwd: `${root}/p`,
    },
    now: () => Date.parse("2026-11-25T08:00:00Z"),
  });
  return { root, enforcer, log, cleanup: () => Deno.remove(root, { recursive: true }) };
}

Deno.test("checkCommand: policy cases", async (t) => {
  const w = await world();
  try {
    const cases: ReadonlyArray<readonly [string, string, boolean, string]> = [
      ["custom.all", "grep x f | sort | uniq -c", true, ""],
      ["custom.all", "echo hi > /dev/null 2>/dev/stderr", true, ""],
      ["custom.all", "ls > out/list.txt", true, ""],
      ["custom.all", "ls > list.txt", false, "outside the granted write roots"],
      ["custom.all", "rm x", false, "rm is blocked"],
      ["custom.all", "mkfs.vfat /dev/sdb1", false, "blocked (as mkfs)"],
      ["custom.all", "python3 -c 'print(1)'", false, "python3 runs code"],
      ["custom.all", "python3 --version", true, ""],
      ["custom.paths", "/usr/local/bin/aws s3 ls", true, ""],
      ["custom.paths", "echo $(date)", false, "date is not in the allowed commands (aws)"],
      ["custom.none", "aws s3 ls", false, "terminal_exec is not granted to custom.none"],
      ["custom.missing", "aws s3 ls", false, "custom.missing has no granted capabilities"],
    ];
    for (const [skill, command, allowed, reason] of cases) {
      await t.step(`${skill}: ${command}`, async () => {
        const d = await w.enforcer.checkCommand(skill, command);
        if (d.allowed !== allowed) throw new Error(d.reason);
        if (!d.reason.includes(reason)) throw new Error(d.reason);
        if (d.capability !== "terminal_exec" || d.resource !== command) throw new Error();
      });
    }
  } finally {
    await w.cleanup();
  }
});

Deno.test("every check writes one audit line, secrets redacted", async () => {
  const w = await world();
  try {
    Deno.env.set("AWS_SECRET_ACCESS_KEY", "very-secret-value");
    await w.enforcer.checkCommand("custom.all", "AWS_SECRET_ACCESS_KEY=hunter2 aws s3 ls");
    await w.enforcer.checkFilesystem("custom.all", "out/x", true);
    await w.enforcer.checkFilesystem("custom.all", "/etc/passwd", false);
    await w.enforcer.checkNetwork("custom.all", "https://bob:pw@evil.test/");
    await w.enforcer.checkEnv("custom.all", "AWS_SECRET_ACCESS_KEY");
    await w.enforcer.checkSecrets("custom.all", "github");
    await w.enforcer.checkSecrets("custom.missing");
    const entries = await readAuditLog(w.log);
    const got = entries.map((e) => `${e.capability}:${e.result}`).join();
    const expected = "terminal_exec:allowed,filesystem_write:allowed,filesystem_read:denied," +
      "network:denied,env_read:allowed,secrets_access:allowed,secrets_access:denied";
    if (got !== expected) throw new Error(got);
    if (entries.some((e) => e.timestamp !== "2026-11-25T08:00:00.000Z")) throw new Error("clock");
    const text = await Deno.readTextFile(w.log);
    for (const secret of ["hunter2", "bob:pw", "very-secret-value"]) {
      if (text.includes(secret)) throw new Error(`${secret} leaked into the audit log`);
    }
    if (entries[4].resource !== "AWS_SECRET_ACCESS_KEY") throw new Error("env name not logged");
  } finally {
    Deno.env.delete("AWS_SECRET_ACCESS_KEY");
    await w.cleanup();
  }
});

Deno.test("checkFilesystem: write implies read, read does not imply write", async () => {
  const w = await world();
  try {
    if (!(await w.enforcer.checkFilesystem("custom.all", "out/a", false)).allowed) {
      throw new Error();
    }
    if ((await w.enforcer.checkFilesystem("custom.all", "a", false)).allowed) throw new Error();
    if ((await w.enforcer.checkFilesystem("custom.paths", "out/a", false)).allowed) {
      throw new Error();
    }
  } finally {
    await w.cleanup();
  }
});
