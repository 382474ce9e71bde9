import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { Diagnostic } from "../errors/mod.ts";
import { didYouMean } from "../suggest/mod.ts";
import { noCapabilities } from "../capability/mod.ts";
import { AgentSkillFrontMatterSchema } from "./schema.ts";
import { API_VERSION, type SkillManifest } from "./model.ts";
import type { ManifestParse } from "./parse.ts";

/** The parts of a markdown file with YAML front matter. */
export interface FrontMatterSplit {
  /** The YAML between the `---` fences; null when the file has none. */
  yaml: string | null;
  /** The markdown after the closing fence. */
  body: string;
  /** 1-based line on which the YAML starts (the line after `---`). */
  yamlLine: number;
}

/**
 * Splits `---` fenced YAML front matter from a markdown text.
 *
 * @example
 * ```ts
 * import { splitFrontMatter } from "./agent_skill.ts";
 * const { yaml, body } = splitFrontMatter("---\nname: x\n---\n# Title\n");
 * if (yaml !== "name: x" || body !== "# Title\n") throw new Error();
 * ```
 */
export function splitFrontMatter(text: string): FrontMatterSplit {
  const normalized = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  const match = /^---[ \t]*\n([\s\S]*?)\n?---[ \t]*(?:\n|$)/.exec(normalized);
  if (!match) return { yaml: null, body: normalized, yamlLine: 1 };
  return { yaml: match[1], body: normalized.slice(match[0].length), yamlLine: 2 };
}

const NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const KNOWN = Object.keys(AgentSkillFrontMatterSchema.shape);

/** The longest front matter read (64 Ki characters): metadata, not content. */
export const MAX_FRONT_MATTER_CHARS = 64 * 1024;
/** Aliases a YAML document may expand (the `yaml` package's own guard). */
export const MAX_YAML_ALIASES = 100;

/**
 * Parses an AgentSkills `SKILL.md` as a knowledge skill `custom.<name>` (SPEC
 * §1): `name` lowercase letters, digits and single hyphens, at most 64
 * characters and equal to the folder name; `description` non-empty (over 1024
 * characters is a warning: caro reads it whole, other agents may not).
 *
 * @example
 * ```ts
 * import { parseAgentSkill } from "./agent_skill.ts";
 * const text = "---\nname: pdf-tools\ndescription: Work with PDF files\n---\nUse qpdf.\n";
 * const { manifest } = parseAgentSkill(text, { folderName: "pdf-tools" });
 * if (manifest?.id !== "custom.pdf-tools") throw new Error();
 * const bad = parseAgentSkill(text, { folderName: "pdf" });
 * if (bad.diagnostics[0].line !== 2) throw new Error(JSON.stringify(bad.diagnostics));
 * ```
 */
