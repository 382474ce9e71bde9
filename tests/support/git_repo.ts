/**
 * Builds real git repositories for tests with the system `git` CLI.
 *
 * @example
 * ```ts ignore
 * import { createSkillRepo } from "./git_repo.ts";
 * const repo = await createSkillRepo(await Deno.makeTempDir(), "skill.git");
 * console.log(repo.commits["v1.0.0"]);
 * ```
 *
 * @module
 */

import { join } from "node:path";

/** Runs `git` in `cwd` and returns its trimmed stdout; throws with stderr on failure. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args,
    cwd,
    env: {
      GIT_AUTHOR_NAME: "Test",
      GIT_AUTHOR_EMAIL: "test@example.com",
      GIT_COMMITTER_NAME: "Test",
      GIT_COMMITTER_EMAIL: "test@example.com",
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: cwd,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/** A repository made by {@link createSkillRepo}. */
export interface SkillRepo {
  /** Path of the bare repository (what the git server serves). */
  bare: string;
  /** Path of the working clone used to author commits. */
  work: string;
  /** Commit id per tag and branch name: v1.0.0, v1.1.0, v2.0.0, main, dev. */
  commits: Record<string, string>;
}

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
}

/**
 * Creates a bare repository `reposRoot/name` with history: tag v1.0.0 (annotated), v1.1.0
 * (lightweight), v2.0.0 (annotated) on `main`, a branch `dev` one commit past v2.0.0, and a
 * monorepo folder `skills/alpha/` beside the root skill. Each version writes `VERSION`.
 */
export async function createSkillRepo(reposRoot: string, name: string): Promise<SkillRepo> {
  const work = join(reposRoot, `${name}.work`);
  const bare = join(reposRoot, name);
  await Deno.mkdir(work, { recursive: true });
  await git(work, "init", "-q", "-b", "main");
  const commits: Record<string, string> = {};
  const versions: Array<[string, boolean]> = [["1.0.0", true], ["1.1.0", false], [
    "2.0.0",
    true,
  ]];
  for (const [version, annotated] of versions) {
    await writeFiles(work, {
      "VERSION": `${version}\n`,
      "skill.toml": `[skill]\nid = "test.demo"\nversion = "${version}"\n`,
      "knowledge/intro.md": `# Demo ${version}\n`,
      "skills/alpha/skill.toml": `[skill]\nid = "test.alpha"\nversion = "${version}"\n`,
      "skills/alpha/knowledge/a.md": `alpha ${version}\n`,
      "skills/beta/skill.toml": `[skill]\nid = "test.beta"\nversion = "${version}"\n`,
    });
    await Deno.writeTextFile(join(work, "run.sh"), "#!/bin/sh\necho hi\n");
    await Deno.chmod(join(work, "run.sh"), 0o755);
    await git(work, "add", "-A");
    await git(work, "commit", "-q", "-m", `release ${version}`);
    if (annotated) await git(work, "tag", "-a", `v${version}`, "-m", `v${version}`);
    else await git(work, "tag", `v${version}`);
    commits[`v${version}`] = await git(work, "rev-parse", "HEAD");
  }
  commits.main = commits["v2.0.0"];
  await git(work, "checkout", "-q", "-b", "dev");
  await writeFiles(work, { "VERSION": "2.1.0-dev\n" });
  await git(work, "commit", "-q", "-am", "work in progress");
  commits.dev = await git(work, "rev-parse", "HEAD");
  await git(work, "checkout", "-q", "main");
  await git(reposRoot, "clone", "-q", "--bare", work, bare);
  return { bare, work, commits };
}

/**
 * Moves a tag in the bare repository to a new commit on `main` (a force-pushed tag), and
 * returns the new commit id.
 */
export async function moveTag(repo: SkillRepo, tag: string): Promise<string> {
  await writeFiles(repo.work, { "VERSION": `${tag} moved\n` });
  await git(repo.work, "commit", "-q", "-am", `move ${tag}`);
  await git(repo.work, "tag", "-f", "-a", tag, "-m", `${tag} moved`);
  await git(repo.work, "push", "-q", "-f", repo.bare, "main", `refs/tags/${tag}`);
  return await git(repo.work, "rev-parse", "HEAD");
}

/** Creates a bare repository with `files` generated files (for benchmarks), returning its path. */
export async function createWideRepo(
  reposRoot: string,
  name: string,
  files: number,
  bytesPerFile = 2048,
): Promise<string> {
  const work = join(reposRoot, `${name}.work`);
  await Deno.mkdir(work, { recursive: true });
  await git(work, "init", "-q", "-b", "main");
  const line = "the quick brown fox jumps over the lazy dog ";
  for (let i = 0; i < files; i++) {
    const dir = join(work, `dir${i % 20}`);
    await Deno.mkdir(dir, { recursive: true });
    const text = `${i} `.concat(line.repeat(Math.ceil(bytesPerFile / line.length))).slice(
      0,
      bytesPerFile,
    );
    await Deno.writeTextFile(join(dir, `file${i}.md`), text);
  }
  await git(work, "add", "-A");
  await git(work, "commit", "-q", "-m", "wide");
  const bare = join(reposRoot, name);
  await git(reposRoot, "clone", "-q", "--bare", work, bare);
  return bare;
}
