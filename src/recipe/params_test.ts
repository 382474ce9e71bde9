import { deepStrictEqual, rejects } from "node:assert/strict";
import { SkillError } from "../errors/mod.ts";
import { NonInteractivePrompter } from "../terminal/mod.ts";
import { resolveParameters } from "./params.ts";
import { RecipeSchema } from "./schema.ts";

const RECIPE = RecipeSchema.parse({
  id: "r",
  name: "R",
  version: "1.0.0",
  steps: [{ id: "s", name: "S", command: "true" }],
  parameters: [
    { name: "source", required: true },
    { name: "tag", required: true, validation: "v[0-9]+" },
    { name: "level", type: "number", default: 6 },
    { name: "force", type: "bool", default: false },
    { name: "compress", type: "enum", values: ["gz", "xz"], default: "gz" },
    { name: "note" },
  ],
});

Deno.test("resolveParameters", async (t) => {
  await t.step("given values, defaults and canonical forms", async () => {
    deepStrictEqual(
      await resolveParameters(RECIPE, { source: "/d", tag: "v2", level: "7.50", force: "YES" }),
      { source: "/d", tag: "v2", level: "7.5", force: "true", compress: "gz", note: "" },
    );
  });
  const refused: Array<[string, Record<string, string>, RegExp]> = [
    ["validation matches the whole value", { source: "/d", tag: "v2; rm -rf ~" }, /does not match/],
    [
      "a validated value too long to match safely",
      { source: "/d", tag: `v${"1".repeat(5000)}` },
      /at most 4096/,
    ],
    ["not a number", { source: "/d", tag: "v1", level: "6x" }, /is not a number/],
    ["not a bool", { source: "/d", tag: "v1", force: "maybe" }, /is not a bool/],
    ["not in the enum", { source: "/d", tag: "v1", compress: "zip" }, /is not one of gz, xz/],
    ["an unknown name", { source: "/d", tag: "v1", sorce: "x" }, /has no parameter "sorce"/],
    ["missing, no terminal: all listed", {}, /needs source, tag/],
  ];
  for (const [name, given, message] of refused) {
    await t.step(name, async () => {
      await rejects(
        resolveParameters(RECIPE, given, { prompter: new NonInteractivePrompter() }),
        (e) => e instanceof SkillError && e.code === "usage" && message.test(e.message + e.why),
      );
    });
  }
  await t.step("the hint passes every missing value", async () => {
    await rejects(
      resolveParameters(RECIPE, {}, { commandLine: "caro recipe run x/r" }),
      (e) =>
        e instanceof SkillError &&
        e.hints[0].run === "caro recipe run x/r --param source=<value> --param tag=<value>",
    );
  });
});
