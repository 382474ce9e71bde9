/**
 * `caro skill add` of archive URLs through the real CLI and a real HTTP server on 127.0.0.1:
 * .tgz/.tar/.zip with and without a pinned digest, every malicious archive refused with
 * nothing left in $CARO_HOME, offline reinstall from the archive cache, and the specs that
 * are usage errors.
 */
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { packTar, type TarEntry } from "modern-tar";
import { zipSync } from "fflate";
import { runCaro } from "../support/cli.ts";
import { startFileServer } from "../support/file_server.ts";
import { namesIn } from "../store/_fixtures.ts";
import { skillToml } from "./_skill_repos.ts";

const enc = new TextEncoder();

const file = (name: string, text: string): TarEntry => ({
  header: { name, size: enc.encode(text).length },
  body: text,
});

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return await new Response(
    new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
      new CompressionStream("gzip"),
    ),
  ).bytes();
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The entries of a valid skill `tool.packed` under `root/`. */
function skillEntries(root: string, version = "1.0.0"): TarEntry[] {
  return [
    file(`${root}/skill.toml`, skillToml("tool.packed", version)),
    file(`${root}/knowledge/prompts/context.md`, `# Packed ${version}\n`),
  ];
}

/** Everything an interrupted or refused add could leave in the home. */
async function homeLeftovers(home: string): Promise<string[]> {
  const left: string[] = [];
  for (const dir of ["staging", "trash", "skills", "cache/archives"]) {
    for (const name of await namesIn(`${home}/${dir}`)) left.push(`${dir}/${name}`);
  }
  for (const name of await namesIn(home)) {
    if (name.endsWith(".tmp") || name === "journal.json") left.push(name);
  }
  return left;
}

