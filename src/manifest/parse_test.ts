import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { parseManifest } from "./parse.ts";

const VALID = `[skill]
id = "custom.demo"
name = "Demo"
version = "1.0.0"
description = "A demo skill"
api_version = "1.0"
license = "MIT"

[provides]
knowledge = true

[knowledge]
topics = ["demo"]
`;

/** VALID with one line replaced (1-based), or with extra text appended. */
function variant(line: number, text: string): string {
  const lines = VALID.split("\n");
  lines[line - 1] = text;
  return lines.join("\n");
}

interface Row {
  name: string;
  source: string;
  options?: { isBundled?: boolean; caroVersion?: string };
  /** rule, severity, line, column of the first finding */
  expect: [string, "error" | "warning", number, number];
}

const ROWS: Row[] = [
  {
    name: "TOML syntax error at the parser's position",
    source: variant(4, "version = 1.0.0"),
    expect: ["toml-syntax", "error", 4, 14],
  },
  {
    name: "version that is not semver, at its value",
    source: variant(4, 'version = "1.0"'),
    expect: ["version-semver", "error", 4, 11],
  },
  {
    name: "missing required key, at its table header",
    source: variant(5, ""),
    expect: ["missing-key", "error", 1, 1],
  },
  {
    name: "missing [provides] table",
    source: VALID.replace("[provides]\nknowledge = true\n", ""),
    expect: ["missing-key", "error", 1, 1],
  },
  {
    name: "wrong type, at the value",
    source: variant(6, "api_version = 1.0"),
    expect: ["wrong-type", "error", 6, 15],
  },
  {
    name: "id without namespace",
    source: variant(2, 'id = "demo"'),
    expect: ["id-format", "error", 2, 6],
  },
  {
    name: "id with uppercase letters",
    source: variant(2, 'id = "custom.Demo"'),
    expect: ["id-format", "error", 2, 6],
  },
  {
    name: "id with an unknown namespace",
    source: variant(2, 'id = "acme.demo"'),
    expect: ["id-namespace", "error", 2, 6],
  },
  {
    name: "core namespace outside bundled skills",
    source: variant(2, 'id = "core.demo"'),
    expect: ["id-reserved", "error", 2, 6],
  },
  {
    name: "api_version of another major",
    source: variant(6, 'api_version = "2.0"'),
    expect: ["api-version", "error", 6, 15],
  },
  {
    name: "api_version of another minor warns",
    source: variant(6, 'api_version = "1.3"'),
    expect: ["api-version", "warning", 6, 15],
  },
  {
    name: "api_version not MAJOR.MINOR",
    source: variant(6, 'api_version = "one"'),
    expect: ["api-version", "error", 6, 15],
  },
  {
    name: "unknown key warns at the key",
    source: variant(7, 'licence = "MIT"'),
    expect: ["unknown-key", "warning", 7, 1],
  },
  {
    name: "unknown table warns",
    source: `${VALID}\n[capabilites]\nnetwork = []\n`,
    expect: ["unknown-key", "warning", 15, 1],
  },
  {
    name: "dependency range that does not parse",
    source: `${VALID}\n[dependencies]\n"tool.jq" = "banana"\n`,
    expect: ["dependency-range", "error", 16, 13],
  },
  {
    name: "dependency table range that does not parse",
    source: `${VALID}\n[dependencies]\n"tool.jq" = { version = "~>banana", optional = true }\n`,
    expect: ["dependency-range", "error", 16, 25],
  },
  {
    name: "dependency id that is not an id",
    source: `${VALID}\n[dependencies]\njq = "1.0"\n`,
    expect: ["dependency-id", "error", 16, 1],
  },
  {
    name: "executable module leaving the folder",
    source: `${VALID}\n[executable]\nmodule = "../evil.wasm"\n`,
    expect: ["path-escape", "error", 16, 10],
  },
  {
    name: "absolute executable module",
    source: `${VALID}\n[executable]\nmodule = "/tmp/evil.wasm"\n`,
    expect: ["path-escape", "error", 16, 10],
  },
  {
    name: "recipe glob leaving the folder",
    source: `${VALID}\n[recipes]\nfiles = ["recipes/*.yaml", "../x/*.yaml"]\n`,
    expect: ["path-escape", "error", 16, 28],
  },
  {
    name: "provides.executable without [executable]",
    source: variant(10, "knowledge = true\nexecutable = true"),
    expect: ["provides-executable", "error", 11, 14],
  },
  {
    name: "invalid default_confirmation",
    source: `${VALID}\n[recipes]\ndefault_confirmation = "sometimes"\n`,
    expect: ["invalid-value", "error", 16, 24],
  },
  {
    name: "knowledge without topics warns",
    source: VALID.replace('[knowledge]\ntopics = ["demo"]\n', ""),
    expect: ["knowledge-topics", "warning", 10, 13],
  },
  {
    name: "min_caro_version newer than this caro",
    source: variant(7, 'min_caro_version = "99.0.0"'),
    options: { caroVersion: "0.1.0" },
    expect: ["min-caro-version", "error", 7, 20],
  },
];

