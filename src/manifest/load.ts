import picomatch from "picomatch";
import { type Diagnostic, SkillError, ValidationError } from "../errors/mod.ts";
import { copyFiles, isFile, walkTree } from "../tree/mod.ts";
import type { RecipeSummary, SkillManifest } from "./model.ts";
import { type ManifestParse, parseManifest } from "./parse.ts";
import { parseAgentSkill } from "./agent_skill.ts";

/** The context file of a skill.toml skill, always injected when it matches. */
export const CONTEXT_FILE = "knowledge/prompts/context.md";

/** A skill folder read from disk: its manifest and the files that matter. */
export interface LoadedSkill {
  /** Absolute path of the folder. */
  dir: string;
  manifest: SkillManifest;
  /** Every regular file (or symlink staying inside), `/`-separated, sorted; `.git/` excluded. */
  files: string[];
  /** The always-included context: `knowledge/prompts/context.md`, or `SKILL.md` (its body). */
  contextFile?: string;
  /** Markdown injected when relevant, besides the context file. */
  knowledgeFiles: string[];
  /** Recipe YAML files matched by `[recipes].files`. */
  recipeFiles: string[];
  /** What matching needs of each valid recipe (empty without `provides.recipes`). */
  recipes: RecipeSummary[];
  /** Whether the skill ships inside caro (may use the `core` namespace). */
  isBundled: boolean;
  /** Warnings found while loading (errors make loading fail). */
  diagnostics: Diagnostic[];
}

/** Options for reading a skill folder. */
export interface LoadOptions {
  /** Bundled skills may use the reserved `core` namespace. */
  isBundled?: boolean;
  /** Warnings are fatal too. */
  strict?: boolean;
  /** The running caro version, checked against `min_caro_version`. */
  caroVersion?: string;
  /**
   * The name an AgentSkills `SKILL.md` must carry (default: the folder's own
   * name). An installed copy lives in `skills/custom.<name>/`, so the store
   * passes `<name>`.
   */
  folderName?: string;
  /**
   * Checks the skill's recipe files (paths relative to `dir`) and returns their
   * findings and what matching needs of each valid one. Without it recipes are
   * not read and `LoadedSkill.recipes` stays empty.
   */
  checkRecipes?: RecipeChecker;
}

/** Checks recipe files of a skill folder; see {@link LoadOptions.checkRecipes}. */
export type RecipeChecker = (
  dir: string,
  files: readonly string[],
) => Promise<{ diagnostics: Diagnostic[]; recipes: RecipeSummary[] }>;

/** The outcome of {@link validateSkillFolder}. */
export interface ValidationReport {
  /** The folder validated. */
  path: string;
  /** No errors (and, with `strict`, no warnings). */
  ok: boolean;
  /** The skill id when the manifest could be read. */
  id?: string;
  /** The loaded skill when `ok`. */
  skill?: LoadedSkill;
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
}

