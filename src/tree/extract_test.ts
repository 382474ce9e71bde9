import { createTarPacker, packTar, type TarEntry } from "modern-tar";
import { Zip, type ZipInputFile, zipSync } from "fflate";
import { join } from "node:path";
import { SkillError } from "../errors/mod.ts";
import { type ArchiveFormat, extractArchive, type ExtractLimits } from "./extract.ts";

const enc = new TextEncoder();

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

async function listDir(path: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(path)) names.push(entry.name);
  return names.sort();
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return await new Response(
    new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
      new CompressionStream("gzip"),
    ),
  ).bytes();
}

async function run(cmd: string, args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command(cmd, { args, cwd, stderr: "piped" }).output();
  assert(out.success, `${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
}

/** Expects a refusal naming `entry` and matching `rule`, with nothing left in the parent. */
async function expectRefused(
  input: Uint8Array | ReadableStream<Uint8Array>,
  format: ArchiveFormat,
  entry: string,
  rule: RegExp,
  limits: Partial<ExtractLimits> = {},
): Promise<void> {
  const parent = await Deno.makeTempDir();
  try {
    let error: unknown;
    try {
      await extractArchive(input, join(parent, "dest"), { format, limits });
    } catch (e) {
      error = e;
    }
    assert(error instanceof SkillError, `expected a SkillError, got ${error}`);
    assert(error.code === "validation", `code ${error.code}: ${error.message}`);
    assert(error.message.includes(`"${entry}"`), `entry not named: ${error.message}`);
    assert(rule.test(error.message), `rule ${rule} not in: ${error.message}`);
    const left = await listDir(parent);
    assert(left.length === 0, `left behind: ${left.join(", ")}`);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
}

const file = (name: string, text = "x"): TarEntry => ({
  header: { name, size: enc.encode(text).length },
  body: text,
});

Deno.test("extractArchive refuses hostile tar entries and leaves nothing behind", async (t) => {
  // Each row is an attack a downloaded skill could carry, and why it must be refused.
  const rows: Array<{ why: string; entries: TarEntry[]; entry: string; rule: RegExp }> = [
    {
      why: "../x writes beside the destination",
      entries: [file("ok.txt"), file("../x")],
      entry: "../x",
      rule: /"\.\." component/,
    },
    {
      why: "a/../../b climbs out after a name",
      entries: [file("a/../../b")],
      entry: "a/../../b",
      rule: /"\.\." component/,
    },
    {
      why: "/etc/x is absolute",
      entries: [file("/etc/x")],
      entry: "/etc/x",
      rule: /absolute path/,
    },
    {
      why: "backslashes are separators on Windows",
      entries: [file("a\\..\\..\\x")],
      entry: "a\\..\\..\\x",
      rule: /backslash/,
    },
    {
      why: "a drive letter is absolute on Windows",
      entries: [file("C:/x")],
      entry: "C:/x",
      rule: /drive letter/,
    },
    {
      why: "a symlink to /etc lets later writes escape",
      entries: [{ header: { name: "etc", size: 0, type: "symlink", linkname: "/etc" } }],
      entry: "etc",
      rule: /symbolic links are not allowed/,
    },
    {
      why: "a hard link out shares an outside inode",
      entries: [{
        header: { name: "passwd", size: 0, type: "link", linkname: "../../etc/passwd" },
      }],
      entry: "passwd",
      rule: /hard links are not allowed/,
    },
    {
      why: "a fifo blocks whoever reads it",
      entries: [{ header: { name: "pipe", size: 0, type: "fifo" } }],
      entry: "pipe",
      rule: /fifo/,
    },
    {
      why: "a character device reaches the kernel",
      entries: [{ header: { name: "null", size: 0, type: "character-device" } }],
      entry: "null",
      rule: /character device/,
    },
    {
      why: "a block device reaches the disk",
      entries: [{ header: { name: "sda", size: 0, type: "block-device" } }],
      entry: "sda",
      rule: /block device/,
    },
    {
      why: "a file where a folder is needed",
      entries: [file("a"), file("a/b")],
      entry: "a/b",
      rule: /clashes/,
    },
    {
      why: "the same path twice could swap a checked file",
      entries: [file("a.txt"), file("a.txt", "evil")],
      entry: "a.txt",
      rule: /twice/,
    },
  ];
  for (const row of rows) {
    await t.step(row.why, async () => {
      const tar = await packTar(row.entries);
      await expectRefused(tar, "tar", row.entry, row.rule);
      await expectRefused(await gzip(tar), "tgz", row.entry, row.rule);
    });
  }
});

Deno.test("extractArchive refuses links that leave the tree even when internal links are allowed", async (t) => {
  const rows: Array<{ why: string; link: string; target: string; rule: RegExp }> = [
    { why: "absolute target", link: "l", target: "/etc", rule: /is absolute/ },
    { why: "climbs past the root", link: "a/l", target: "../../x", rule: /leaves the folder/ },
    { why: "'..' after a name", link: "l", target: "a/../../x", rule: /after a name/ },
  ];
  for (const row of rows) {
    await t.step(row.why, async () => {
      const tar = await packTar([
        file("a/f.txt"),
        { header: { name: row.link, size: 0, type: "symlink", linkname: row.target } },
      ]);
      await expectRefused(tar, "tar", row.link, row.rule, { allowInternalLinks: true });
    });
  }
});

Deno.test("extractArchive creates internal links only when allowed", async () => {
  const tar = await packTar([
    file("a/f.txt", "content"),
    { header: { name: "b/l", size: 0, type: "symlink", linkname: "../a/f.txt" } },
    { header: { name: "h", size: 0, type: "link", linkname: "a/f.txt" } },
    file("c.txt"),
  ]);
  const dest = join(await Deno.makeTempDir(), "d");
  await extractArchive(tar, dest, { format: "tar", limits: { allowInternalLinks: true } });
  assert((await Deno.lstat(join(dest, "b/l"))).isSymlink, "symlink made");
  assert(await Deno.readTextFile(join(dest, "b/l")) === "content", "symlink resolves");
  assert(await Deno.readTextFile(join(dest, "h")) === "content", "hard link made");
});

Deno.test("extractArchive enforces the size limits", async (t) => {
  await t.step("10,000 tiny files pass maxFiles", async () => {
    const entries: TarEntry[] = [];
    for (let i = 0; i < 10_000; i++) entries.push(file(`f/${i}.txt`));
    const tgz = await gzip(await packTar(entries));
    await expectRefused(tgz, "tgz", "f/5000.txt", /more than 5000 entries \(maxFiles\)/);
  });

  await t.step("a declared size past maxTotalBytes is refused before it is written", async () => {
    const tar = await packTar([file("big.bin", "x".repeat(2000))]);
    await expectRefused(tar, "tar", "big.bin", /maxTotalBytes/, { maxTotalBytes: 1000 });
  });

  await t.step("a gzip bomb expanding to 1 GiB is stopped early by maxRatio", async () => {
    // Built as a stream: one tar entry of 1 GiB of zeros, gzipped, about 1 MiB compressed.
    const { readable, controller } = createTarPacker();
    const size = 1024 * 1024 * 1024;
    const body = controller.add({ name: "zeros.bin", size }).getWriter();
    const bomb = new Response(readable.pipeThrough(new CompressionStream("gzip"))).bytes();
    const zeros = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < size / zeros.length; i++) await body.write(zeros);
    await body.close();
    controller.finalize();
    const bytes = await bomb;
    assert(bytes.length < 2 * 1024 * 1024, `bomb is ${bytes.length} bytes`);
    // With the defaults its declared size alone is refused; with room for it, the ratio is.
    await expectRefused(bytes, "tgz", "zeros.bin", /maxTotalBytes/);
    const started = performance.now();
    await expectRefused(bytes, "tgz", "zeros.bin", /200 times.*maxRatio/, {
      maxTotalBytes: 4 * size,
    });
    assert(performance.now() - started < 5000, "the bomb was not stopped early");
  });

  await t.step("zeros after the end of the tar are stopped too", async () => {
    // A valid small tar followed by 1 GiB of zeros the tar reader would skip through.
    const tar = await packTar([file("a.txt")]);
    const zeros = new Uint8Array(16 * 1024 * 1024);
    let sent = -1;
    const stream = new ReadableStream<BufferSource>({
      pull(controller) {
        if (sent === -1) controller.enqueue(tar);
        else if (sent < 64) controller.enqueue(zeros);
        else controller.close();
        sent++;
      },
    });
    const bytes = await new Response(stream.pipeThrough(new CompressionStream("gzip"))).bytes();
    const started = performance.now();
    await expectRefused(bytes, "tgz", "a.txt", /maxRatio/);
    assert(performance.now() - started < 5000, "not stopped early");
  });

  await t.step("a zip bomb expanding to 1 GiB is stopped early by maxRatio", async () => {
    const size = 1024 * 1024 * 1024;
    const parts: Uint8Array[] = [];
    const zip = new Zip((err, chunk) => {
      if (err) throw err;
      parts.push(chunk);
    });
    // crc32 of 1 GiB of zeros (python3 -c "import zlib; print(zlib.crc32(bytes(2**30)))").
    const entry: ZipInputFile = { filename: "zeros.bin", size, crc: 1533330096, compression: 8 };
    zip.add(entry);
    const { readable, writable } = new CompressionStream("deflate-raw");
    const writer = writable.getWriter();
    const pumping = (async () => {
      const zeros = new Uint8Array(1024 * 1024);
      for (let i = 0; i < size / zeros.length; i++) await writer.write(zeros);
      await writer.close();
    })();
    for await (const chunk of readable) entry.ondata!(null, chunk, false);
    await pumping;
    entry.ondata!(null, new Uint8Array(0), true);
    zip.end();
    const bytes = new Uint8Array(await new Blob(parts as Uint8Array<ArrayBuffer>[]).arrayBuffer());
    assert(bytes.length < 2 * 1024 * 1024, `bomb is ${bytes.length} bytes`);
    await expectRefused(bytes, "zip", "zeros.bin", /200 times.*maxRatio/);
  });
});

Deno.test("extractArchive refuses hostile zip entries", async (t) => {
  const rows: Array<
    { why: string; files: Record<string, Uint8Array>; entry: string; rule: RegExp }
  > = [
    { why: "../x", files: { "../x": enc.encode("x") }, entry: "../x", rule: /"\.\."/ },
    { why: "/etc/x", files: { "/etc/x": enc.encode("x") }, entry: "/etc/x", rule: /absolute/ },
    {
      why: "backslash traversal",
      files: { "..\\..\\x": enc.encode("x") },
      entry: "..\\..\\x",
      rule: /backslash/,
    },
    {
      why: "content past maxTotalBytes",
      files: { "a.txt": new Uint8Array(300_000) },
      entry: "a.txt",
      rule: /maxTotalBytes/,
    },
  ];
  for (const row of rows) {
    await t.step(row.why, async () => {
      await expectRefused(zipSync(row.files), "zip", row.entry, row.rule, {
        maxTotalBytes: 100_000,
      });
    });
  }

  await t.step("a zip symlink is written as a plain file, never as a link", async () => {
    const work = await Deno.makeTempDir();
    await Deno.mkdir(join(work, "skill"));
    await Deno.writeTextFile(join(work, "skill/a.txt"), "a");
    await Deno.symlink("/etc", join(work, "skill/etc"));
    await run("zip", ["-q", "-r", "-y", "s.zip", "skill"], work);
    const dest = join(work, "out");
    await extractArchive(await Deno.readFile(join(work, "s.zip")), dest, { format: "zip" });
    const info = await Deno.lstat(join(dest, "etc"));
    assert(info.isFile && !info.isSymlink, "the link must not be recreated");
    assert(await Deno.readTextFile(join(dest, "etc")) === "/etc", "holds the link text");
  });

  await t.step("garbage is refused as not an archive", async () => {
    const parent = await Deno.makeTempDir();
    for (const format of ["zip", "tgz", "tar"] as const) {
      const garbage = enc.encode("not an archive at all ".repeat(40));
      const error = await extractArchive(garbage, join(parent, "d"), { format }).catch((e) => e);
      assert(error instanceof SkillError && error.code === "validation", `${format}: ${error}`);
      assert(/Cannot read the/.test(error.message), error.message);
      assert((await listDir(parent)).length === 0, "nothing left behind");
    }
    await Deno.remove(parent);
  });
});

Deno.test("extractArchive extracts tar, tgz and zip archives", async (t) => {
  const work = await Deno.makeTempDir();
  await Deno.mkdir(join(work, "repo-v1/knowledge"), { recursive: true });
  await Deno.writeTextFile(join(work, "repo-v1/skill.toml"), "[skill]\n");
  await Deno.writeTextFile(join(work, "repo-v1/knowledge/a.md"), "# A\n");
  await Deno.writeTextFile(join(work, "repo-v1/run.sh"), "#!/bin/sh\n");
  await Deno.chmod(join(work, "repo-v1/run.sh"), 0o755);
  await run("tar", ["cf", "r.tar", "repo-v1"], work);
  await run("tar", ["czf", "r.tgz", "repo-v1"], work);
  await run("tar", ["czf", "flat.tgz", "-C", "repo-v1", "."], work);
  await run("zip", ["-q", "-r", "r.zip", "repo-v1"], work);

  const rows: Array<{ file: string; format: ArchiveFormat; stripped?: string; strip?: boolean }> = [
    { file: "r.tar", format: "tar", stripped: "repo-v1" },
    { file: "r.tgz", format: "tgz", stripped: "repo-v1" },
    { file: "flat.tgz", format: "tgz" },
    { file: "r.zip", format: "zip", stripped: "repo-v1" },
  ];
  for (const row of rows) {
    await t.step(`${row.file} (system tar/zip, streamed from disk)`, async () => {
      const dest = join(work, `out-${row.file}`);
      const input = (await Deno.open(join(work, row.file))).readable;
      const result = await extractArchive(input, dest, { format: row.format });
      assert(result.strippedRoot === row.stripped, `stripped ${result.strippedRoot}`);
      assert(result.files === 3, `files ${result.files}`);
      assert(await Deno.readTextFile(join(dest, "knowledge/a.md")) === "# A\n", "content");
      assert(await Deno.readTextFile(join(dest, "skill.toml")) === "[skill]\n", "content");
      if (row.format !== "zip") {
        const mode = (await Deno.stat(join(dest, "run.sh"))).mode! & 0o777;
        assert(mode === 0o755, `mode ${mode.toString(8)}`);
      }
      assert(!(await listDir(work)).some((n) => n.includes(".partial-")), "staging removed");
    });
  }

  await t.step("stripSingleRoot: false keeps the top folder", async () => {
    const dest = join(work, "kept");
    await extractArchive(await Deno.readFile(join(work, "r.tgz")), dest, {
      format: "tgz",
      stripSingleRoot: false,
    });
    assert((await listDir(dest)).join() === "repo-v1", "top folder kept");
  });

  await t.step("a file beside the single folder disables stripping", async () => {
    const tar = await packTar([file("top/a.txt"), file("README")]);
    const dest = join(work, "mixed");
    const result = await extractArchive(tar, dest, { format: "tar" });
    assert(result.strippedRoot === undefined, "not stripped");
    assert((await listDir(dest)).join() === "README,top", "both kept");
  });

  await t.step("a non-empty destination is refused", async () => {
    const dest = join(work, "mixed");
    const error = await extractArchive(await packTar([file("x")]), dest, { format: "tar" })
      .catch((e) => e);
    assert(error instanceof SkillError && error.code === "io", `got ${error}`);
  });
  await Deno.remove(work, { recursive: true });
});
