import { parse as parseToml, TomlError } from "smol-toml";
import * as semver from "semver";
import type { z } from "zod";
import type { Diagnostic } from "../errors/mod.ts";
import { didYouMean } from "../suggest/mod.ts";
import { type Capabilities, CapabilitiesSchema, noCapabilities } from "../capability/mod.ts";
import { type SkillToml, SkillTomlSchema } from "./schema.ts";
import { API_VERSION, NAMESPACES, type SkillManifest } from "./model.ts";
import { parseVersionRange } from "./version_range.ts";
import { checkRelativePath } from "./paths.ts";

/** The result of {@link parseManifest}: a manifest when there is no error. */
export interface ManifestParse {
  /** The resolved manifest; absent when `diagnostics` holds an error. */
  manifest?: SkillManifest;
  /** Errors and warnings, each with file, line and column. */
  diagnostics: Diagnostic[];
  /** The declared id, even when the manifest has errors (for reports). */
  id?: string;
}

/** Options for {@link parseManifest}. */
export interface ParseManifestOptions {
  /** File name used in diagnostics (default `skill.toml`). */
  file?: string;
  /** Bundled skills may use the reserved `core` namespace. */
  isBundled?: boolean;
  /** The running caro version, checked against `min_caro_version`. */
  caroVersion?: string;
}

type KeyPath = Array<string | number>;

interface Finding {
  severity: Diagnostic["severity"];
  rule: string;
  path: KeyPath;
  at?: "key" | "value";
  message: string;
  hint?: string;
}

const ID_PATTERN = /^([a-z0-9-]+)\.([a-z0-9][a-z0-9-]*)$/;

/** The longest skill.toml read (256 Ki characters). */
export const MAX_MANIFEST_CHARS = 256 * 1024;
/** The deepest nesting of tables and arrays a skill.toml may have. */
export const MAX_TOML_DEPTH = 32;

/** A parse that stopped at a finding about the whole file (located at 1:1). */
function wholeFileError(file: string, rule: string, message: string, hint: string): ManifestParse {
  return { diagnostics: [{ severity: "error", rule, file, line: 1, column: 1, message, hint }] };
}

/** Whether `value` nests objects or arrays deeper than `limit` (walked without recursion). */
function isNestedDeeper(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object" || node instanceof Date) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Parses and checks a `skill.toml` text (SPEC §2): TOML syntax, the schema of
 * every table, id, semver version, API version and dependency ranges. It reads
 * no files; {@link validateManifest} checks the folder.
 *
 * @example
 * ```ts
 * import { parseManifest } from "./parse.ts";
 * const { manifest, diagnostics } = await parseManifest(`
 * [skill]
 * id = "custom.demo"
 * name = "Demo"
 * version = "1.0"
 * description = "A demo"
 * api_version = "1.0"
 * [provides]
 * knowledge = true
 * `);
 * if (manifest !== undefined) throw new Error("1.0 is not semver");
 * const d = diagnostics[0];
 * if (d.rule !== "version-semver" || d.line !== 5 || d.column !== 11) throw new Error(JSON.stringify(d));
 * ```
 */
export async function parseManifest(
  source: string,
  options: ParseManifestOptions = {},
): Promise<ManifestParse> {
  const file = options.file ?? "skill.toml";
  if (source.length > MAX_MANIFEST_CHARS) {
    // Bounded before parsing: an 11 MB skill.toml took 23 s and 2.6 GB.
    return wholeFileError(
      file,
      "manifest-size",
      `skill.toml is ${source.length} characters; at most ${MAX_MANIFEST_CHARS}`,
      "a manifest describes the skill; knowledge goes in knowledge/*.md",
    );
  }
  let raw: Record<string, unknown>;
  try {
    raw = parseToml(source) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof RangeError) {
      // smol-toml recurses per dotted-key part and nested value.
      return wholeFileError(
        file,
        "toml-depth",
        "invalid TOML: keys or values nested too deeply to read",
        "flatten the tables and arrays",
      );
    }
    if (!(error instanceof TomlError)) throw error;
    const firstLine = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
    return {
      diagnostics: [{
        severity: "error",
        rule: "toml-syntax",
        file,
        line: error.line,
        column: error.column,
        message: `invalid TOML: ${firstLine}`,
        hint: "fix the syntax at this position (strings need quotes, tables are [name])",
      }],
    };
  }
  if (isNestedDeeper(raw, MAX_TOML_DEPTH)) {
    // Checked before anything walks it: deep nesting overflows the stack later.
    return wholeFileError(
      file,
      "toml-depth",
      `invalid TOML: tables or values nested more than ${MAX_TOML_DEPTH} deep`,
      "flatten the tables and arrays",
    );
  }

  const findings: Finding[] = [];
  const document = parseWithUnknownKeys(raw, findings);
  if (document) checkSemantics(document, options, findings);
  const diagnostics = await locateFindings(source, file, findings);
  const hasError = diagnostics.some((d) => d.severity === "error");
  const declared = (raw.skill as Record<string, unknown> | undefined)?.id;
  return {
    manifest: document && !hasError ? resolve(document) : undefined,
    diagnostics,
    id: typeof declared === "string" ? declared : undefined,
  };
}

