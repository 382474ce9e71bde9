/**
 * Git repositories of valid skills for the source tests, served by the real
 * `git http-backend` of `../support/git_server.ts`.
 *
 * @module
 */

import { join } from "node:path";
import { git } from "../support/git_repo.ts";

/** A repository made by {@link createValidSkillRepo}. */
export interface ValidSkillRepo {
  /** The bare repository served. */
  bare: string;
  /** The working clone commits are authored in. */
  work: string;
  /** Commit per tag and branch: v1.0.0, v1.1.0, v2.0.0, main, dev. */
  commits: Record<string, string>;
}

/** The skill.toml of `id` at `version`, with optional `[capabilities]` lines. */
export function skillToml(id: string, version: string, capabilities: string[] = []): string {
  const name = id.split(".")[1];
  return [
    "[skill]",
    `id = "${id}"`,
    `name = "${name}"`,
    `version = "${version}"`,
    `description = "Knowledge about ${name} for source tests"`,
    'api_version = "1.0"',
    'license = "MIT"',
    "[provides]",
    "knowledge = true",
    "[knowledge]",
    `topics = ["${name}"]`,
    ...(capabilities.length > 0 ? ["[capabilities]", ...capabilities] : []),
  ].join("\n") + "\n";
}

/** Writes files (path → text) under `root`. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
}

/**
 * A bare repository `reposRoot/name` whose root is the skill `tool.demo` and whose
 * `skills/alpha` is the skill `tool.alpha`: tags v1.0.0 (annotated), v1.1.0 (adds a file),
 * v2.0.0 (requests `network`), branch `dev` one commit past main. `extraFiles` knowledge
 * pages widen the install (kill tests).
 */
export async function createValidSkillRepo(
  reposRoot: string,
  name: string,
  extraFiles = 0,
): Promise<ValidSkillRepo> {
  const work = join(reposRoot, `${name}.work`);
  const bare = join(reposRoot, name);
  await Deno.mkdir(work, { recursive: true });
  await git(work, "init", "-q", "-b", "main");
  const commits: Record<string, string> = {};
  for (const version of ["1.0.0", "1.1.0", "2.0.0"]) {
    const files: Record<string, string> = {
      "skill.toml": skillToml(
        "tool.demo",
        version,
        version === "2.0.0" ? ['network = ["api.example.com"]'] : [],
      ),
      "knowledge/prompts/context.md": `# Demo ${version}\n\nUse demo carefully.\n`,
      "skills/alpha/skill.toml": skillToml("tool.alpha", version),
      "skills/alpha/knowledge/prompts/context.md": `# Alpha ${version}\n`,
    };
    if (version !== "1.0.0") files["knowledge/concepts/new.md"] = `# New in ${version}\n`;
    for (let i = 0; i < extraFiles; i++) {
      files[`knowledge/concepts/page-${i}.md`] = `# Page ${i} of ${version}\n${"x".repeat(300)}\n`;
    }
    await writeFiles(work, files);
    await git(work, "add", "-A");
    await git(work, "commit", "-q", "-m", `release ${version}`);
    if (version === "1.1.0") await git(work, "tag", `v${version}`);
    else await git(work, "tag", "-a", `v${version}`, "-m", `v${version}`);
    commits[`v${version}`] = await git(work, "rev-parse", "HEAD");
  }
  commits.main = commits["v2.0.0"];
  await git(work, "checkout", "-q", "-b", "dev");
  await writeFiles(work, { "knowledge/concepts/dev.md": "# Work in progress\n" });
  await git(work, "add", "-A");
  await git(work, "commit", "-q", "-m", "work in progress");
  commits.dev = await git(work, "rev-parse", "HEAD");
  await git(work, "checkout", "-q", "main");
  await git(reposRoot, "clone", "-q", "--bare", work, bare);
  return { bare, work, commits };
}

/** Moves `tag` to a new commit with other content and pushes it (a force-pushed tag). */
export async function moveTagWithChange(repo: ValidSkillRepo, tag: string): Promise<string> {
  await writeFiles(repo.work, { "knowledge/concepts/moved.md": `# ${tag} moved\n` });
  await git(repo.work, "add", "-A");
  await git(repo.work, "commit", "-q", "-m", `move ${tag}`);
  await git(repo.work, "tag", "-f", "-a", tag, "-m", `${tag} moved`);
  await git(repo.work, "push", "-q", "-f", repo.bare, "main", `refs/tags/${tag}`);
  return await git(repo.work, "rev-parse", "HEAD");
}

/** Adds a commit on `branch` and pushes it; returns the new head. */
export async function advanceBranch(repo: ValidSkillRepo, branch: string): Promise<string> {
  await git(repo.work, "checkout", "-q", branch);
  await writeFiles(repo.work, { "knowledge/concepts/later.md": `# Later on ${branch}\n` });
  await git(repo.work, "add", "-A");
  await git(repo.work, "commit", "-q", "-m", `later on ${branch}`);
  await git(repo.work, "push", "-q", repo.bare, branch);
  const head = await git(repo.work, "rev-parse", "HEAD");
  await git(repo.work, "checkout", "-q", "main");
  return head;
}
