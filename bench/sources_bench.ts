/**
 * Source fetch benchmarks, each a ratio against a native baseline measured in the same run:
 *
 * - `extractArchive` of a generated ~50 MB `.tgz` vs `tar xzf` of the same file (target ≤ 2);
 * - `gitFetch` of a generated 500-file repository from the local git http-backend vs
 *   `git clone --depth 1` from the same server (target ≤ 2);
 * - `caro skill add git+http://…` of a 500-file skill (the real CLI, a new home each run:
 *   fetch, validate, hash, lock, commit) vs `git clone --depth 1` of the same repository
 *   (target ≤ 2), and the same install in-process (`installFromSource`, no CLI start-up).
 *
 * Run: `deno run -A bench/sources_bench.ts [archive|git|add]` (prints one line per figure).
 *
 * @module
 */

import { join } from "node:path";
import { gitFetch } from "../src/sources/mod.ts";
import { extractArchive } from "../src/tree/mod.ts";
import { createWideRepo, git } from "../tests/support/git_repo.ts";
import { runCaro } from "../tests/support/cli.ts";
import { skillToml } from "../tests/sources/_skill_repos.ts";
import { installSkill, openStore } from "../src/ops/mod.ts";
import { startGitServer } from "../tests/support/git_server.ts";

const RUNS = 3;

async function run(cmd: string, args: string[], cwd?: string): Promise<void> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "null", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Best of RUNS timings in ms; `prepare` runs untimed before each. */
async function best(
  fn: (i: number) => Promise<void>,
  prepare?: (i: number) => Promise<void>,
): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < RUNS; i++) {
    await prepare?.(i);
    const started = performance.now();
    await fn(i);
    min = Math.min(min, performance.now() - started);
  }
  return min;
}

/** A skill-like tree: 100 files of 512 KiB hard-to-compress bytes and 400 small text files. */
async function generateTree(root: string): Promise<void> {
  const blob = new Uint8Array(512 * 1024);
  for (let i = 0; i < 100; i++) {
    await Deno.mkdir(join(root, `assets/${i % 10}`), { recursive: true });
    for (let o = 0; o < blob.length; o += 65536) {
      crypto.getRandomValues(blob.subarray(o, o + 65536));
    }
    await Deno.writeFile(join(root, `assets/${i % 10}/blob${i}.bin`), blob);
  }
  const text = "Use `du -sh` to see the size of a folder; `find . -size +100M` finds big files.\n";
  for (let i = 0; i < 400; i++) {
    await Deno.mkdir(join(root, `knowledge/${i % 20}`), { recursive: true });
    await Deno.writeTextFile(join(root, `knowledge/${i % 20}/note${i}.md`), text.repeat(40 + i));
  }
}

async function benchArchive(work: string): Promise<void> {
  const tree = join(work, "skill-1.0.0");
  await generateTree(tree);
  const tgz = join(work, "skill.tgz");
  await run("tar", ["czf", tgz, "-C", work, "skill-1.0.0"]);
  const size = (await Deno.stat(tgz)).size;

  const tarMs = await best(
    (i) => run("tar", ["xzf", tgz, "-C", join(work, `tar${i}`)]),
    (i) => Deno.mkdir(join(work, `tar${i}`)),
  );
  const oursMs = await best(async (i) => {
    const file = await Deno.open(tgz);
    await extractArchive(file.readable, join(work, `ours${i}`), { format: "tgz" });
  });
  console.log(
    `extractArchive ${(size / 1e6).toFixed(1)} MB .tgz: ${oursMs.toFixed(0)} ms, ` +
      `tar xzf ${tarMs.toFixed(0)} ms, ratio ${(oursMs / tarMs).toFixed(2)} (target <= 2)`,
  );
}

