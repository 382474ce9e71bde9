/**
 * Capability grants through the real CLI without a terminal (stdin is a pipe):
 * the install refusal and its --yes hint, --yes grants, config.toml policy,
 * grant/revoke, the dry checks and the audit log they write.
 */
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { parse } from "smol-toml";
import { runCaro } from "../support/cli.ts";
import { namesIn, writeSkill } from "../store/_fixtures.ts";

const OPS_CAPS = [
  'terminal_exec = { allowed = true, commands = ["aws", "kubectl"], blocked = ["rm", "dd", "mkfs"] }',
  'network = ["*.amazonaws.com"]',
  'filesystem_read = ["./data"]',
  'env_read = ["AWS_*"]',
];

async function withHome(fn: (home: string, work: string) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro-cap-" }));
  try {
    await fn(`${root}/home`, root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

interface LockCaps {
  terminal_exec?: { allowed: boolean; commands: string[]; blocked: string[] };
  network: string[];
  filesystem_read: string[];
  env_read: string[];
  secrets_access: boolean;
}

async function lockedCaps(home: string, id: string): Promise<LockCaps | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${home}/skills.lock`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const lock = parse(text) as {
    skills?: Array<{ id: string; capabilities: LockCaps }>;
  };
  return lock.skills?.find((s) => s.id === id)?.capabilities;
}

Deno.test("install without a terminal: the grant rules", async (t) => {
  await withHome(async (home, work) => {
    const ops = await writeSkill(work, { id: "cloud.ops", capabilities: OPS_CAPS });
    const low = await writeSkill(work, {
      id: "tool.lowrisk",
      capabilities: ['env_read = ["LANG"]', 'network = ["api.example.com"]'],
    });

    await t.step(
      "terminal_exec requested, no --yes: exit 3, says --yes, nothing installed",
      async () => {
        const r = await runCaro(["skill", "add", ops], { home });
        equal(r.code, 3, r.stderr);
        match(r.stderr, /high:\n\s+terminal_exec\s+aws, kubectl/);
        match(r.stderr, /Error: Not installed: cloud\.ops requests terminal_exec \(high\)/);
        match(r.stderr, /stdin is not a terminal/);
        match(r.stderr, /To grant what it requests: caro skill add \S+cloud\.ops --yes/);
        deepStrictEqual(await namesIn(`${home}/skills`), []);
        equal(await lockedCaps(home, "cloud.ops"), undefined);
      },
    );

    await t.step("low and medium only: installs with nothing granted and a note", async () => {
      const r = await runCaro(["skill", "add", low], { home });
      equal(r.code, 0, r.stderr);
      match(r.stderr, /Not granted: network \(medium\), env_read \(low\)/);
      match(r.stdout, /none granted/);
      const caps = await lockedCaps(home, "tool.lowrisk");
      deepStrictEqual([caps?.network, caps?.env_read], [[], []]);
    });

    await t.step("--yes installs with the grant in skills.lock", async () => {
      const r = await runCaro(["skill", "add", ops, "--yes", "--format", "json"], { home });
      equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      deepStrictEqual(out.grantedCapabilities, [
        "terminal_exec",
        "filesystem_read",
        "network",
        "env_read",
      ]);
      const caps = await lockedCaps(home, "cloud.ops");
      deepStrictEqual({ ...caps?.terminal_exec }, {
        allowed: true,
        commands: ["aws", "kubectl"],
        blocked: ["rm", "dd", "mkfs"],
      });
      deepStrictEqual(caps?.network, ["*.amazonaws.com"]);
    });

    await t.step("remove --keep-config, then add again: kept grants, no question", async () => {
      equal((await runCaro(["skill", "remove", "cloud.ops", "--keep-config"], { home })).code, 0);
      const r = await runCaro(["skill", "add", ops], { home });
      equal(r.code, 0, r.stderr);
      ok(!/requests th/.test(r.stderr), r.stderr);
      equal((await lockedCaps(home, "cloud.ops"))?.terminal_exec?.allowed, true);
    });
  });
});

Deno.test("config.toml policy: never_grant wins over --yes; always_confirm needs a terminal", async (t) => {
  await withHome(async (home, work) => {
    const ops = await writeSkill(work, { id: "cloud.ops", capabilities: OPS_CAPS });
    await Deno.mkdir(home, { recursive: true });

    await t.step("never_grant = [terminal_exec] with --yes: installed without it", async () => {
      await Deno.writeTextFile(
        `${home}/config.toml`,
        '[skills.capabilities]\nnever_grant = ["terminal_exec"]\n',
      );
      const r = await runCaro(["skill", "add", ops, "--yes"], { home });
      equal(r.code, 0, r.stderr);
      match(r.stderr, /Not granting terminal_exec to cloud\.ops: never_grant in config\.toml/);
      const caps = await lockedCaps(home, "cloud.ops");
      equal(caps?.terminal_exec, undefined);
      deepStrictEqual(caps?.network, ["*.amazonaws.com"]);
    });

    await t.step("grant of a never_grant capability is refused (exit 3)", async () => {
      const r = await runCaro(["skill", "capabilities", "cloud.ops", "grant", "terminal_exec"], {
        home,
      });
      equal(r.code, 3, r.stderr);
      match(r.stderr, /config\.toml forbids it/);
      equal((await lockedCaps(home, "cloud.ops"))?.terminal_exec, undefined);
    });

    await t.step(
      "always_confirm: --yes without a terminal is refused, state untouched",
      async () => {
        await Deno.writeTextFile(
          `${home}/config.toml`,
          '[skills.capabilities]\nalways_confirm = ["terminal_exec"]\n',
        );
        const lockBefore = await Deno.readTextFile(`${home}/skills.lock`);
        const r = await runCaro(["skill", "add", ops, "--yes", "--force"], { home });
        equal(r.code, 3, r.stderr);
        match(r.stderr, /--yes does not grant terminal_exec \(always_confirm in config\.toml\)/);
        equal(await Deno.readTextFile(`${home}/skills.lock`), lockBefore);
      },
    );

    await t.step("an unknown name in config.toml is a validation error (exit 5)", async () => {
      await Deno.writeTextFile(
        `${home}/config.toml`,
        '[skills.capabilities]\nnever_grant = ["shell"]\n',
      );
      const r = await runCaro(["skill", "add", ops, "--yes", "--force"], { home });
      equal(r.code, 5, r.stderr);
      match(r.stderr, /"shell" is not a capability/);
    });
  });
});

Deno.test("caro skill capabilities: show, grant/revoke, dry checks, audit", async (t) => {
  await withHome(async (home, work) => {
    const ops = await writeSkill(work, { id: "cloud.ops", capabilities: OPS_CAPS });
    equal((await runCaro(["skill", "add", ops, "--yes"], { home })).code, 0);
    const cap = (args: string[]) =>
      runCaro(["skill", "capabilities", "cloud.ops", ...args], {
        home,
        cwd: work,
      });

    await t.step("shows requested vs granted with risk", async () => {
      const r = await cap([]);
      equal(r.code, 0, r.stderr);
      match(r.stdout, /terminal_exec\s+high\s+granted\s+aws, kubectl \(blocked: rm, dd, mkfs\)/);
      match(r.stdout, /secrets_access\s+critical\s+not requested/);
      const json = JSON.parse((await cap(["--format", "json"])).stdout);
      const net = json.capabilities.find((c: { name: string }) => c.name === "network");
      deepStrictEqual(net, {
        name: "network",
        risk: "medium",
        requested: ["*.amazonaws.com"],
        granted: ["*.amazonaws.com"],
        status: "granted",
      });
    });

    await t.step("revoke then grant round-trips through skills.lock", async () => {
      const revoked = await cap(["revoke", "terminal_exec"]);
      equal(revoked.code, 0, revoked.stderr);
      match(revoked.stdout, /Revoked terminal_exec from cloud\.ops/);
      equal((await lockedCaps(home, "cloud.ops"))?.terminal_exec, undefined);
      match((await cap([])).stdout, /terminal_exec\s+high\s+not granted/);
      const denied = await cap(["--check-command", "aws s3 ls"]);
      equal(denied.code, 3, denied.stderr);
      match(denied.stdout, /terminal_exec is not granted to cloud\.ops/);
      const granted = await cap(["grant", "terminal_exec"]);
      equal(granted.code, 0, granted.stderr);
      match(granted.stdout, /Granted terminal_exec to cloud\.ops: aws, kubectl/);
      equal((await lockedCaps(home, "cloud.ops"))?.terminal_exec?.allowed, true);
      match((await cap(["grant", "terminal_exec"])).stdout, /already granted/);
    });

    await t.step("grant refuses what the skill does not request, and unknown names", async () => {
      const r = await cap(["grant", "secrets_access"]);
      equal(r.code, 64, r.stderr);
      match(r.stderr, /cloud\.ops does not request secrets_access/);
      const typo = await cap(["grant", "netwrok"]);
      equal(typo.code, 64);
      match(typo.stderr, /grant network: caro skill capabilities cloud\.ops grant network/);
    });

    const checks: Array<{ args: string[]; code: number; text: RegExp; logged?: string }> = [
      {
        args: ["--check-command", "aws s3 ls | xargs -n1 curl"],
        code: 3,
        text: /curl is not in the allowed commands/,
      },
      {
        args: ["--check-command", "aws s3 ls --region eu-west-1"],
        code: 0,
        text: /allowed\s+terminal_exec/,
      },
      {
        args: ["--check-command", "kubectl get pods && sudo \\rm -rf /"],
        code: 3,
        text: /rm is blocked/,
      },
      { args: ["--check-command", 'eval "$X"'], code: 3, text: /denied\s+terminal_exec/ },
      { args: ["--check-path", "./data/a.csv"], code: 0, text: /inside the granted read root/ },
      {
        args: ["--check-path", "./data/a.csv", "--write"],
        code: 3,
        text: /no filesystem write access/,
      },
      {
        args: ["--check-path", "./data/../secret"],
        code: 3,
        text: /outside the granted read roots/,
      },
      {
        args: ["--check-url", "https://s3.amazonaws.com/bucket"],
        code: 0,
        text: /allowed\s+network/,
      },
      {
        args: ["--check-url", "https://s3.amazonaws.com@evil.com/"],
        // userinfo may be a credential: the audit log never holds it
        logged: "https://***@evil.com/",
        code: 3,
        text: /denied\s+network/,
      },
    ];
    for (const row of checks) {
      await t.step(`${row.args.join(" ")} → exit ${row.code}`, async () => {
        const r = await cap(row.args);
        equal(r.code, row.code, r.stdout + r.stderr);
        match(r.stdout, row.text);
      });
    }

    await t.step("--format json of a check; nothing is granted by a check", async () => {
      const before = await Deno.readTextFile(`${home}/skills.lock`);
      const r = await cap(["--check-url", "https://example.com/", "--format", "json"]);
      equal(r.code, 3);
      const out = JSON.parse(r.stdout);
      equal(out.allowed, false);
      equal(out.checks[0].capability, "network");
      equal(await Deno.readTextFile(`${home}/skills.lock`), before);
    });

    await t.step(
      "every check wrote an audit line; caro skill audit --format json returns them",
      async () => {
        const r = await runCaro(["skill", "audit", "cloud.ops", "--format", "json"], { home });
        equal(r.code, 0, r.stderr);
        const entries = JSON.parse(r.stdout).entries as Array<Record<string, unknown>>;
        // one denied check after the revoke, the table rows, and the json check
        equal(entries.length, 1 + checks.length + 1);
        // The checks wrote their lines in order, after the one of the revoked grant.
        checks.forEach((row, i) => {
          const entry = entries[1 + i];
          equal(entry.resource, row.logged ?? row.args[1]);
          equal(entry.result, row.code === 0 ? "allowed" : "denied");
          equal(entry.user_confirmed, null);
          equal(entry.execution_result, null);
        });
        equal(entries[0].reason, "terminal_exec is not granted to cloud.ops");
        const table = await runCaro(["skill", "audit", "--since", "1h"], { home });
        equal(table.code, 0, table.stderr);
        match(table.stdout, /TIME\s+SKILL\s+CAPABILITY\s+RESULT/);
        match(table.stdout, /cloud\.ops\s+network\s+denied/);
        const future = await runCaro([
          "skill",
          "audit",
          "--since",
          "2999-01-01T00:00:00Z",
          "--format",
          "json",
        ], { home });
        deepStrictEqual(JSON.parse(future.stdout).entries, []);
        const bad = await runCaro(["skill", "audit", "--since", "yesterday"], { home });
        equal(bad.code, 64);
      },
    );

    await t.step("an unknown id exits 1 with the nearest id", async () => {
      const r = await runCaro(["skill", "capabilities", "cloud.opz"], { home });
      equal(r.code, 1);
      match(r.stderr, /caro skill info cloud\.ops/);
    });

    await t.step("a bundled skill: trusted with its requests, grants cannot change", async () => {
      const r = await runCaro(["skill", "capabilities", "core.shell", "--format", "json"], {
        home,
      });
      equal(r.code, 0, r.stderr);
      equal(JSON.parse(r.stdout).bundled, true);
      const change = await runCaro(["skill", "capabilities", "core.shell", "revoke", "network"], {
        home,
      });
      equal(change.code, 64);
    });
  });
});

Deno.test("audit.log rotates at config.toml [audit] max_bytes and audit reads both files", async () => {
  await withHome(async (home, work) => {
    const ops = await writeSkill(work, { id: "cloud.ops", capabilities: OPS_CAPS });
    equal((await runCaro(["skill", "add", ops, "--yes"], { home })).code, 0);
    await Deno.writeTextFile(`${home}/config.toml`, "[audit]\nmax_bytes = 1024\n");
    const long = `aws s3 ls ${"x".repeat(300)}`;
    for (let i = 0; i < 5; i++) {
      const r = await runCaro([
        "skill",
        "capabilities",
        "cloud.ops",
        "--check-command",
        `${long} ${i}`,
      ], {
        home,
      });
      equal(r.code, 0, r.stderr);
    }
    ok((await Deno.stat(`${home}/audit.log.1`)).isFile, "rotated to audit.log.1");
    ok((await Deno.stat(`${home}/audit.log`)).size <= 1024 + 600);
    const r = await runCaro(["skill", "audit", "--format", "json"], { home });
    const entries = JSON.parse(r.stdout).entries as Array<{ resource: string }>;
    ok(entries.length >= 2, "entries from both files");
    equal(entries.at(-1)?.resource, `${long} 4`);
  });
});