/**
 * Reads and validates a skill folder in either format (`skill.toml`, or an
 * AgentSkills `SKILL.md` without one) and reports every finding. Throws only
 * when the folder cannot be read at all.
 *
 * @throws {SkillError} `not_found` when the folder does not exist or holds no manifest
 * @example
 * ```ts
 * import { validateSkillFolder } from "./load.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/notes`);
 * await Deno.writeTextFile(`${dir}/notes/SKILL.md`, "---\nname: notes\ndescription: Take notes\n---\nBe brief.\n");
 * const report = await validateSkillFolder(`${dir}/notes`);
 * if (!report.ok || report.id !== "custom.notes") throw new Error(JSON.stringify(report.diagnostics));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function validateSkillFolder(
  path: string,
  options: LoadOptions = {},
): Promise<ValidationReport> {
  const dir = await realDirectory(path);
  const format = await detectFormat(dir, path);
  const manifestFile = format === "toml" ? "skill.toml" : "SKILL.md";
  const source = await Deno.readTextFile(`${dir}/${manifestFile}`);
  const parsed: ManifestParse = format === "toml"
    ? await parseManifest(source, {
      isBundled: options.isBundled,
      caroVersion: options.caroVersion,
    })
    : parseAgentSkill(source, { folderName: options.folderName ?? basename(dir) });

  const diagnostics = [...parsed.diagnostics];
  let skill: LoadedSkill | undefined;
  if (parsed.manifest) {
    const walk = await listSkillFiles(dir);
    diagnostics.push(...walk.diagnostics);
    const fsFindings = await validateManifest(parsed.manifest, {
      files: walk.files,
      source: format === "toml" ? source : undefined,
    });
    diagnostics.push(...fsFindings);
    // SPEC §2 "recipes valid": each recipe file is checked with its own line:col by
    // the checker the caller passes (src/ops gives the recipe parser; this folder
    // does not import the recipe concept). Files of a skill that does not provide
    // recipes are never read.
    const recipeFiles = parsed.manifest.provides.recipes
      ? classifyFiles(parsed.manifest, walk.files).recipeFiles
      : [];
    const recipes: RecipeSummary[] = [];
    if (recipeFiles.length > 0 && options.checkRecipes) {
      const checked = await options.checkRecipes(dir, recipeFiles);
      diagnostics.push(...checked.diagnostics);
      recipes.push(...checked.recipes);
    }
    skill = {
      dir,
      manifest: parsed.manifest,
      files: walk.files,
      ...classifyFiles(parsed.manifest, walk.files),
      recipes,
      isBundled: options.isBundled ?? false,
      diagnostics: [],
    };
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const ok = errors === 0 && (!options.strict || warnings === 0) && skill !== undefined;
  if (skill) skill.diagnostics = diagnostics.filter((d) => d.severity === "warning");
  return {
    path,
    ok,
    id: parsed.manifest?.id ?? parsed.id,
    skill: ok ? skill : undefined,
    diagnostics,
    errors,
    warnings,
  };
}

/**
 * Loads a skill folder in either format, failing on any validation error.
 *
 * @throws {SkillError} `validation` naming every error with file:line:col
 * @example
 * ```ts
 * import { loadSkillFolder } from "./load.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/knowledge/prompts`, { recursive: true });
 * await Deno.writeTextFile(`${dir}/knowledge/prompts/context.md`, "Use jq for JSON.\n");
 * await Deno.writeTextFile(`${dir}/skill.toml`, [
 *   "[skill]", 'id = "tool.jq"', 'name = "jq"', 'version = "1.0.0"',
 *   'description = "JSON on the command line"', 'api_version = "1.0"', 'license = "MIT"',
 *   "[provides]", "knowledge = true", "[knowledge]", 'topics = ["json", "jq"]',
 * ].join("\n"));
 * const skill = await loadSkillFolder(dir);
 * if (skill.manifest.id !== "tool.jq" || skill.contextFile !== "knowledge/prompts/context.md") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadSkillFolder(
  path: string,
  options: LoadOptions = {},
): Promise<LoadedSkill> {
  const report = await validateSkillFolder(path, options);
  if (report.ok && report.skill) return report.skill;
  throw validationError(report);
}

/** The error that describes a failed {@link ValidationReport}, carrying its findings. */
export function validationError(report: ValidationReport): ValidationError {
  return new ValidationError(
    `${report.id ?? report.path} is not a valid skill: ${count(report.errors, "error")}, ${
      count(report.warnings, "warning")
    }`,
    report.diagnostics,
    { hints: [{ to: "see every finding", run: `caro skill validate ${report.path}` }] },
  );
}

/** Options for {@link validateManifest}. */
export interface ValidateManifestOptions {
  /** The skill's files, as {@link listSkillFiles} returns them. */
  files: readonly string[];
  /** The skill.toml text, to give findings a line and column. */
  source?: string;
}

/**
 * Checks a parsed manifest against the files of its folder: `provides.*`
 * matches what exists, `[executable].module` exists, `[recipes].files` match.
 *
 * @example
 * ```ts
 * import { parseManifest } from "./parse.ts";
 * import { validateManifest } from "./load.ts";
 * const source = '[skill]\nid = "custom.x"\nname = "X"\nversion = "1.0.0"\ndescription = "x"\napi_version = "1.0"\n[provides]\nrecipes = true\n';
 * const { manifest } = await parseManifest(source);
 * const findings = await validateManifest(manifest!, { files: ["skill.toml"], source });
 * if (findings[0].rule !== "provides-recipes" || findings[0].line !== 8) throw new Error(JSON.stringify(findings));
 * ```
 */
