import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { parseAgentSkill, splitFrontMatter } from "./agent_skill.ts";

const GOOD = "---\nname: pdf-tools\ndescription: Work with PDF files\nlicense: MIT\n---\n# PDF\n";

interface Row {
  name: string;
  text: string;
  folder?: string;
  expect: [string, "error" | "warning", number, number];
}

const ROWS: Row[] = [
  {
    name: "name differs from the folder, at the value",
    text: GOOD,
    folder: "pdf",
    expect: ["name-folder", "error", 2, 7],
  },
  {
    name: "name with uppercase letters",
    text: GOOD.replace("name: pdf-tools", "name: PDF-Tools"),
    expect: ["name-format", "error", 2, 7],
  },
  {
    name: "name with a double hyphen",
    text: GOOD.replace("name: pdf-tools", "name: pdf--tools"),
    expect: ["name-format", "error", 2, 7],
  },
  {
    name: "name longer than 64 characters",
    text: GOOD.replace("name: pdf-tools", `name: ${"a".repeat(65)}`),
    folder: "a".repeat(65),
    expect: ["name-format", "error", 2, 7],
  },
  {
    name: "missing name",
    text: "---\ndescription: x\n---\nbody\n",
    expect: ["missing-key", "error", 2, 1],
  },
  {
    name: "empty description",
    text: GOOD.replace("description: Work with PDF files", 'description: ""'),
    expect: ["missing-key", "error", 3, 14],
  },
  {
    name: "description over 1024 characters warns",
    text: GOOD.replace("Work with PDF files", "x".repeat(1025)),
    expect: ["description-length", "warning", 3, 14],
  },
  {
    name: "no front matter",
    text: "# Just markdown\n",
    expect: ["front-matter", "error", 1, 1],
  },
  {
    name: "YAML syntax error in front matter",
    text: "---\nname: pdf-tools\ndescription: [unclosed\n---\n",
    expect: ["yaml-syntax", "error", 3, 23],
  },
  {
    name: "unknown front matter key warns at the key",
    text: GOOD.replace("license: MIT", "licence: MIT"),
    expect: ["unknown-key", "warning", 4, 1],
  },
];

Deno.test("parseAgentSkill reports each rule at its line and column", async (t) => {
  for (const row of ROWS) {
    await t.step(row.name, () => {
      const { diagnostics } = parseAgentSkill(row.text, { folderName: row.folder ?? "pdf-tools" });
      ok(diagnostics.length > 0, "expected a finding");
      const d = diagnostics[0];
      deepStrictEqual([d.rule, d.severity, d.line, d.column], row.expect, JSON.stringify(d));
      equal(d.file, "SKILL.md");
    });
  }
});

Deno.test("parseAgentSkill reads a valid SKILL.md as custom.<name>", () => {
  const text = "---\nname: pdf-tools\ndescription: Work with PDF files\n" +
    "allowed-tools: Bash Read\nmetadata:\n  version: 1.2.0\n---\nbody\n";
  const { manifest, diagnostics } = parseAgentSkill(text, { folderName: "pdf-tools" });
  deepStrictEqual(diagnostics, []);
  ok(manifest);
  equal(manifest.id, "custom.pdf-tools");
  equal(manifest.version, "1.2.0");
  equal(manifest.provides.knowledge, true);
  deepStrictEqual(manifest.agentSkill?.allowedTools, ["Bash", "Read"]);
  deepStrictEqual(manifest.knowledge.topics, ["pdf", "tools"]);
});

Deno.test("splitFrontMatter handles CRLF and a missing body", () => {
  const split = splitFrontMatter("---\r\nname: a\r\n---\r\n");
  equal(split.yaml, "name: a");
  equal(split.body, "");
});
