import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { SkillError } from "../errors/mod.ts";
import { formatGitSource, parseSourceSpec, type SourceFlags, type SourceSpec } from "./spec.ts";
import { gitTokenFor, sourceConfigOf } from "./config.ts";
import { parseConfig } from "../config/mod.ts";
import { formatFetchProgress } from "./progress.ts";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const DIGEST = "ab".repeat(32);

Deno.test("parseSourceSpec reads every SPEC §5 form", async (t) => {
  const rows: Array<{ text?: string; flags?: SourceFlags; want: SourceSpec }> = [
    { text: "./skills/jq", want: { kind: "folder", path: "./skills/jq" } },
    { text: "/abs/jq", want: { kind: "folder", path: "/abs/jq" } },
    { text: "file:///abs/my%20jq", want: { kind: "folder", path: "/abs/my jq" } },
    { flags: { path: "tool.jq" }, want: { kind: "folder", path: "tool.jq" } },
    { text: "my-skill", want: { kind: "folder", path: "my-skill" } },
    {
      text: "git+https://h.test/s.git",
      want: {
        kind: "git",
        url: "https://h.test/s.git",
        ref: undefined,
        subdir: undefined,
        tracking: undefined,
      },
    },
    {
      text: "git+https://h.test/s.git#v1.0.0:skills/jq/",
      want: {
        kind: "git",
        url: "https://h.test/s.git",
        ref: "v1.0.0",
        subdir: "skills/jq",
        tracking: undefined,
      },
    },
    {
      text: `git+https://h.test/s.git?branch=dev#${COMMIT}`,
      want: {
        kind: "git",
        url: "https://h.test/s.git",
        ref: COMMIT,
        subdir: undefined,
        tracking: { kind: "branch", name: "dev" },
      },
    },
    {
      text: "https://h.test/s.git",
      want: {
        kind: "git",
        url: "https://h.test/s.git",
        ref: undefined,
        subdir: undefined,
        tracking: undefined,
      },
    },
    {
      text: "git@github.com:org/s.git",
      want: {
        kind: "git",
        url: "git@github.com:org/s.git",
        ref: undefined,
        subdir: undefined,
        tracking: undefined,
      },
    },
    {
      flags: { git: "https://h.test/s.git", ref: "main", subdir: "./a" },
      want: {
        kind: "git",
        url: "https://h.test/s.git",
        ref: "main",
        subdir: "a",
        tracking: undefined,
      },
    },
    {
      text: "https://h.test/jq-1.0.tar.gz",
      want: {
        kind: "archive",
        url: "https://h.test/jq-1.0.tar.gz",
        sha256: undefined,
        format: "tgz",
      },
    },
    {
      text: `https://h.test/jq.zip#sha256=${DIGEST.toUpperCase()}`,
      want: { kind: "archive", url: "https://h.test/jq.zip", sha256: DIGEST, format: "zip" },
    },
    {
      text: "file:///tmp/jq.tar",
      want: { kind: "archive", url: "file:///tmp/jq.tar", sha256: undefined, format: "tar" },
    },
    {
      flags: { url: "http://127.0.0.1:8080/jq.tgz" },
      want: {
        kind: "archive",
        url: "http://127.0.0.1:8080/jq.tgz",
        sha256: undefined,
        format: "tgz",
      },
    },
    { text: "oci://ghcr.io/org/jq:1.0", want: { kind: "oci", reference: "ghcr.io/org/jq:1.0" } },
    {
      flags: { oci: "ghcr.io/org/jq@sha256:abc" },
      want: { kind: "oci", reference: "ghcr.io/org/jq@sha256:abc" },
    },
    { text: "tool.jq", want: { kind: "registry", id: "tool.jq", range: undefined } },
    { text: "tool.jq@>=1.2,<2.0", want: { kind: "registry", id: "tool.jq", range: ">=1.2,<2.0" } },
  ];
  for (const row of rows) {
    await t.step(row.text ?? JSON.stringify(row.flags), () => {
      deepStrictEqual(parseSourceSpec(row.text, row.flags), row.want);
    });
  }
});