export async function validateManifest(
  manifest: SkillManifest,
  options: ValidateManifestOptions,
): Promise<Diagnostic[]> {
  const findings: Array<Omit<Diagnostic, "file" | "line" | "column"> & { path: string[] }> = [];
  const add = (
    severity: Diagnostic["severity"],
    rule: string,
    path: string[],
    message: string,
    hint?: string,
  ) => findings.push({ severity, rule, path, message, hint });
  const { contextFile, knowledgeFiles, recipeFiles } = classifyFiles(manifest, options.files);
  const hasKnowledge = contextFile !== undefined || knowledgeFiles.length > 0;

  if (manifest.format === "skill.toml") {
    if (manifest.provides.knowledge && !hasKnowledge) {
      add(
        "error",
        "provides-knowledge",
        ["provides", "knowledge"],
        "provides.knowledge is true but knowledge/ holds no markdown",
        `add ${CONTEXT_FILE}, or set knowledge = false`,
      );
    } else if (!manifest.provides.knowledge && hasKnowledge) {
      add(
        "warning",
        "provides-knowledge",
        ["provides", "knowledge"],
        "knowledge/ holds markdown but provides.knowledge is false, so it is never injected",
        "set knowledge = true under [provides]",
      );
    }
    if (manifest.provides.recipes && recipeFiles.length === 0) {
      add(
        "error",
        "provides-recipes",
        ["provides", "recipes"],
        `provides.recipes is true but no file matches ${manifest.recipes.files.join(", ")}`,
        "add recipes/<name>.yaml, or set recipes = false",
      );
    } else if (!manifest.provides.recipes && recipeFiles.length > 0) {
      add(
        "warning",
        "provides-recipes",
        ["provides", "recipes"],
        `${recipeFiles.length} recipe file(s) exist but provides.recipes is false`,
        "set recipes = true under [provides]",
      );
    }
    const module = manifest.executable?.module;
    if (module !== undefined && !options.files.includes(module)) {
      add(
        "error",
        "missing-file",
        ["executable", "module"],
        `executable.module "${module}" does not exist in the skill folder`,
        "build the component into that path",
      );
    } else if (module !== undefined && !manifest.provides.executable) {
      add(
        "warning",
        "provides-executable",
        ["provides", "executable"],
        "an [executable] is declared but provides.executable is false",
        "set executable = true under [provides]",
      );
    }
    if (manifest.license === undefined) {
      add(
        "warning",
        "license-missing",
        ["skill"],
        "the skill declares no license, so nobody may legally reuse it",
        'add an SPDX id under [skill], e.g. license = "MIT"',
      );
    }
  }

  if (findings.length === 0) return [];
  const locate = options.source === undefined
    ? undefined
    : (await import("./_locate.ts")).locateTomlPath;
  const file = manifest.format;
  const out: Diagnostic[] = [];
  for (const { path, ...finding } of findings) {
    const position = locate && options.source !== undefined
      ? await locate(options.source, path)
      : undefined;
    out.push({ ...finding, file, ...position });
  }
  return out;
}

/**
 * Lists a skill folder's files, `/`-separated and sorted by byte order,
 * skipping `.git/`. A symlink whose target leaves the folder is an error
 * finding and is left out of the list.
 *
 * @example
 * ```ts
 * import { listSkillFiles } from "./load.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.md`, "a");
 * await Deno.symlink("/etc/passwd", `${dir}/escape.md`);
 * const { files, diagnostics } = await listSkillFiles(dir);
 * if (files.join() !== "a.md" || diagnostics[0].rule !== "path-escape") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function listSkillFiles(
  dir: string,
): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  const root = await Deno.realPath(dir);
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const { path, kind } of await walkTree(root)) {
    if (kind === "file") {
      files.push(path);
    } else if (kind === "symlink") {
      const target = await Deno.realPath(`${root}/${path}`).catch(() => null);
      if (target === null || !(target === root || target.startsWith(`${root}/`))) {
        diagnostics.push({
          severity: "error",
          rule: "path-escape",
          file: path,
          message: `symlink ${path} points outside the skill folder${target ? ` (${target})` : ""}`,
          hint: "replace the link with the file itself",
        });
        continue;
      }
      // A link to a folder inside is walked through its real location already.
      if ((await Deno.stat(target)).isFile) files.push(path);
    } else {
      diagnostics.push({
        severity: "error",
        rule: "special-file",
        file: path,
        message: `${path} is not a regular file (device, fifo or socket)`,
        hint: "remove it from the skill folder",
      });
    }
  }
  return { files, diagnostics };
}

/**
 * Copies a skill folder's files into `to` (created here; it must not exist):
 * links that stay inside become plain files, `.git/` is left out, and a link
 * leaving the folder or a special file refuses the whole copy.
 *
 * @throws {SkillError} `validation` naming each file a skill may not hold
 * @example
 * ```ts
 * import { copySkillFolder } from "./load.ts";
 * const from = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${from}/SKILL.md`, "x");
 * await Deno.symlink("SKILL.md", `${from}/alias.md`);
 * const to = `${await Deno.makeTempDir()}/copy`;
 * await copySkillFolder(from, to);
 * if ((await Deno.lstat(`${to}/alias.md`)).isSymlink) throw new Error("links become files");
 * ```
 */
