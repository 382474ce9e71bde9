import { deepStrictEqual, throws } from "node:assert/strict";
import { Lockfile } from "../../src/lockfile/mod.ts";
import { SkillError } from "../../src/errors/mod.ts";

const ENTRY = `
[[skills]]
id = "tool.jq"
version = "1.2.0"
source = "file:///src/jq"
integrity = "sha256:${"a".repeat(64)}"
installed = 2026-01-02T03:04:05Z
future_entry_key = "kept"

[skills.capabilities]
network = ["api.example.com"]
`;

Deno.test("skills.lock round trip", async (t) => {
  await t.step("SPEC §4 keys read into the model, unknown keys kept", () => {
    const lock = Lockfile.parse(`version = 1\nfuture_top_key = 7\n${ENTRY}`);
    const jq = lock.get("tool.jq")!;
    deepStrictEqual(jq.installed, "2026-01-02T03:04:05.000Z");
    deepStrictEqual(jq.enabled, true);
    deepStrictEqual(jq.capabilities.network, ["api.example.com"]);
    const again = Lockfile.parse(lock.toToml());
    deepStrictEqual(again.get("tool.jq"), jq);
    deepStrictEqual(lock.toToml().includes("future_top_key = 7"), true);
    deepStrictEqual(lock.toToml().includes('future_entry_key = "kept"'), true);
  });

  await t.step("writing is deterministic: equal locks give equal text", () => {
    const a = Lockfile.parse(`version = 1\n${ENTRY}`);
    const b = Lockfile.parse(a.toToml());
    deepStrictEqual(a.toToml(), b.toToml());
  });

  const bad: Array<[string, string]> = [
    ["not TOML", "version = = 1"],
    ["unknown format version", "version = 2"],
    ["integrity that is not sha256 hex", `version = 1\n${ENTRY.replace(/a{64}/, "xyz")}`],
    ["entry without an id", `version = 1\n${ENTRY.replace('id = "tool.jq"', "")}`],
  ];
  for (const [why, text] of bad) {
    await t.step(`refused: ${why}`, () => {
      throws(
        () => Lockfile.parse(text),
        (e: unknown) => e instanceof SkillError && e.code === "validation",
      );
    });
  }
});
