import { type Diagnostic, exitCodeOf, SkillError, ValidationError } from "./mod.ts";

const semver: Diagnostic = {
  severity: "error",
  rule: "version-semver",
  file: "skill.toml",
  line: 4,
  column: 11,
  message: 'version "1.0" is not semver',
  hint: 'write three numbers, e.g. version = "1.0.0"',
};
const unknownKey: Diagnostic = {
  severity: "warning",
  rule: "unknown-key",
  file: "skill.toml",
  line: 9,
  column: 1,
  message: "unknown key colour",
};
const missingFile: Diagnostic = {
  severity: "error",
  rule: "missing-file",
  file: "knowledge/prompts/context.md",
  message: "provides.knowledge is true but the file does not exist",
};

Deno.test("ValidationError says why in one line per finding that stopped it", async (t) => {
  const cases: ReadonlyArray<readonly [string, Diagnostic[], string]> = [
    [
      "an error with a place and a hint",
      [semver],
      'skill.toml:4:11 version "1.0" is not semver (write three numbers, e.g. version = "1.0.0")',
    ],
    [
      "a file without a line",
      [missingFile],
      "knowledge/prompts/context.md provides.knowledge is true but the file does not exist",
    ],
    [
      "errors only, in order, when there are errors",
      [unknownKey, semver, missingFile],
      'skill.toml:4:11 version "1.0" is not semver (write three numbers, e.g. version = "1.0.0")\n' +
      "knowledge/prompts/context.md provides.knowledge is true but the file does not exist",
    ],
    [
      "warnings when there is no error (--strict)",
      [unknownKey],
      "skill.toml:9:1 unknown key colour",
    ],
    ["nothing", [], ""],
  ];
  for (const [name, diagnostics, why] of cases) {
    await t.step(name, () => {
      const error = new ValidationError("custom.demo is not a valid skill", diagnostics);
      if (error.why !== why) throw new Error(JSON.stringify(error.why));
      if (error.diagnostics.length !== diagnostics.length) throw new Error("findings dropped");
    });
  }
});

Deno.test("ValidationError is a validation SkillError that keeps every finding", () => {
  const cause = new Error("parse failed");
  const diagnostics = [semver, unknownKey];
  const hints = [{ to: "see every finding", run: "caro skill validate ./custom.demo" }];
  const error = new ValidationError(
    "custom.demo is not a valid skill: 1 error, 1 warning",
    diagnostics,
    { hints, cause },
  );
  diagnostics.pop(); // the caller's array changing later must not change the error
  if (!(error instanceof SkillError) || error.code !== "validation") {
    throw new Error("not a SkillError");
  }
  if (exitCodeOf(error) !== 5) throw new Error(`exit code ${exitCodeOf(error)}`);
  if (error.name !== "ValidationError") throw new Error(error.name);
  if (error.message !== "custom.demo is not a valid skill: 1 error, 1 warning") {
    throw new Error(error.message);
  }
  if (error.diagnostics.map((d) => d.rule).join() !== "version-semver,unknown-key") {
    throw new Error("findings not kept in order");
  }
  if (error.hints !== hints || error.cause !== cause) throw new Error("options not kept");
});