export async function copySkillFolder(from: string, to: string): Promise<void> {
  const { files, diagnostics } = await listSkillFiles(from);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    throw new SkillError(
      "validation",
      `Cannot install ${from}: it has files a skill may not hold`,
      {
        why: errors.map((d) => `${d.file}: ${d.message}`).join("\n"),
        hints: [{ to: "see every finding", run: `caro skill validate ${from}` }],
      },
    );
  }
  // Created alone first: an existing folder there (staging inside the source itself) would
  // have its files copied onto themselves.
  await Deno.mkdir(to).catch((error) => {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    throw new SkillError("internal", `Cannot copy ${from} to ${to}: the folder exists`, {
      why: "a skill is copied into an empty staging folder",
      cause: error,
    });
  });
  await copyFiles(from, to, files);
}

function classifyFiles(manifest: SkillManifest, files: readonly string[]) {
  const isMarkdown = (f: string) => /\.(md|markdown)$/i.test(f);
  if (manifest.format === "SKILL.md") {
    return {
      contextFile: "SKILL.md",
      knowledgeFiles: files.filter((f) => isMarkdown(f) && f !== "SKILL.md"),
      recipeFiles: [] as string[],
    };
  }
  const isRecipe = recipeMatcher(manifest.recipes.files);
  return {
    contextFile: files.includes(CONTEXT_FILE) ? CONTEXT_FILE : undefined,
    knowledgeFiles: files.filter((f) =>
      f.startsWith("knowledge/") && isMarkdown(f) && f !== CONTEXT_FILE
    ),
    recipeFiles: files.filter((f) => isRecipe(f)),
  };
}

// Compiling a glob costs as much as parsing a whole manifest (measured by
// bench/manifest_bench.ts), and nearly every skill uses the default glob.
const matchers = new Map<string, (path: string) => boolean>();
function recipeMatcher(globs: readonly string[]): (path: string) => boolean {
  const key = globs.join("\0");
  const cached = matchers.get(key);
  if (cached) return cached;
  if (matchers.size > 256) matchers.clear();
  const matcher = picomatch([...globs], { dot: false });
  matchers.set(key, matcher);
  return matcher;
}

async function realDirectory(path: string): Promise<string> {
  try {
    const real = await Deno.realPath(path);
    if ((await Deno.stat(real)).isDirectory) return real;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  throw new SkillError("not_found", `No skill folder at ${path}`, {
    why: "the path does not exist or is not a directory",
    hints: [{ to: "create a skill there", run: `caro skill init custom.my-skill --dir ${path}` }],
  });
}

async function detectFormat(dir: string, shown: string): Promise<"toml" | "agent"> {
  if (await isFile(`${dir}/skill.toml`)) return "toml";
  if (await isFile(`${dir}/SKILL.md`)) return "agent";
  throw new SkillError("not_found", `No skill.toml or SKILL.md in ${shown}`, {
    why: "a skill folder holds a skill.toml manifest or an AgentSkills SKILL.md",
    hints: [{ to: "create one", run: `caro skill init custom.my-skill --dir ${shown}` }],
  });
}

function basename(path: string): string {
  return path.replace(/\/+$/, "").split("/").pop() ?? path;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
