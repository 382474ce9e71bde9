import { SkillError } from "../errors/mod.ts";
import { API_VERSION, NAMESPACES } from "./model.ts";

/** What `caro skill init` creates: SPEC §9 `--type`. */
export type SkillType = "knowledge" | "recipe" | "full";

/** Options for {@link initSkill}. */
export interface InitSkillOptions {
  /** The new skill's id, `<namespace>.<name>`. */
  id: string;
  /** Default `knowledge`. */
  type?: SkillType;
  /** Target folder; default `./<id>`. It must not exist or be empty. */
  dir?: string;
}

/**
 * Writes a new skill folder that validates clean with `--strict` and shows
 * the author every manifest section with a comment.
 *
 * @returns the folder and the files written, relative to it
 * @throws {SkillError} `usage` for a bad id, `validation` when the folder is not empty
 * @example
 * ```ts
 * import { initSkill } from "./scaffold.ts";
 * const parent = await Deno.makeTempDir();
 * const { files } = await initSkill({ id: "custom.demo", type: "recipe", dir: `${parent}/demo` });
 * if (!files.includes("recipes/list-files.yaml")) throw new Error(files.join());
 * await Deno.remove(parent, { recursive: true });
 * ```
 */
export async function initSkill(
  options: InitSkillOptions,
): Promise<{ dir: string; files: string[] }> {
  const type = options.type ?? "knowledge";
  const match = /^([a-z0-9-]+)\.([a-z0-9][a-z0-9-]*)$/.exec(options.id);
  const namespaces = NAMESPACES.filter((n) => n !== "core");
  if (!match || !(namespaces as readonly string[]).includes(match[1])) {
    throw new SkillError("usage", `Cannot create a skill with id "${options.id}"`, {
      why: `an id is <namespace>.<name> in lowercase letters, digits and hyphens, ` +
        `with the namespace one of ${namespaces.join(", ")}`,
      hints: [{ to: "create one", run: `caro skill init custom.${slugify(options.id)}` }],
    });
  }
  const dir = options.dir ?? `./${options.id}`;
  await ensureEmpty(dir);
  const name = match[2];
  const files = templates(options.id, name, type);
  for (const [path, content] of Object.entries(files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, content);
  }
  return { dir, files: Object.keys(files).sort() };
}

