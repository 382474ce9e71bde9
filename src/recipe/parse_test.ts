import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { parseRecipe } from "./parse.ts";
import { regexProblem } from "./regex.ts";

const BASE = `id: demo
name: Demo
version: 1.0.0
parameters:
  - { name: path, type: string, default: "." }
steps:
  - id: list
    name: List
    command: ls -- {{path}}
`;

/** [name, source, rule, line, column, severity] */
const ROWS: Array<[string, string, string, number, number, "error" | "warning"]> = [
  ["yaml syntax", "id: demo\nname: [unclosed\n", "recipe-yaml", 3, 1, "error"],
  [
    "unquoted {{ }} in a flow map",
    "id: d\nname: D\nversion: 1.0.0\nsteps: [{ id: a, name: A, command: echo {{x}} }]\n",
    "recipe-yaml",
    4,
    41,
    "error",
  ],
  ["unknown parameter", BASE.replace("{{path}}", "{{paht}}"), "unknown-parameter", 9, 20, "error"],
  [
    "misspelt key",
    BASE.replace("    name: List", "    confirmaton: always\n    name: List"),
    "unknown-key",
    8,
    5,
    "error",
  ],
  ["missing steps", "id: demo\nname: Demo\nversion: 1.0.0\n", "missing-key", 1, 1, "error"],
  ["bad id", BASE.replace("id: demo", "id: Demo_1"), "recipe-schema", 1, 5, "error"],
  ["version not semver", BASE.replace("1.0.0", "1.0.0.1"), "version-semver", 3, 10, "error"],
  ["version read as a number", BASE.replace("1.0.0", "1.0"), "recipe-schema", 3, 10, "error"],
  [
    "duplicate step id",
    BASE + "  - { id: list, name: Again, command: 'ls -la' }\n",
    "duplicate-step-id",
    10,
    11,
    "error",
  ],
  [
    "duplicate parameter",
    BASE.replace("parameters:\n", "parameters:\n  - { name: path }\n"),
    "duplicate-parameter",
    6,
    13,
    "error",
  ],
  ["bad type", BASE.replace("type: string", "type: text"), "recipe-schema", 5, 25, "error"],
  [
    "enum without values",
    BASE.replace("type: string", "type: enum"),
    "enum-values",
    5,
    25,
    "error",
  ],
  [
    "default outside the enum",
    BASE.replace('type: string, default: "."', "type: enum, values: [a, b], default: c"),
    "default-invalid",
    5,
    56,
    "error",
  ],
  [
    "catastrophic validation regex",
    BASE.replace('default: "."', 'validation: "(a+)+$"'),
    "regex-backtracking",
    5,
    45,
    "error",
  ],
  [
    "regex that does not compile",
    BASE.replace('default: "."', 'validation: "([a-z"'),
    "regex-invalid",
    5,
    45,
    "error",
  ],
  [
    "bad confirmation",
    BASE.replace("    name: List", "    confirmation: maybe\n    name: List"),
    "recipe-schema",
    8,
    19,
    "error",
  ],
  [
    "negative timeout",
    BASE.replace("    name: List", "    timeout: -1\n    name: List"),
    "recipe-schema",
    8,
    14,
    "error",
  ],
  [
    "json_path without equals or contains",
    BASE + "verification:\n  - check: cat x.json\n    expect: { json_path: $.status }\n",
    "json-path",
    12,
    26,
    "error",
  ],
  [
    "json_path with a script expression",
    BASE +
    "verification:\n  - check: cat x.json\n    expect: { json_path: '$..[?(@.x)]', equals: 1 }\n",
    "json-path",
    12,
    26,
    "error",
  ],
  [
    "custom precondition without args or script",
    BASE + "preconditions:\n  - { check: custom, message: m }\n",
    "precondition-custom",
    11,
    14,
    "error",
  ],
  [
    "rollback tied to an unknown step",
    BASE + "rollback:\n  - { command: 'rm -f x', step: lst }\n",
    "rollback-step",
    11,
    33,
    "error",
  ],
  [
    "quoted reference",
    BASE.replace("ls -- {{path}}", 'ls -- "{{path}}"'),
    "unsafe-parameter-context",
    9,
    14,
    "error",
  ],
];

Deno.test("parseRecipe reports each rule at its line and column", async (t) => {
  for (const [name, source, rule, line, column, severity] of ROWS) {
    await t.step(name, () => {
      const { recipe, diagnostics } = parseRecipe(source, { file: "recipes/demo.yaml" });
      const d = diagnostics.find((x) => x.rule === rule);
      ok(d, `${rule} not found in ${JSON.stringify(diagnostics)}`);
      deepStrictEqual(
        [d.rule, d.severity, d.file, d.line, d.column],
        [rule, severity, "recipes/demo.yaml", line, column],
        JSON.stringify(d),
      );
      ok(d.hint, "every finding says what to do");
      equal(recipe === undefined, severity === "error");
    });
  }
});

Deno.test("the SPEC §3 example and the bundled recipes parse clean", async (t) => {
  const root = new URL("../../skills/core.posix/recipes/", import.meta.url);
  for (const entry of Deno.readDirSync(root)) {
    await t.step(entry.name, () => {
      const text = Deno.readTextFileSync(new URL(entry.name, root));
      const { recipe, diagnostics } = parseRecipe(text, { file: entry.name });
      deepStrictEqual(diagnostics, []);
      ok(recipe);
    });
  }
});

// Attack table: validation regexes that take exponential time on a near miss.
const REDOS: Array<[string, string]> = [
  ["(a+)+$", "the textbook nested quantifier"],
  ["^(\\w*)*$", "star of star"],
  ["^(a|aa)+b$", "overlapping alternation"],
  ["^([a-z]+\\s?)*$", "optional separator does not separate"],
  ["^(?:x+x+)+y$", "non-capturing group"],
  ["^((ab)*)+$", "nested groups"],
  ["^(.*a){12}$", "bounded repeat of a star"],
  ["^\\w*\\w*\\w*x$", "three stars in a row: cubic"],
  ["^[a-z]+[a-z0-9]*-?[a-z]*$", "an optional atom separates nothing"],
  ["^(?:a|b)*(?:c|d)*e*$", "groups count as one repetition each"],
];

Deno.test("validation regexes that can backtrack catastrophically are refused", async (t) => {
  for (const [pattern, why] of REDOS) {
    await t.step(`${pattern}: ${why}`, () => {
      ok(regexProblem(pattern)?.includes("catastrophic"), pattern);
    });
  }
  await t.step("ordinary validations pass", () => {
    for (
      const p of [
        "^[a-z0-9-]+$",
        "v?[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.]+)?",
        "[0-9]{1,3}",
        "(foo|bar)+",
        "(get|put|delete)",
        "^v?[0-9]+(\\.[0-9]+)*$",
        "[a-z]+-[a-z]+-[a-z]+",
        "\\d{4}-\\d{2}-\\d{2}",
        "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$",
        "^\\w+\\b\\w+$",
      ]
    ) {
      equal(regexProblem(p), null, p);
    }
  });
});