/** Parses against the strict schema, turning unknown keys into warnings. */
function parseWithUnknownKeys(
  raw: Record<string, unknown>,
  findings: Finding[],
): SkillToml | undefined {
  let result = SkillTomlSchema.safeParse(raw);
  if (result.success) return result.data;
  const cleaned = structuredClone(raw);
  let hasOtherIssues = false;
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        findings.push(unknownKeyFinding(issue.path as KeyPath, key));
        deleteAt(cleaned, [...(issue.path as KeyPath), key]);
      }
    } else {
      hasOtherIssues = true;
      findings.push(schemaFinding(issue, raw));
    }
  }
  if (hasOtherIssues) return undefined;
  result = SkillTomlSchema.safeParse(cleaned);
  if (result.success) return result.data;
  for (const issue of result.error.issues) findings.push(schemaFinding(issue, cleaned));
  return undefined;
}

const KNOWN_KEYS: Record<string, string[]> = {
  "": Object.keys(SkillTomlSchema.shape),
  skill: Object.keys(SkillTomlSchema.shape.skill.shape),
  provides: ["knowledge", "recipes", "executable"],
  knowledge: ["topics", "priority", "max_context_tokens", "synonyms"],
  recipes: ["files", "default_confirmation"],
  executable: ["module", "exports"],
  capabilities: Object.keys(CapabilitiesSchema.shape),
  "capabilities.terminal_exec": ["allowed", "commands", "blocked"],
  platform: ["os", "arch", "required_tools", "optional_tools"],
};

function unknownKeyFinding(path: KeyPath, key: string): Finding {
  const table = path.filter((p) => typeof p === "string").join(".");
  const known = KNOWN_KEYS[table] ??
    (path[0] === "features" ? ["description", "default"] : ["version", "optional", "features"]);
  const near = didYouMean(key, known, { limit: 1 });
  const where = table === "" ? `[${key}]` : `${table}.${key}`;
  return {
    severity: "warning",
    rule: "unknown-key",
    path: [...path, key],
    at: "key",
    message: `unknown key ${where} is ignored`,
    hint: near.length > 0 ? `did you mean \`${near[0]}\`?` : `known keys here: ${known.join(", ")}`,
  };
}