async function ensureEmpty(dir: string): Promise<void> {
  try {
    for await (const _ of Deno.readDir(dir)) {
      throw new SkillError("validation", `Cannot create a skill in ${dir}: it is not empty`, {
        why: "init never overwrites files",
        hints: [{ to: "pick another folder", run: `caro skill init <id> --dir <new-folder>` }],
      });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "my-skill";
}

function title(name: string): string {
  return name.split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join(" ");
}

function templates(id: string, name: string, type: SkillType): Record<string, string> {
  const hasRecipes = type !== "knowledge";
  const isFull = type === "full";
  const manifest = `# skill.toml: the manifest of ${id}. Reference: docs/authoring.md.

# Who the skill is. id is <namespace>.<name>; namespaces: cloud, tool, lang, platform, custom.
[skill]
id = "${id}"
name = "${title(name)}"
version = "0.1.0"                  # semver; bump it on every release
description = "What ${title(name)} teaches caro, in one sentence."
api_version = "${API_VERSION}"             # the skill API this was written for
license = "MIT"                    # an SPDX id
authors = ["Your Name <you@example.com>"]
keywords = ["${name}"]

# What the skill contains: knowledge (markdown), recipes (YAML), executable (WASM).
[provides]
knowledge = true
recipes = ${hasRecipes}
executable = false

# When the knowledge is injected: prompts mentioning a topic (or a synonym) match.
[knowledge]
topics = ["${name}"]
priority = 50                      # higher wins when several skills match
max_context_tokens = 1000          # budget for this skill's share of the prompt

# Words users say for a topic.
[knowledge.synonyms]
${JSON.stringify(name)} = ["${name.replace(/-/g, " ")}"]
${
    hasRecipes
      ? `
# Where recipes live and how their steps are confirmed by default (auto, prompt, always).
[recipes]
files = ["recipes/*.yaml"]
default_confirmation = "prompt"

# What the skill may do. Nothing is granted until the user agrees at install.
[capabilities]
terminal_exec = { allowed = true, commands = ["ls"], blocked = ["rm"] }
`
      : `
# What the skill may do; knowledge needs nothing. Requested capabilities are granted by the user.
# [capabilities]
# terminal_exec = { allowed = true, commands = ["aws"], blocked = ["rm"] }
# filesystem_read = ["~/.aws"]
# network = ["*.amazonaws.com"]
`
  }${
    isFull
      ? `filesystem_read = ["./"]
env_read = ["HOME"]

# Skills this one needs, with semver ranges: "id" = ">=1.0,<2.0".
[dependencies]

# Skills worth installing alongside, shown at install.
[suggestions]
"core.posix" = "POSIX patterns that ${title(name)} recipes build on"

# Optional parts, chosen with --features / --no-default-features.
[features]
examples = { description = "Extra worked examples", default = true }

# Where the skill works, and the tools it needs.
[platform]
os = ["linux", "macos"]
arch = ["x86_64", "aarch64"]
required_tools = ["ls"]
optional_tools = []

# A WebAssembly component implementing the caro:skill world; enable it with
# provides.executable = true once bin/skill.wasm is built.
# [executable]
# module = "bin/skill.wasm"
# exports = ["discover-tools", "parse-output", "plan-workflow"]
`
      : ""
  }`;

  const files: Record<string, string> = {
    "skill.toml": manifest,
    "README.md":
      `# ${title(name)}\n\n\`${id}\`: a caro skill. Say what it teaches and how to use it.\n\n` +
      `Check it with \`caro skill validate .\` and \`caro skill test .\`.\n`,
    "knowledge/overview.md": `# ${title(name)} overview\n\n## What it is\n\nDescribe the domain ` +
      `in a few dense paragraphs. Each \`##\` section is a chunk caro can inject on its own.\n`,
    "knowledge/prompts/context.md": `Rules for ${title(name)} commands, always injected when ` +
      `the skill matches. Keep it short.\n\n- Prefer read-only commands first.\n`,
    "knowledge/patterns/example.md": `# ${title(name)} patterns\n\n## List files with details\n\n` +
      "```sh\nls -la -- ./some/dir\n```\n\n`-l` long format, `-a` includes dotfiles.\n",
    "tests/knowledge_test.md": `# Knowledge tests for ${id}\n\n## Test: basic match\n` +
      `Input: how do I use ${
        name.replace(/-/g, " ")
      }\nExpect files: knowledge/prompts/context.md\n` +
      `Must contain: read-only\nMust not contain: rm -rf\n`,
  };
  if (hasRecipes) {
    files["recipes/list-files.yaml"] =
      `# A recipe: parameters, preconditions, steps, verification, rollback.
id: list-files
name: List files
description: Show the files in a directory with their sizes.
version: 0.1.0
triggers:
  keywords: [list, files]
parameters:
  - { name: path, type: string, default: ".", description: Directory to list }
preconditions:
  - { check: command_exists, args: [ls], message: ls is required }
steps:
  - id: list
    name: List the directory
    command: ls -la -- {{path}}
    confirmation: auto
    risk_level: low
    timeout: 30
    expect: { exit_code: 0 }
verification:
  - { check: "ls -d -- {{path}}", expect: { exit_code: 0 }, message: the directory is gone }
`;
    files["tests/recipe_test.yaml"] = `test_cases:
  - name: lists the current directory
    recipe: list-files
    parameters: { path: "." }
    mock_commands:
      - { command: "ls *", exit_code: 0, stdout: "total 0" }
    expected_result: success
`;
  }
  return files;
}