Deno.test("caro skill add installs .tgz, .tar and .zip archives, with and without a digest", async (t) => {
  const tar = await packTar(skillEntries("packed-1.0.0"));
  const tgz = await gzip(tar);
  const zip = zipSync({
    "packed-1.0.0/skill.toml": enc.encode(skillToml("tool.packed", "1.0.0")),
    "packed-1.0.0/knowledge/prompts/context.md": enc.encode("# Packed 1.0.0\n"),
  });
  const server = await startFileServer({ "/p.tgz": tgz, "/p.tar": tar, "/p.zip": zip });
  const root = await Deno.makeTempDir({ prefix: "caro-archive-" });
  try {
    const rows: Array<
      { why: string; args: (url: string) => string[]; bytes: Uint8Array; pin?: boolean }
    > = [
      { why: "a .tgz URL", args: (u) => [`${u}/p.tgz`], bytes: tgz },
      { why: "a .tgz with its pinned digest", args: (u) => [`${u}/p.tgz`], bytes: tgz, pin: true },
      { why: "a .tar with --url", args: (u) => ["--url", `${u}/p.tar`], bytes: tar },
      { why: "a .zip URL", args: (u) => [`${u}/p.zip`], bytes: zip },
      { why: "a .zip with its pinned digest", args: (u) => [`${u}/p.zip`], bytes: zip, pin: true },
    ];
    for (const [i, row] of rows.entries()) {
      await t.step(row.why, async () => {
        const home = `${root}/home${i}`;
        const digest = await sha256Hex(row.bytes);
        const args = row.args(server.url);
        if (row.pin) args[args.length - 1] += `#sha256=${digest}`;
        const r = await runCaro(["skill", "add", ...args], { home });
        equal(r.code, 0, r.stderr);
        match(r.stdout, /Installed tool\.packed 1\.0\.0/);
        // The lock pins the archive's digest whether or not the user did.
        const lock = await Deno.readTextFile(`${home}/skills.lock`);
        ok(lock.includes(`#sha256=${digest}"`), lock);
        deepStrictEqual(await namesIn(`${home}/staging`), []);
        equal((await namesIn(`${home}/cache/archives`)).length, 1);
        equal((await runCaro(["skill", "verify"], { home })).code, 0);
      });
    }

    await t.step(
      "download progress: plain lines when stderr is not a terminal, none with -q",
      async () => {
        const plain = await runCaro(["skill", "add", `${server.url}/p.tgz`], {
          home: `${root}/p1`,
        });
        equal(plain.code, 0, plain.stderr);
        match(
          plain.stderr,
          /^Downloading 100% {2}[\d.]+ (B|KiB) \/ [\d.]+ (B|KiB) {2}[\d.]+ (B|KiB|MiB)\/s$/m,
        );
        ok(!plain.stderr.includes("\r"), "no redrawn bar without a terminal");
        const quiet = await runCaro(["-q", "skill", "add", `${server.url}/p.tgz`], {
          home: `${root}/p2`,
        });
        equal(quiet.code, 0, quiet.stderr);
        equal(quiet.stderr.includes("Downloading"), false, quiet.stderr);
      },
    );

    await t.step("a wrong pinned digest is refused before extraction, nothing left", async () => {
      const home = `${root}/wrong`;
      const r = await runCaro(["skill", "add", `${server.url}/p.tgz#sha256=${"0".repeat(64)}`], {
        home,
      });
      equal(r.code, 5, r.stderr);
      match(r.stderr, /SHA-256 does not match/);
      deepStrictEqual(await homeLeftovers(home), []);
    });

    await t.step("plain http:// to a remote host is refused without --insecure", async () => {
      const home = `${root}/insecure`;
      const r = await runCaro(["skill", "add", "http://skills.example.invalid/p.tgz"], { home });
      equal(r.code, 5, r.stderr);
      match(r.stderr, /plain http:\/\/ to a remote host/);
      deepStrictEqual(await homeLeftovers(home), []);
    });

    await t.step("offline: the locked archive reinstalls from the cache", async () => {
      const home = `${root}/offline`;
      const url = `${server.url}/p.tgz`;
      equal((await runCaro(["skill", "add", url], { home })).code, 0);
      await server.close();
      const again = await runCaro(["skill", "add", url, "--force"], { home });
      equal(again.code, 0, again.stderr);
      match(again.stdout, /\(from cache\)/);
      equal((await runCaro(["skill", "verify"], { home })).code, 0);
      // A URL never installed has no cache to fall back on.
      const other = await runCaro(["skill", "add", `${url.replace("p.tgz", "q.tgz")}`], { home });
      equal(other.code, 4, other.stderr);
    });
  } finally {
    await server.close().catch((e) => e);
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("every malicious archive is refused through caro skill add --url, leaving nothing behind", async (t) => {
  const many: TarEntry[] = [file("m/skill.toml", skillToml("tool.many", "1.0.0"))];
  for (let i = 0; i < 10_000; i++) many.push(file(`m/knowledge/f${i}.md`, "x"));
  // 1 GiB of zeros in one entry, gzipped as a stream to about 1 MiB.
  const size = 1024 * 1024 * 1024;
  const { readable, writable } = new TransformStream<BufferSource, BufferSource>();
  const packing = new Response(readable.pipeThrough(new CompressionStream("gzip"))).bytes();
  const writer = writable.getWriter();
  const header = (await packTar([{ header: { name: "zeros.bin", size: 0 } }])).subarray(0, 512);
  // A tar header for a 1 GiB file: rewrite the size field and checksum of an empty one.
  const head = header.slice();
  head.set(enc.encode(size.toString(8).padStart(11, "0") + "\0"), 124);
  head.fill(32, 148, 156);
  const sum = head.reduce((a, b) => a + b, 0);
  head.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  await writer.write(head);
  const zeros = new Uint8Array(16 * 1024 * 1024);
  for (let i = 0; i < size / zeros.length; i++) await writer.write(zeros);
  await writer.write(new Uint8Array(1024));
  await writer.close();
  const bomb = await packing;

  const evil: Array<{ why: string; path: string; bytes: Uint8Array; rule: RegExp }> = [
    {
      why: "../ traversal writes beside the skill",
      path: "/traversal.tgz",
      bytes: await gzip(await packTar([...skillEntries("s"), file("s/../../evil", "x")])),
      rule: /"\.\." component/,
    },
    {
      why: "an absolute path writes anywhere",
      path: "/absolute.tar",
      bytes: await packTar([...skillEntries("s"), file("/tmp/evil", "x")]),
      rule: /absolute path/,
    },
    {
      why: "a symlink to /etc lets reads and later writes escape",
      path: "/symlink.tgz",
      bytes: await gzip(
        await packTar([...skillEntries("s"), {
          header: { name: "s/etc", size: 0, type: "symlink", linkname: "/etc" },
        }]),
      ),
      rule: /symbolic links are not allowed/,
    },
    {
      why: "a hard link out shares an outside inode",
      path: "/hardlink.tgz",
      bytes: await gzip(
        await packTar([...skillEntries("s"), {
          header: { name: "s/passwd", size: 0, type: "link", linkname: "../../etc/passwd" },
        }]),
      ),
      rule: /hard links are not allowed/,
    },
    {
      why: "a fifo blocks whoever reads it",
      path: "/fifo.tgz",
      bytes: await gzip(
        await packTar([...skillEntries("s"), {
          header: { name: "s/pipe", size: 0, type: "fifo" },
        }]),
      ),
      rule: /fifo/,
    },
    {
      why: "10,000 tiny files exhaust inodes",
      path: "/many.tgz",
      bytes: await gzip(await packTar(many)),
      rule: /maxFiles/,
    },
    {
      why: "a gzip bomb expanding to 1 GiB",
      path: "/bomb.tgz",
      bytes: bomb,
      rule: /maxTotalBytes|maxRatio/,
    },
    {
      why: "a zip with ../ traversal",
      path: "/traversal.zip",
      bytes: zipSync({
        "s/skill.toml": enc.encode(skillToml("tool.packed", "1.0.0")),
        "../evil": enc.encode("x"),
      }),
      rule: /"\.\."/,
    },
  ];
  const server = await startFileServer(Object.fromEntries(evil.map((e) => [e.path, e.bytes])));
  const root = await Deno.makeTempDir({ prefix: "caro-evil-" });
  try {
    for (const row of evil) {
      await t.step(row.why, async () => {
        const home = `${root}/home${row.path.replace(/[/.]/g, "_")}`;
        const r = await runCaro(["skill", "add", "--url", `${server.url}${row.path}`], { home });
        equal(r.code, 5, `${row.why}: exit ${r.code}\n${r.stderr}`);
        match(r.stderr, row.rule);
        deepStrictEqual(await homeLeftovers(home), [], row.why);
        equal(
          (await Deno.readTextFile(`${home}/skills.lock`).catch(() => "")).includes("[[skills]]"),
          false,
        );
      });
    }
    // Nothing escaped next to the homes either.
    deepStrictEqual((await namesIn(root)).filter((n) => !n.startsWith("home")), []);
  } finally {
    await server.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("specs that cannot be installed are usage errors naming the accepted forms", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "caro-spec-" });
  try {
    const rows: Array<{ why: string; args: string[]; message: RegExp }> = [
      { why: "an unknown scheme", args: ["ftp://host/x.tgz"], message: /ftp:\/\/ scheme/ },
      {
        why: "a URL that is neither archive nor git",
        args: ["https://h.test/readme"],
        message: /Cannot tell what/,
      },
      {
        why: "a malformed digest",
        args: ["https://h.test/a.tgz#sha256=abc"],
        message: /#sha256=<64 hex/,
      },
      {
        why: "--ref without --git",
        args: ["--url", "https://h.test/a.tgz", "--ref", "v1"],
        message: /--ref goes with --git/,
      },
      { why: "two sources", args: ["./a", "--path", "./b"], message: /Give one source/ },
      {
        why: "OCI is not available yet",
        args: ["oci://ghcr.io/org/skill:1.0"],
        message: /OCI artifact sources are not available/,
      },
      {
        why: "the registry is not available yet",
        args: ["tool.jq@^1.2"],
        message: /registry sources are not available/,
      },
    ];
    for (const row of rows) {
      await t.step(row.why, async () => {
        const home = `${root}/home`;
        const r = await runCaro(["skill", "add", ...row.args], { home });
        equal(r.code, 64, r.stderr);
        match(r.stderr, row.message);
        if (!/not available/.test(row.why)) match(r.stderr, /git\+https:\/\/host\/repo/);
        deepStrictEqual(await namesIn(`${home}/staging`), []);
      });
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
