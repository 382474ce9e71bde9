/**
 * `enforcerFor`: the one enforcer of a caro home, over the lock's grants,
 * bundled trust and the home's audit log.
 */
import { equal, match, ok } from "node:assert/strict";
import { CapabilitiesSchema, readAuditLog } from "../../src/capability/mod.ts";
import { changeGrant, enforcerFor, installSkill, openStore } from "../../src/ops/mod.ts";
import { writeSkill } from "../store/_fixtures.ts";

Deno.test("enforcerFor judges with the home's grants and writes its audit log", async (t) => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro-enf-" }));
  try {
    const store = await openStore(`${root}/home`);
    const src = await writeSkill(root, {
      id: "cloud.ops",
      capabilities: [
        'terminal_exec = { allowed = true, commands = ["aws"] }',
        'env_read = ["AWS_*"]',
      ],
    });
    // Granted through the store's consent hook: env_read only.
    await installSkill(store, src, {
      consent: (request) =>
        Promise.resolve(CapabilitiesSchema.parse({ env_read: request.requested.env_read })),
    });
    const rows = [
      {
        name: "a granted env_read",
        check: (e: Awaited<ReturnType<typeof enforcerFor>>) =>
          e.checkEnv("cloud.ops", "AWS_REGION"),
        allowed: true,
        reason: /granted by env_read/,
      },
      {
        name: "terminal_exec requested but not granted",
        check: (e: Awaited<ReturnType<typeof enforcerFor>>) =>
          e.checkCommand("cloud.ops", "aws s3 ls"),
        allowed: false,
        reason: /terminal_exec is not granted to cloud\.ops/,
      },
      {
        name: "bundled core.posix is trusted with what it requests",
        check: (e: Awaited<ReturnType<typeof enforcerFor>>) =>
          e.checkCommand("core.posix", "du -sh . | sort -h | head -5"),
        allowed: true,
        reason: /every program it runs is allowed/,
      },
      {
        name: "bundled core.posix still gets its own blocklist",
        check: (e: Awaited<ReturnType<typeof enforcerFor>>) =>
          e.checkCommand("core.posix", "sudo du -sh /"),
        allowed: false,
        reason: /sudo is blocked/,
      },
      {
        name: "an id that is not installed holds nothing",
        check: (e: Awaited<ReturnType<typeof enforcerFor>>) => e.checkEnv("custom.ghost", "HOME"),
        allowed: false,
        reason: /has no granted capabilities/,
      },
    ];
    const enforcer = await enforcerFor(store, { cwd: root });
    for (const row of rows) {
      await t.step(row.name, async () => {
        const decision = await row.check(enforcer);
        equal(decision.allowed, row.allowed, decision.reason);
        match(decision.reason, row.reason);
      });
    }
    await t.step("each check is one line of the home's audit.log", async () => {
      const entries = await readAuditLog(store.home.auditLog);
      equal(entries.length, rows.length);
      equal(entries[1].result, "denied");
      equal(entries[1].resource, "aws s3 ls");
    });
    await t.step("a grant changed later is seen by the next enforcer", async () => {
      await changeGrant(store, "cloud.ops", "grant", "terminal_exec");
      const again = await enforcerFor(store, { cwd: root, audit: false });
      ok((await again.checkCommand("cloud.ops", "aws s3 ls")).allowed);
      equal(
        (await readAuditLog(store.home.auditLog)).length,
        rows.length,
        "audit: false logs nothing",
      );
    });
    await t.step("override replaces one skill's grants for a dry run", async () => {
      const dry = await enforcerFor(store, {
        cwd: root,
        audit: false,
        override: new Map([["cloud.ops", CapabilitiesSchema.parse({})]]),
      });
      equal((await dry.checkCommand("cloud.ops", "aws s3 ls")).allowed, false);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