function schemaFinding(issue: z.core.$ZodIssue, raw: unknown): Finding {
  const path = issue.path as KeyPath;
  const dotted = path.join(".");
  const present = valueAt(raw, path) !== undefined;
  if (!present) {
    const parent = path.slice(0, -1).join(".");
    const isTable = path.length === 1;
    return {
      severity: "error",
      rule: "missing-key",
      path,
      message: isTable ? `missing required table [${dotted}]` : `missing required key ${dotted}`,
      hint: isTable
        ? `add a [${dotted}] table (run \`caro skill init\` for a template)`
        : `add \`${String(path.at(-1))} = …\` under [${parent}]`,
    };
  }
  if (issue.code === "invalid_type") {
    const expected = issue.expected === "int" ? "an integer" : `a ${issue.expected}`;
    return {
      severity: "error",
      rule: "wrong-type",
      path,
      message: `${dotted} must be ${expected}, found ${describe(valueAt(raw, path))}`,
      hint: issue.expected === "string" ? `quote it: ${String(path.at(-1))} = "…"` : undefined,
    };
  }
  if (issue.code === "invalid_value" && "values" in issue) {
    return {
      severity: "error",
      rule: "invalid-value",
      path,
      message: `${dotted} is ${JSON.stringify(valueAt(raw, path))}, which is not allowed`,
      hint: `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
    };
  }
  return {
    severity: "error",
    rule: "invalid-value",
    path,
    message: `${dotted}: ${issue.message}`,
  };
}

function checkSemantics(doc: SkillToml, options: ParseManifestOptions, findings: Finding[]): void {
  const error = (rule: string, path: KeyPath, message: string, hint?: string) =>
    findings.push({ severity: "error", rule, path, message, hint });
  const warn = (rule: string, path: KeyPath, message: string, hint?: string) =>
    findings.push({ severity: "warning", rule, path, message, hint });

  const id = doc.skill.id;
  const idMatch = ID_PATTERN.exec(id);
  if (!idMatch) {
    error(
      "id-format",
      ["skill", "id"],
      `id "${id}" is not <namespace>.<name> in lowercase letters, digits and hyphens`,
      `for example id = "custom.${slug(doc.skill.name)}"`,
    );
  } else if (!(NAMESPACES as readonly string[]).includes(idMatch[1])) {
    error(
      "id-namespace",
      ["skill", "id"],
      `id "${id}" uses unknown namespace "${idMatch[1]}"`,
      `use one of: ${NAMESPACES.filter((n) => n !== "core").join(", ")}`,
    );
  } else if (idMatch[1] === "core" && !options.isBundled) {
    error(
      "id-reserved",
      ["skill", "id"],
      `id "${id}" uses the namespace "core", which is reserved for skills bundled with caro`,
      `rename it, e.g. id = "custom.${idMatch[2]}"`,
    );
  }

  if (!semver.valid(doc.skill.version)) {
    error(
      "version-semver",
      ["skill", "version"],
      `version "${doc.skill.version}" is not semver`,
      `write MAJOR.MINOR.PATCH, e.g. version = "${semverGuess(doc.skill.version)}"`,
    );
  }

  const api = /^(\d+)\.(\d+)$/.exec(doc.skill.api_version);
  const [currentMajor, currentMinor] = API_VERSION.split(".");
  if (!api) {
    error(
      "api-version",
      ["skill", "api_version"],
      `api_version "${doc.skill.api_version}" is not MAJOR.MINOR`,
      `write api_version = "${API_VERSION}"`,
    );
  } else if (api[1] !== currentMajor) {
    error(
      "api-version",
      ["skill", "api_version"],
      `api_version "${doc.skill.api_version}" is not supported (this caro speaks ${API_VERSION})`,
      `port the skill to api_version = "${API_VERSION}"`,
    );
  } else if (api[2] !== currentMinor) {
    warn(
      "api-version",
      ["skill", "api_version"],
      `api_version "${doc.skill.api_version}" differs from ${API_VERSION} in its minor version`,
      `test the skill with this caro and set api_version = "${API_VERSION}"`,
    );
  }

  if (doc.skill.min_caro_version !== undefined) {
    const wanted = doc.skill.min_caro_version;
    if (!semver.valid(semver.coerce(wanted))) {
      error("min-caro-version", ["skill", "min_caro_version"], `"${wanted}" is not a version`);
    } else if (options.caroVersion && semver.lt(options.caroVersion, semver.coerce(wanted)!)) {
      error(
        "min-caro-version",
        ["skill", "min_caro_version"],
        `the skill needs caro ${wanted} or newer; this is ${options.caroVersion}`,
        "upgrade caro",
      );
    }
  }

  for (const [depId, dep] of Object.entries(doc.dependencies)) {
    const range = typeof dep === "string" ? dep : dep.version;
    const rangePath = typeof dep === "string" ? ["dependencies", depId] : [
      "dependencies",
      depId,
      "version",
    ];
    if (!ID_PATTERN.test(depId)) {
      findings.push({
        severity: "error",
        rule: "dependency-id",
        path: ["dependencies", depId],
        at: "key",
        message: `dependency "${depId}" is not a skill id`,
        hint: 'name it by id, e.g. "tool.jq" = "1.0"',
      });
    }
    if (parseVersionRange(range) === null) {
      error(
        "dependency-range",
        rangePath,
        `dependency ${depId} has an invalid version range "${range}"`,
        'use a semver range such as ">=1.0", ">=1.0,<2.0", "1.0" or "*"',
      );
    }
  }

  const provides = doc.provides;
  if (provides.executable && !doc.executable) {
    error(
      "provides-executable",
      ["provides", "executable"],
      "provides.executable is true but there is no [executable] table",
      'add [executable] with module = "bin/skill.wasm"',
    );
  }
  if (doc.executable) {
    const problem = checkRelativePath(doc.executable.module);
    if (problem) {
      error("path-escape", ["executable", "module"], `executable.module ${problem}`);
    }
  }
  (doc.recipes?.files ?? []).forEach((glob, i) => {
    const problem = checkRelativePath(glob);
    if (problem) error("path-escape", ["recipes", "files", i], `recipes.files entry ${problem}`);
  });
  for (const [feature, spec] of Object.entries(doc.features)) {
    if (spec.description === "") {
      warn("feature-description", ["features", feature], `feature ${feature} has no description`);
    }
  }
  if (provides.knowledge && (doc.knowledge?.topics ?? []).length === 0) {
    warn(
      "knowledge-topics",
      doc.knowledge ? ["knowledge"] : ["provides", "knowledge"],
      "the skill provides knowledge but lists no [knowledge] topics, so prompts match it only fuzzily",
      'add topics = ["…"] under [knowledge]',
    );
  }
}

/** Turns the raw document into the resolved model. */
function resolve(doc: SkillToml): SkillManifest {
  // The strict table schema already applied the capability defaults.
  const caps: Capabilities = doc.capabilities ?? noCapabilities();
  return {
    format: "skill.toml",
    id: doc.skill.id,
    name: doc.skill.name,
    version: doc.skill.version,
    description: doc.skill.description,
    apiVersion: doc.skill.api_version,
    authors: doc.skill.authors ?? [],
    license: doc.skill.license,
    repository: doc.skill.repository,
    documentation: doc.skill.documentation,
    keywords: doc.skill.keywords ?? [],
    minCaroVersion: doc.skill.min_caro_version,
    provides: { ...doc.provides },
    knowledge: {
      topics: doc.knowledge?.topics ?? [],
      priority: doc.knowledge?.priority ?? 50,
      maxContextTokens: doc.knowledge?.max_context_tokens ?? 1000,
      synonyms: doc.knowledge?.synonyms ?? {},
    },
    recipes: {
      files: doc.recipes?.files ?? ["recipes/*.yaml"],
      defaultConfirmation: doc.recipes?.default_confirmation ?? "prompt",
    },
    executable: doc.executable ? { ...doc.executable } : undefined,
    capabilities: caps,
    dependencies: Object.entries(doc.dependencies).map(([id, dep]) =>
      typeof dep === "string"
        ? { id, range: dep, optional: false, features: [] }
        : { id, range: dep.version, optional: dep.optional, features: dep.features }
    ),
    suggestions: doc.suggestions,
    features: doc.features,
    platform: {
      os: doc.platform?.os ?? [],
      arch: doc.platform?.arch ?? [],
      requiredTools: doc.platform?.required_tools ?? [],
      optionalTools: doc.platform?.optional_tools ?? [],
    },
  };
}

async function locateFindings(
  source: string,
  file: string,
  findings: Finding[],
): Promise<Diagnostic[]> {
  if (findings.length === 0) return [];
  const { locateTomlPath } = await import("./_locate.ts");
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const { line, column } = await locateTomlPath(source, f.path, f.at);
    out.push({
      severity: f.severity,
      rule: f.rule,
      file,
      line,
      column,
      message: f.message,
      hint: f.hint,
    });
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function deleteAt(root: Record<string, unknown>, path: KeyPath): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (parent && typeof parent === "object") {
    delete (parent as Record<string | number, unknown>)[path.at(-1)!];
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (value !== null && typeof value === "object") return "a table";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "my-skill";
}

function semverGuess(version: string): string {
  return semver.coerce(version)?.version ?? "1.0.0";
}
