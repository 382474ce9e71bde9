import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { SkillError } from "../errors/mod.ts";
import { NonInteractivePrompter } from "../terminal/mod.ts";
import {
  CapabilitiesSchema,
  consentToCapabilities,
  covers,
  grantCapability,
  requestedCapabilityNames,
  revokeCapability,
} from "./mod.ts";

const OPS = CapabilitiesSchema.parse({
  terminal_exec: { allowed: true, commands: ["aws", "kubectl"], blocked: ["rm"] },
  network: ["*.amazonaws.com"],
  env_read: ["AWS_*"],
});
const LOW = CapabilitiesSchema.parse({ env_read: ["AWS_*"], network: ["api.example.com"] });
const SECRETS = CapabilitiesSchema.parse({ secrets_access: true, env_read: ["GH_*"] });

Deno.test("consentToCapabilities without a terminal", async (t) => {
  const table = [
    {
      name: "--yes grants everything requested",
      requested: OPS,
      assumeYes: true,
      policy: { alwaysConfirm: [], neverGrant: [] },
      granted: ["terminal_exec", "network", "env_read"],
    },
    {
      name: "never_grant wins over --yes; the rest is granted",
      requested: OPS,
      assumeYes: true,
      policy: { alwaysConfirm: [], neverGrant: ["terminal_exec" as const] },
      granted: ["network", "env_read"],
    },
    {
      name: "low and medium only, no --yes: installs with nothing granted",
      requested: LOW,
      assumeYes: false,
      policy: { alwaysConfirm: [], neverGrant: [] },
      granted: [],
    },
    {
      name: "--yes with always_confirm on a medium capability: that one is left out",
      requested: LOW,
      assumeYes: true,
      policy: { alwaysConfirm: ["network" as const], neverGrant: [] },
      granted: ["env_read"],
    },
    {
      name: "nothing requested: nothing asked, nothing granted",
      requested: CapabilitiesSchema.parse({}),
      assumeYes: false,
      policy: { alwaysConfirm: [], neverGrant: [] },
      granted: [],
    },
    {
      name: "grants held before cover the same request without asking",
      requested: OPS,
      previous: OPS,
      assumeYes: false,
      policy: { alwaysConfirm: [], neverGrant: [] },
      granted: ["terminal_exec", "network", "env_read"],
    },
  ];
  for (const row of table) {
    await t.step(row.name, async () => {
      const lines: string[] = [];
      const result = await consentToCapabilities({
        skillId: "cloud.ops",
        requested: row.requested,
        previous: row.previous,
        policy: row.policy,
        prompter: new NonInteractivePrompter(),
        assumeYes: row.assumeYes,
        write: (line) => lines.push(line),
      });
      deepStrictEqual(result.grantedNames, row.granted);
      deepStrictEqual(requestedCapabilityNames(result.granted), row.granted);
      equal(result.asked, false);
    });
  }

  const refusals = [
    {
      name: "high risk, no --yes: capability_denied naming --yes",
      requested: OPS,
      assumeYes: false,
      policy: { alwaysConfirm: [], neverGrant: [] },
      why: /not a terminal/,
      hint: /--yes/,
    },
    {
      name: "critical risk, no --yes",
      requested: SECRETS,
      assumeYes: false,
      policy: { alwaysConfirm: [], neverGrant: [] },
      why: /not a terminal/,
      hint: /--yes/,
    },
    {
      name: "--yes does not cover always_confirm (high): refused",
      requested: OPS,
      assumeYes: true,
      policy: { alwaysConfirm: ["terminal_exec" as const], neverGrant: [] },
      why: /always_confirm/,
      hint: /on a terminal/,
    },
    {
      name: "a widened request is asked again (a new command), refused without a terminal",
      requested: OPS,
      previous: CapabilitiesSchema.parse({
        terminal_exec: { allowed: true, commands: ["aws"], blocked: ["rm"] },
        network: ["*.amazonaws.com"],
        env_read: ["AWS_*"],
      }),
      assumeYes: false,
      policy: { alwaysConfirm: [], neverGrant: [] },
      why: /not a terminal/,
      hint: /--yes/,
    },
  ];
  for (const row of refusals) {
    await t.step(row.name, async () => {
      await rejects(
        consentToCapabilities({
          skillId: "cloud.ops",
          requested: row.requested,
          previous: row.previous,
          policy: row.policy,
          prompter: new NonInteractivePrompter(),
          assumeYes: row.assumeYes,
          write: () => {},
          yesCommand: "caro skill add ./ops --yes",
        }),
        (error) => {
          ok(error instanceof SkillError);
          equal(error.code, "capability_denied");
          ok(row.why.test(error.why ?? ""), error.why);
          ok(
            error.hints.some((h) => row.hint.test(`${h.to} ${h.run}`)),
            JSON.stringify(error.hints),
          );
          return true;
        },
      );
    });
  }
});

Deno.test("consentToCapabilities shows requests grouped by risk, most dangerous first", async () => {
  const lines: string[] = [];
  await consentToCapabilities({
    skillId: "cloud.ops",
    version: "1.2.0",
    requested: CapabilitiesSchema.parse({ ...OPS, secrets_access: true }),
    policy: { alwaysConfirm: [], neverGrant: [] },
    prompter: new NonInteractivePrompter(),
    assumeYes: true,
    write: (line) => lines.push(line),
  });
  const text = lines.join("\n");
  ok(text.startsWith("cloud.ops 1.2.0 requests these capabilities:"), text);
  const order = ["critical:", "high:", "medium:", "low:"].map((h) => text.indexOf(h));
  deepStrictEqual([...order].sort((a, b) => a - b), order, text);
  ok(!order.includes(-1), text);
  ok(/terminal_exec\s+aws, kubectl \(blocked: rm\)/.test(text), text);
});

Deno.test("covers, grantCapability, revokeCapability", async (t) => {
  const grantedAws = CapabilitiesSchema.parse({
    terminal_exec: { allowed: true, commands: ["aws"], blocked: ["rm"] },
  });
  const rows = [
    { name: "same request", granted: grantedAws, requested: grantedAws, want: true },
    {
      name: "a new command widens",
      granted: grantedAws,
      requested: CapabilitiesSchema.parse({
        terminal_exec: { allowed: true, commands: ["aws", "sh"], blocked: ["rm"] },
      }),
      want: false,
    },
    {
      name: "dropping a blocked command widens",
      granted: grantedAws,
      requested: CapabilitiesSchema.parse({ terminal_exec: { allowed: true, commands: ["aws"] } }),
      want: false,
    },
    {
      name: "an allowlist narrower than an all-commands grant is covered",
      granted: CapabilitiesSchema.parse({ terminal_exec: { allowed: true } }),
      requested: grantedAws,
      want: true,
    },
    {
      name: "an all-commands request is not covered by an allowlist",
      granted: grantedAws,
      requested: CapabilitiesSchema.parse({ terminal_exec: { allowed: true, blocked: ["rm"] } }),
      want: false,
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => {
      equal(covers(row.granted, row.requested, "terminal_exec"), row.want);
    });
  }
  await t.step("grant then revoke is back to nothing, other grants untouched", () => {
    const base = CapabilitiesSchema.parse({ env_read: ["HOME"] });
    const granted = grantCapability(base, OPS, "terminal_exec");
    deepStrictEqual(granted.terminal_exec, OPS.terminal_exec);
    equal(base.terminal_exec, undefined, "the input is not changed");
    const revoked = revokeCapability(granted, "terminal_exec");
    deepStrictEqual(revoked, base);
  });
});