Deno.test("parseSourceSpec refuses unknown and malformed specs as usage errors", async (t) => {
  // Each row is a spec a user could type, and why it cannot be a source.
  const rows: Array<{ why: string; text?: string; flags?: SourceFlags; message: RegExp }> = [
    { why: "nothing given", message: /Which skill/ },
    { why: "an unknown scheme", text: "svn://h.test/s", message: /svn:\/\/ scheme/ },
    { why: "a web page", text: "https://h.test/about", message: /Cannot tell what/ },
    { why: "a short digest", text: "https://h.test/a.tgz#sha256=abc", message: /64 hex/ },
    { why: "another fragment", text: "https://h.test/a.tgz#md5=abc", message: /#md5=abc/ },
    {
      why: "--url without an archive name",
      flags: { url: "https://h.test/a" },
      message: /archive format/,
    },
    {
      why: "--subdir without --git",
      text: "./a",
      flags: { subdir: "x" },
      message: /--subdir goes with --git/,
    },
    {
      why: "spec and flag",
      text: "./a",
      flags: { url: "https://h.test/a.tgz" },
      message: /Give one source/,
    },
    {
      why: "a subfolder climbing out",
      text: "git+https://h.test/s.git#main:../x",
      message: /without \.\./,
    },
    { why: "git+ of nothing", text: "git+", message: /as a git source/ },
    { why: "an unknown git option", text: "git+https://h.test/s.git?depth=1", message: /\?depth=/ },
    {
      why: "an OCI reference without a repository",
      text: "oci://ghcr.io",
      message: /oci:\/\/registry\/repo/,
    },
  ];
  for (const row of rows) {
    await t.step(row.why, () => {
      let error: unknown;
      try {
        parseSourceSpec(row.text, row.flags);
      } catch (e) {
        error = e;
      }
      ok(error instanceof SkillError, `${row.why}: no SkillError`);
      equal(error.code, "usage");
      match(`${error.message}\n${error.why}`, row.message);
      match(error.why ?? "", /accepted sources:/);
    });
  }
});

Deno.test("credentials never reach a lock source or an error", () => {
  const text = formatGitSource({
    url: "https://user:tok3n@h.test/s.git",
    commit: COMMIT,
    tracking: { kind: "tag", name: "v1.0.0" },
  });
  equal(text, `git+https://h.test/s.git?tag=v1.0.0#${COMMIT}`);
  let message = "";
  try {
    parseSourceSpec("https://user:tok3n@h.test/about");
  } catch (e) {
    message = e instanceof SkillError ? `${e.message}\n${e.why}` : String(e);
  }
  ok(message !== "" && !message.includes("tok3n"), message);
});

Deno.test("git tokens come from the variable config.toml names, per host first", async (t) => {
  const config = sourceConfigOf(
    await parseConfig(
      '[sources]\ngit_token_env = "ANY"\n[sources.hosts."github.com"]\ngit_token_env = "GH"\n',
    ),
  );
  const env = (name: string) => ({ ANY: "any-token", GH: "gh-token", EMPTY: "" })[name];
  const rows: Array<[string, string | undefined]> = [
    ["git+https://github.com/org/s.git", "gh-token"],
    ["https://gitlab.example/org/s.git", "any-token"],
    ["git@github.com:org/s.git", "any-token"],
  ];
  for (const [url, want] of rows) {
    await t.step(url, () => equal(gitTokenFor(url, config, env), want));
  }
  await t.step("no [sources]: no token", async () => {
    equal(
      gitTokenFor(
        "https://github.com/x.git",
        sourceConfigOf(await parseConfig("[llm]\nmodel = 'x'\n")),
        env,
      ),
      undefined,
    );
  });
  await t.step("a wrong type is a validation error naming the key", async () => {
    let error: unknown;
    const config = await parseConfig("[sources]\ngit_token_env = 3\n");
    try {
      sourceConfigOf(config);
    } catch (e) {
      error = e;
    }
    ok(error instanceof SkillError && error.code === "validation");
    match(error.why ?? "", /git_token_env/);
  });
});

Deno.test("formatFetchProgress shows size, rate and ETA", async (t) => {
  const rows: Array<[Parameters<typeof formatFetchProgress>, string]> = [
    [
      [{ kind: "download", bytes: 0, total: 2048, rate: 0 }, 4],
      "Downloading [    ]  0%  0 B / 2.0 KiB  0 B/s",
    ],
    [
      [{ kind: "download", bytes: 3 * 1024 * 1024, rate: 1024 * 1024 }, 4],
      "Downloading 3.0 MiB  1.0 MiB/s",
    ],
    [
      [
        { kind: "download", bytes: 100 * 1024 * 1024, total: 400 * 1024 * 1024, rate: 1024 * 1024 },
        0,
      ],
      "Downloading 25%  100 MiB / 400 MiB  1.0 MiB/s  ETA 5m00s",
    ],
    [[{ kind: "git", phase: "Resolving deltas", loaded: 7, total: 0 }, 4], "Resolving deltas 7"],
  ];
  for (const [args, want] of rows) {
    await t.step(want, () => equal(formatFetchProgress(...args), want));
  }
});

Deno.test("lock sources keep the ssh account and drop every password", async (t) => {
  const commit = "a".repeat(40);
  const rows: Array<[string, string, string]> = [
    [
      "ssh user is the login, not a secret",
      "ssh://git@github.com/org/s.git",
      "git+ssh://git@github.com/org/s.git#",
    ],
    ["https user and password go", "https://bob:tok@h.test/r.git", "git+https://h.test/r.git#"],
    [
      "a password holding @ goes whole",
      "https://bob:p@ss@h.test/r.git",
      "git+https://h.test/r.git#",
    ],
    ["ssh password goes, user stays", "ssh://git:pw@h.test/r.git", "git+ssh://git@h.test/r.git#"],
  ];
  for (const [name, url, expected] of rows) {
    await t.step(name, () => {
      const source = formatGitSource({ url, commit });
      if (source !== `${expected}${commit}`) throw new Error(source);
    });
  }
});