Deno.test("parseManifest reports each rule at its file, line and column", async (t) => {
  for (const row of ROWS) {
    await t.step(row.name, async () => {
      const { manifest, diagnostics } = await parseManifest(row.source, row.options);
      ok(diagnostics.length > 0, "expected a finding");
      const d = diagnostics[0];
      deepStrictEqual([d.rule, d.severity, d.line, d.column], row.expect, JSON.stringify(d));
      equal(d.file, "skill.toml");
      ok(d.hint === undefined || d.hint.length > 0);
      equal(manifest === undefined, diagnostics.some((x) => x.severity === "error"));
    });
  }
});

Deno.test("parseManifest accepts a valid manifest and resolves defaults", async () => {
  const { manifest, diagnostics } = await parseManifest(VALID);
  deepStrictEqual(diagnostics, []);
  ok(manifest);
  equal(manifest.id, "custom.demo");
  equal(manifest.knowledge.priority, 50);
  equal(manifest.knowledge.maxContextTokens, 1000);
  deepStrictEqual(manifest.recipes.files, ["recipes/*.yaml"]);
  equal(manifest.recipes.defaultConfirmation, "prompt");
  equal(manifest.capabilities.secrets_access, false);
});

Deno.test("parseManifest lets bundled skills use the core namespace", async () => {
  const source = variant(2, 'id = "core.demo"');
  const { manifest } = await parseManifest(source, { isBundled: true });
  equal(manifest?.id, "core.demo");
});

Deno.test("parseManifest resolves every optional section", async () => {
  const source = `${VALID}
[knowledge.synonyms]
demo = ["example"]

[recipes]
files = ["recipes/*.yml"]
default_confirmation = "always"

[capabilities]
terminal_exec = { allowed = true, commands = ["aws"], blocked = ["rm"] }
network = ["*.amazonaws.com"]

[dependencies]
"core.posix" = ">=1.0,<2.0"
"tool.jq" = { version = "1.0", optional = true, features = ["x"] }

[suggestions]
"tool.yq" = "YAML too"

[features]
extra = { description = "More", default = true }

[platform]
os = ["linux"]
required_tools = ["aws"]
`;
  const { manifest, diagnostics } = await parseManifest(source);
  deepStrictEqual(diagnostics, []);
  ok(manifest);
  deepStrictEqual(manifest.knowledge.synonyms, { demo: ["example"] });
  equal(manifest.recipes.defaultConfirmation, "always");
  deepStrictEqual(manifest.capabilities.terminal_exec, {
    allowed: true,
    commands: ["aws"],
    blocked: ["rm"],
  });
  deepStrictEqual(manifest.dependencies, [
    { id: "core.posix", range: ">=1.0,<2.0", optional: false, features: [] },
    { id: "tool.jq", range: "1.0", optional: true, features: ["x"] },
  ]);
  deepStrictEqual(manifest.features, { extra: { description: "More", default: true } });
  deepStrictEqual(manifest.platform.requiredTools, ["aws"]);
});

Deno.test("unknown keys suggest the nearest known key", async () => {
  const { diagnostics, manifest } = await parseManifest(variant(7, 'licence = "MIT"'));
  ok(manifest, "a warning does not stop the manifest");
  equal(diagnostics[0].hint, "did you mean `license`?");
});
