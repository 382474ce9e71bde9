import { join } from "node:path";
import { SkillError } from "../../src/errors/mod.ts";
import { gitFetch, gitListTags, gitResolveRef } from "../../src/sources/mod.ts";
import { createSkillRepo, git, moveTag } from "../support/git_repo.ts";
import { startGitServer } from "../support/git_server.ts";

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

async function listTree(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(root, prefix))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await listTree(root, path));
    else out.push(path);
  }
  return out.sort();
}

/** POSTs to git-upload-pack are object downloads (ref listing is one GET with protocol v1). */
const packRequests = (requests: string[]) =>
  requests.filter((r) => r.startsWith("POST") && r.includes("git-upload-pack")).length;

Deno.test("gitFetch against a real git http-backend", async (t) => {
  const root = await Deno.makeTempDir();
  const repo = await createSkillRepo(root, "skill.git");
  const server = await startGitServer(root);
  const url = `git+${server.url}/skill.git`;
  const cacheDir = join(root, "cache");
  let n = 0;
  const dest = () => join(root, "out", `d${n++}`);
  try {
    await t.step("an annotated tag, shallow, without .git", async () => {
      const phases = new Set<string>();
      const result = await gitFetch({
        url,
        ref: "v1.0.0",
        cacheDir,
        dest: dest(),
        onProgress: (p) => phases.add(p.phase),
      });
      assert(result.commit === repo.commits["v1.0.0"], `commit ${result.commit}`);
      assert(phases.size > 0, "progress reported");
      assert(result.kind === "tag" && result.ref === "v1.0.0", `${result.kind} ${result.ref}`);
      assert(!result.fromCache, "first fetch downloads");
      assert(await Deno.readTextFile(join(result.dir, "VERSION")) === "1.0.0\n", "content");
      const files = await listTree(result.dir);
      assert(!files.some((f) => f.startsWith(".git")), "no .git");
      assert(files.includes("skills/alpha/knowledge/a.md"), files.join());
      const mode = (await Deno.stat(join(result.dir, "run.sh"))).mode! & 0o777;
      assert(mode === 0o755, `exec bit kept: ${mode.toString(8)}`);
      const shallow = await Deno.readTextFile(join(
        cacheDir,
        (await listTree(cacheDir))
          .find((f) => f.endsWith("/shallow"))!,
      ));
      assert(shallow.trim().split("\n").length === 1, "depth 1");
    });

    await t.step("a lightweight tag", async () => {
      const result = await gitFetch({ url, ref: "v1.1.0", cacheDir, dest: dest() });
      assert(result.commit === repo.commits["v1.1.0"], "commit");
      assert(await Deno.readTextFile(join(result.dir, "VERSION")) === "1.1.0\n", "content");
    });

    await t.step("a branch", async () => {
      const result = await gitFetch({ url, ref: "dev", cacheDir, dest: dest() });
      assert(result.kind === "branch" && result.commit === repo.commits.dev, "dev");
      assert(await Deno.readTextFile(join(result.dir, "VERSION")) === "2.1.0-dev\n", "content");
    });

    await t.step("no ref: the default branch", async () => {
      const result = await gitFetch({ url, cacheDir, dest: dest() });
      assert(result.ref === "main" && result.commit === repo.commits.main, `${result.ref}`);
    });

    await t.step("a short commit id (unadvertised: full fetch of a shallow cache)", async () => {
      const short = repo.commits["v1.1.0"].slice(0, 7);
      const older = await gitFetch({ url, ref: short, cacheDir, dest: dest() });
      assert(older.kind === "commit" && older.commit === repo.commits["v1.1.0"], "commit");
      // The first commit is behind every shallow boundary so far.
      const first = await git(repo.work, "rev-list", "--max-parents=0", "HEAD");
      const result = await gitFetch({ url, ref: first.slice(0, 8), cacheDir, dest: dest() });
      assert(result.commit === first, `commit ${result.commit}`);
    });

    await t.step("a skill in a monorepo folder", async () => {
      const result = await gitFetch({
        url,
        ref: "v2.0.0",
        subdir: "skills/alpha",
        cacheDir,
        dest: dest(),
      });
      const files = await listTree(result.dir);
      assert(files.join() === "knowledge/a.md,skill.toml", files.join());
      assert((await Deno.readTextFile(join(result.dir, "skill.toml"))).includes("2.0.0"), "v2");
    });

    await t.step("the cache is reused: no objects downloaded the second time", async () => {
      const before = packRequests(server.requests);
      const result = await gitFetch({ url, ref: "v1.0.0", cacheDir, dest: dest() });
      assert(result.fromCache, "from cache");
      assert(packRequests(server.requests) === before, "no upload-pack request");
      const listed = server.requests.length;
      const pinned = await gitFetch({
        url,
        ref: repo.commits["v1.0.0"],
        cacheDir,
        dest: dest(),
      });
      assert(pinned.fromCache && server.requests.length === listed, "a pinned commit: no network");
    });

    await t.step("two fetches into the same cache at once both succeed", async () => {
      const fresh = join(root, "cache-concurrent");
      const [a, b] = await Promise.all([
        gitFetch({ url, ref: "v2.0.0", cacheDir: fresh, dest: dest() }),
        gitFetch({ url, ref: "dev", cacheDir: fresh, dest: dest() }),
      ]);
      assert(a.commit === repo.commits["v2.0.0"] && b.commit === repo.commits.dev, "both");
      const left = await Array.fromAsync(Deno.readDir(fresh));
      assert(left.every((e) => !e.name.endsWith(".lock")), "lock released");
    });

    await t.step("a moved tag gives the new commit", async () => {
      const moved = await moveTag(repo, "v1.0.0");
      const result = await gitFetch({ url, ref: "v1.0.0", cacheDir, dest: dest() });
      assert(result.commit === moved && moved !== repo.commits["v1.0.0"], "new commit");
      assert(!result.fromCache, "fetched again");
      assert((await Deno.readTextFile(join(result.dir, "VERSION"))).includes("moved"), "content");
    });

    await t.step("gitListTags and gitResolveRef", async () => {
      const tags = await gitListTags(url);
      assert(tags.map((x) => x.name).join() === "v1.0.0,v1.1.0,v2.0.0", JSON.stringify(tags));
      assert(tags[2].commit === repo.commits["v2.0.0"], "peeled to the commit");
      const dev = await gitResolveRef(url, "dev");
      assert(dev.kind === "branch" && dev.commit === repo.commits.dev, "dev");
    });

    const failures: Array<
      { why: string; ref?: string; subdir?: string; code: string; re: RegExp }
    > = [
      { why: "unknown ref", ref: "v9.9.9", code: "not_found", re: /"v9\.9\.9"/ },
      { why: "unknown commit", ref: "deadbeef", code: "not_found", re: /deadbeef/ },
      {
        why: "missing folder",
        ref: "v2.0.0",
        subdir: "skills/zeta",
        code: "not_found",
        re: /zeta/,
      },
      { why: "folder escaping", ref: "v2.0.0", subdir: "../x", code: "validation", re: /"\.\."/ },
    ];
    for (const row of failures) {
      await t.step(`refused: ${row.why}`, async () => {
        const out = dest();
        const error = await gitFetch({ url, ref: row.ref, subdir: row.subdir, cacheDir, dest: out })
          .catch((e) => e);
        assert(error instanceof SkillError && error.code === row.code, `${error}`);
        assert(row.re.test(error.message), error.message);
        const left = await listTree(join(root, "out")).catch(() => []);
        assert(!left.some((f) => f.includes(".partial-")), "no staging left");
      });
    }

    await t.step("the tree limits apply", async () => {
      for (
        const [limits, re] of [
          [{ maxFiles: 3 }, /maxFiles/],
          [{ maxTotalBytes: 40 }, /maxTotalBytes/],
        ] as const
      ) {
        const error = await gitFetch({ url, ref: "v2.0.0", cacheDir, dest: dest(), limits })
          .catch((e) => e);
        assert(error instanceof SkillError && error.code === "validation", `${error}`);
        assert(re.test(error.message), error.message);
      }
      const left = await listTree(join(root, "out"));
      assert(!left.some((f) => f.includes(".partial-")), "no staging left");
    });

    await t.step("a missing repository is not_found", async () => {
      const error = await gitFetch({
        url: `${server.url}/nope.git`,
        cacheDir,
        dest: dest(),
      }).catch((e) => e);
      assert(error instanceof SkillError && error.code === "not_found", `${error}`);
    });
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("gitFetch of a private repository sends the token and never stores it", async () => {
  const root = await Deno.makeTempDir();
  const repo = await createSkillRepo(root, "private.git");
  const token = "tok-Secret-123";
  const server = await startGitServer(root, { password: token });
  const cacheDir = join(root, "cache");
  try {
    const denied = await gitFetch({
      url: `${server.url}/private.git`,
      cacheDir,
      dest: join(root, "a"),
    }).catch((e) => e);
    assert(denied instanceof SkillError && /refused access/.test(denied.message), `${denied}`);
    const result = await gitFetch({
      url: `${server.url}/private.git`,
      ref: "v1.1.0",
      token,
      cacheDir,
      dest: join(root, "b"),
    });
    assert(result.commit === repo.commits["v1.1.0"], "fetched with the token");
    const grep = await new Deno.Command("grep", { args: ["-r", "-l", token, cacheDir] }).output();
    assert(grep.code === 1, "the token is nowhere in the cache");
    const leaked = await gitFetch({
      url: `http://user:${token}@127.0.0.1:1/x.git`,
      cacheDir,
      dest: join(root, "c"),
    }).catch((e) => e);
    assert(leaked instanceof SkillError, `${leaked}`);
    assert(!`${leaked.message} ${leaked.why}`.includes(token), leaked.message);
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("gitFetch through the system git (file:// stands in for ssh)", async (t) => {
  const root = await Deno.makeTempDir();
  const repo = await createSkillRepo(root, "skill.git");
  const url = `file://${repo.bare}`;
  const cacheDir = join(root, "cache");
  try {
    await t.step("a tag", async () => {
      const result = await gitFetch({ url, ref: "v2.0.0", cacheDir, dest: join(root, "a") });
      assert(result.commit === repo.commits["v2.0.0"], "commit");
      assert(await Deno.readTextFile(join(result.dir, "VERSION")) === "2.0.0\n", "content");
    });
    await t.step("a short commit", async () => {
      const short = repo.commits["v1.0.0"].slice(0, 10);
      const result = await gitFetch({ url, ref: short, cacheDir, dest: join(root, "b") });
      assert(result.commit === repo.commits["v1.0.0"], "commit");
    });
    await t.step("no git program: a clear error", async () => {
      const error = await gitFetch({
        url: "git@example.com:org/skill.git",
        cacheDir,
        dest: join(root, "c"),
        gitBinary: "/nonexistent/git",
      }).catch((e) => e);
      assert(
        error instanceof SkillError && /git program is not installed/.test(error.message),
        `${error}`,
      );
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("gitFetch and symbolic links in the tree", async (t) => {
  const root = await Deno.makeTempDir();
  const repo = await createSkillRepo(root, "skill.git");
  await Deno.symlink("knowledge/intro.md", join(repo.work, "intro"));
  await git(repo.work, "add", "-A");
  await git(repo.work, "commit", "-q", "-m", "internal link");
  await git(repo.work, "tag", "internal");
  await Deno.symlink("/etc/passwd", join(repo.work, "passwd"));
  await git(repo.work, "add", "-A");
  await git(repo.work, "commit", "-q", "-m", "link out");
  await git(repo.work, "tag", "outside");
  await git(repo.work, "push", "-q", "--tags", repo.bare, "main");
  const server = await startGitServer(root);
  const url = `${server.url}/skill.git`;
  const cacheDir = join(root, "cache");
  const outs = join(root, "outs");
  const rows = [
    { ref: "internal", allow: false, refused: "intro", why: "links are refused by default" },
    { ref: "internal", allow: true, refused: undefined, why: "an internal link when allowed" },
    { ref: "outside", allow: true, refused: "passwd", why: "a link out, even when allowed" },
  ];
  try {
    for (const [i, row] of rows.entries()) {
      await t.step(row.why, async () => {
        const dest = join(outs, `d${i}`);
        const result = await gitFetch({
          url,
          ref: row.ref,
          cacheDir,
          dest,
          allowInternalLinks: row.allow,
        })
          .catch((e) => e);
        if (row.refused) {
          assert(result instanceof SkillError && result.code === "validation", `${result}`);
          assert(result.message.includes(`"${row.refused}"`), result.message);
          const left = await Array.fromAsync(Deno.readDir(outs));
          assert(left.every((e) => !e.name.includes(".partial-")), "no staging left");
        } else {
          assert(!(result instanceof Error), `${result}`);
          assert((await Deno.lstat(join(dest, "intro"))).isSymlink, "link made");
          assert((await Deno.readTextFile(join(dest, "intro"))).startsWith("# Demo"), "resolves");
        }
      });
    }
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
});
