import { equal, throws } from "node:assert/strict";
import { parseSkillsFilter } from "./filter.ts";
import { SkillError } from "../errors/mod.ts";

Deno.test("parseSkillsFilter", async (t) => {
  const ids = ["core.shell", "core.posix", "cloud.aws", "tool.jq"];
  const cases: Array<[string | undefined, string[]]> = [
    [undefined, ids],
    ["all", ids],
    ["none", []],
    ["tool.jq", ["tool.jq"]],
    ["tool.jq, cloud.aws", ["cloud.aws", "tool.jq"]],
    ["!core.posix", ["core.shell", "cloud.aws", "tool.jq"]],
    ["!core.*", ["cloud.aws", "tool.jq"]],
    ["core.*,!core.posix", ["core.shell"]],
    ["unknown.id", []],
  ];
  for (const [spec, expected] of cases) {
    await t.step(`--skills=${spec}`, () => {
      const use = parseSkillsFilter(spec);
      equal(ids.filter(use).sort().join(), [...expected].sort().join());
    });
  }
  for (const bad of ["a,,b", "!", "tool.jq,"]) {
    await t.step(`refused: ${bad}`, () => {
      throws(
        () => parseSkillsFilter(bad),
        (e: unknown) => e instanceof SkillError && e.code === "usage",
      );
    });
  }
});
