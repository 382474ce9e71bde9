import { deepStrictEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { SkillError } from "../errors/mod.ts";
import { DEFAULT_AUDIT_MAX_BYTES, policyFromConfig, readCapabilityPolicy } from "./mod.ts";

Deno.test("policyFromConfig", async (t) => {
  const rows = [
    { name: "empty config", data: {}, confirm: [], never: [], max: DEFAULT_AUDIT_MAX_BYTES },
    {
      name: "names",
      data: {
        skills: { capabilities: { always_confirm: ["network"], never_grant: ["secrets_access"] } },
      },
      confirm: ["network"],
      never: ["secrets_access"],
      max: DEFAULT_AUDIT_MAX_BYTES,
    },
    {
      name: "a risk level stands for its capabilities, in SPEC order",
      data: { skills: { capabilities: { never_grant: ["critical", "high"] } } },
      confirm: [],
      never: ["terminal_exec", "filesystem_write", "secrets_access"],
      max: DEFAULT_AUDIT_MAX_BYTES,
    },
    {
      name: "other sections are ignored; [audit] max_bytes",
      data: { llm: { model: "x" }, skills: { default: "all" }, audit: { max_bytes: 2048 } },
      confirm: [],
      never: [],
      max: 2048,
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => {
      const policy = policyFromConfig(row.data);
      deepStrictEqual(policy.alwaysConfirm, row.confirm);
      deepStrictEqual(policy.neverGrant, row.never);
      equal(policy.auditMaxBytes, row.max);
    });
  }
  const bad = [
    {
      name: "unknown name, with a suggestion",
      data: { skills: { capabilities: { never_grant: ["netwrok"] } } },
      why: /did you mean network/,
    },
    {
      name: "not a list",
      data: { skills: { capabilities: { never_grant: "network" } } },
      why: /list/,
    },
    {
      name: "capabilities not a table",
      data: { skills: { capabilities: 3 } },
      why: /must be a table/,
    },
    { name: "max_bytes too small", data: { audit: { max_bytes: 10 } }, why: /at least 1024/ },
  ];
  for (const row of bad) {
    await t.step(`refused: ${row.name}`, () => {
      throws(() => policyFromConfig(row.data), (e) => {
        ok(e instanceof SkillError && e.code === "validation");
        ok(row.why.test(e.why ?? ""), e.why);
        return true;
      });
    });
  }
});

Deno.test("readCapabilityPolicy reads config.toml; missing is the default; bad TOML is validation", async () => {
  const dir = await Deno.makeTempDir();
  try {
    equal((await readCapabilityPolicy(`${dir}/none.toml`)).neverGrant.length, 0);
    await Deno.writeTextFile(
      `${dir}/config.toml`,
      '[skills.capabilities]\nalways_confirm = ["terminal_exec"]\n[audit]\nmax_bytes = 4096\n',
    );
    const policy = await readCapabilityPolicy(`${dir}/config.toml`);
    deepStrictEqual(policy.alwaysConfirm, ["terminal_exec"]);
    equal(policy.auditMaxBytes, 4096);
    await Deno.writeTextFile(`${dir}/bad.toml`, "[skills\n");
    await rejects(readCapabilityPolicy(`${dir}/bad.toml`), (e) => {
      ok(e instanceof SkillError && e.code === "validation");
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