export function parseAgentSkill(
  text: string,
  options: { folderName: string; file?: string },
): ManifestParse {
  const file = options.file ?? "SKILL.md";
  const diagnostics: Diagnostic[] = [];
  const report = (
    severity: Diagnostic["severity"],
    rule: string,
    position: { line: number; column: number },
    message: string,
    hint?: string,
  ) => diagnostics.push({ severity, rule, file, ...position, message, hint });

  const split = splitFrontMatter(text);
  if (split.yaml === null) {
    report(
      "error",
      "front-matter",
      { line: 1, column: 1 },
      "SKILL.md has no YAML front matter",
      "start the file with ---, name: and description: lines, then ---",
    );
    return { diagnostics };
  }

  if (split.yaml.length > MAX_FRONT_MATTER_CHARS) {
    // Bounded before parsing: YAML parsing of megabytes takes minutes.
    report(
      "error",
      "front-matter-size",
      { line: split.yamlLine, column: 1 },
      `front matter is ${split.yaml.length} characters; at most ${MAX_FRONT_MATTER_CHARS}`,
      "keep name, description and metadata in the front matter; the rest goes in the body",
    );
    return { diagnostics };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(split.yaml, { lineCounter, prettyErrors: false });
  const at = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { line: line + split.yamlLine - 1, column: col };
  };
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    report(
      "error",
      "yaml-syntax",
      at(first.pos[0]),
      `invalid YAML front matter: ${first.message.split("\n")[0]}`,
    );
    return { diagnostics };
  }
  if (!isMap(doc.contents)) {
    report(
      "error",
      "front-matter",
      { line: split.yamlLine, column: 1 },
      "front matter is not a map",
    );
    return { diagnostics };
  }
  const positionOf = (key: string, part: "key" | "value" = "value") => {
    const pair = doc.contents && isMap(doc.contents)
      ? doc.contents.items.find((item) => isScalar(item.key) && item.key.value === key)
      : undefined;
    const node = part === "key" ? pair?.key : pair?.value ?? pair?.key;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return at(range?.[0]);
  };

  let raw: Record<string, unknown>;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as Record<string, unknown>;
  } catch (error) {
    // yaml refuses alias bombs with a ReferenceError while expanding them.
    if (!(error instanceof ReferenceError)) throw error;
    report(
      "error",
      "yaml-aliases",
      { line: split.yamlLine, column: 1 },
      `front matter expands too many YAML aliases (at most ${MAX_YAML_ALIASES})`,
      "write the values out instead of *aliases",
    );
    return { diagnostics };
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN.includes(key)) {
      const near = didYouMean(key, KNOWN, { limit: 1 });
      report(
        "warning",
        "unknown-key",
        positionOf(key, "key"),
        `unknown front matter key ${key} is ignored`,
        near.length ? `did you mean \`${near[0]}\`?` : `known keys: ${KNOWN.join(", ")}`,
      );
      delete raw[key];
    }
  }

  const name = raw.name;
  if (typeof name !== "string" || name === "") {
    report(
      "error",
      "missing-key",
      name === undefined ? { line: split.yamlLine, column: 1 } : positionOf("name"),
      "front matter needs a name",
      `add name: ${options.folderName}`,
    );
  } else if (name.length > 64 || !NAME_PATTERN.test(name)) {
    report(
      "error",
      "name-format",
      positionOf("name"),
      `name "${name}" must be at most 64 lowercase letters, digits and single hyphens`,
    );
  } else if (name !== options.folderName) {
    report(
      "error",
      "name-folder",
      positionOf("name"),
      `name "${name}" differs from its folder "${options.folderName}"`,
      `rename the folder to ${name}, or set name: ${options.folderName}`,
    );
  }

  const description = raw.description;
  if (typeof description !== "string" || description.trim() === "") {
    report(
      "error",
      "missing-key",
      description === undefined ? { line: split.yamlLine, column: 1 } : positionOf("description"),
      "front matter needs a non-empty description",
      "say what the skill does and when to use it",
    );
  } else if (description.length > 1024) {
    report(
      "warning",
      "description-length",
      positionOf("description"),
      `description is ${description.length} characters; AgentSkills allows at most 1024`,
      "shorten it so every agent reads it whole",
    );
  }

  const parsed = AgentSkillFrontMatterSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      if (key === "name" || key === "description") continue;
      report("error", "wrong-type", positionOf(key), `${key}: ${issue.message}`);
    }
  }
  if (diagnostics.some((d) => d.severity === "error") || !parsed.success) {
    return { diagnostics, id: typeof name === "string" ? `custom.${name}` : undefined };
  }

  const front = parsed.data;
  const metadata = front.metadata ?? {};
  const metaVersion = typeof metadata.version === "string" ? metadata.version : undefined;
  const allowed = front["allowed-tools"];
  const manifest: SkillManifest = {
    format: "SKILL.md",
    id: `custom.${front.name}`,
    name: front.name,
    version: metaVersion && /^\d+\.\d+\.\d+/.test(metaVersion) ? metaVersion : "0.0.0",
    description: front.description.trim(),
    apiVersion: API_VERSION,
    authors: typeof metadata.author === "string" ? [metadata.author] : [],
    license: front.license,
    keywords: [],
    provides: { knowledge: true, recipes: false, executable: false },
    knowledge: {
      topics: front.name.split("-"),
      priority: 50,
      maxContextTokens: 1000,
      synonyms: {},
    },
    recipes: { files: [], defaultConfirmation: "prompt" },
    capabilities: noCapabilities(),
    dependencies: [],
    suggestions: {},
    features: {},
    platform: { os: [], arch: [], requiredTools: [], optionalTools: [] },
    agentSkill: {
      allowedTools: typeof allowed === "string"
        ? allowed.split(/[\s,]+/).filter(Boolean)
        : allowed ?? [],
      metadata,
    },
  };
  return { manifest, diagnostics };
}