async function benchGit(work: string): Promise<void> {
  const repos = join(work, "repos");
  await Deno.mkdir(repos);
  await createWideRepo(repos, "wide.git", 500);
  const server = await startGitServer(repos);
  const url = `${server.url}/wide.git`;
  try {
    const gitMs = await best((i) =>
      run("git", ["clone", "-q", "--depth", "1", url, join(work, `clone${i}`)])
    );
    const oursMs = await best((i) =>
      gitFetch({
        url,
        cacheDir: join(work, `cache${i}`),
        dest: join(work, `fetch${i}`),
      }).then(() => undefined)
    );
    const cachedMs = await best((i) =>
      gitFetch({
        url,
        cacheDir: join(work, "cache0"),
        dest: join(work, `again${i}`),
      }).then(() => undefined)
    );
    console.log(
      `gitFetch 500-file repo (cold cache): ${oursMs.toFixed(0)} ms, git clone --depth 1 ` +
        `${gitMs.toFixed(0)} ms, ratio ${(oursMs / gitMs).toFixed(2)} (target <= 2); ` +
        `warm cache ${cachedMs.toFixed(0)} ms, ratio ${(cachedMs / gitMs).toFixed(2)}`,
    );
  } finally {
    await server.close();
  }
}

/** A bare repository whose root is a valid skill of `files` files (knowledge pages). */
async function createSkillRepoOf(reposRoot: string, name: string, files: number): Promise<void> {
  const work = join(reposRoot, `${name}.work`);
  await Deno.mkdir(join(work, "knowledge/prompts"), { recursive: true });
  await git(work, "init", "-q", "-b", "main");
  await Deno.writeTextFile(join(work, "skill.toml"), skillToml("tool.wide", "1.0.0"));
  await Deno.writeTextFile(join(work, "knowledge/prompts/context.md"), "# Wide\n");
  const line = "Use `du -sh` to see the size of a folder; `find . -size +100M` finds big files.\n";
  for (let i = 0; i < files - 2; i++) {
    const dir = join(work, `knowledge/topic${i % 20}`);
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(join(dir, `page${i}.md`), `# Page ${i}\n${line.repeat(25)}`);
  }
  await git(work, "add", "-A");
  await git(work, "commit", "-q", "-m", "wide skill");
  await git(work, "tag", "v1.0.0");
  await git(reposRoot, "clone", "-q", "--bare", work, join(reposRoot, name));
}

async function benchCaroAdd(work: string): Promise<void> {
  const repos = join(work, "skill-repos");
  await Deno.mkdir(repos);
  await createSkillRepoOf(repos, "wide-skill.git", 500);
  const server = await startGitServer(repos);
  const url = `${server.url}/wide-skill.git`;
  try {
    const gitMs = await best((i) =>
      run("git", ["clone", "-q", "--depth", "1", url, join(work, `skill-clone${i}`)])
    );
    const cliMs = await best(async (i) => {
      const out = await runCaro(["-q", "skill", "add", `git+${url}#v1.0.0`], {
        home: join(work, `cli-home${i}`),
      });
      if (out.code !== 0) throw new Error(out.stderr);
    });
    const startMs = await best(async () => {
      const out = await runCaro(["--version"]);
      if (out.code !== 0) throw new Error(out.stderr);
    });
    const libMs = await best(async (i) => {
      const store = await openStore(join(work, `lib-home${i}`));
      await installSkill(store, `git+${url}#v1.0.0`);
    });
    console.log(
      `caro skill add of a 500-file skill from git (cold cache, new home): ${
        cliMs.toFixed(0)
      } ms, ` +
        `git clone --depth 1 ${gitMs.toFixed(0)} ms, ratio ${(cliMs / gitMs).toFixed(2)} ` +
        `(target <= 2); of which caro start-up ${startMs.toFixed(0)} ms; ` +
        `in-process installSkill ${libMs.toFixed(0)} ms, ratio ${(libMs / gitMs).toFixed(2)}`,
    );
  } finally {
    await server.close();
  }
}

if (import.meta.main) {
  const work = await Deno.makeTempDir({ prefix: "sources_bench" });
  try {
    // `deno run -A bench/sources_bench.ts add` runs only the caro skill add figure.
    const only = Deno.args[0];
    if (!only || only === "archive") await benchArchive(work);
    if (!only || only === "git") await benchGit(work);
    if (!only || only === "add") await benchCaroAdd(work);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
