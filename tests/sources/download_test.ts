import { join } from "node:path";
import { SkillError } from "../../src/errors/mod.ts";
import { type DownloadProgress, downloadToFile } from "../../src/sources/mod.ts";
import { startFileServer } from "../support/file_server.ts";

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function listDir(path: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(path)) names.push(entry.name);
  return names.sort();
}

const payload = crypto.getRandomValues(new Uint8Array(60_000));
// Larger than one read so a cut mid-body leaves a partial file to resume.
const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);

Deno.test("downloadToFile against a real local server", async (t) => {
  const server = await startFileServer({ "/skill.tgz": payload, "/big.bin": big });
  const dir = await Deno.makeTempDir();
  const digest = await sha256Hex(payload);
  try {
    await t.step("streams the file and reports progress", async () => {
      const seen: DownloadProgress[] = [];
      const result = await downloadToFile(`${server.url}/skill.tgz`, join(dir, "a.tgz"), {
        sha256: digest,
        onProgress: (p) => seen.push(p),
      });
      assert(result.sha256 === digest && result.bytes === payload.length, "result");
      assert(result.attempts === 1, `attempts ${result.attempts}`);
      const last = seen.at(-1)!;
      assert(last.bytes === payload.length && last.total === payload.length, "final progress");
      assert(last.rate > 0, "rate");
    });

    await t.step("a digest mismatch is refused and leaves no file", async () => {
      const error = await downloadToFile(`${server.url}/skill.tgz`, join(dir, "b.tgz"), {
        sha256: "0".repeat(64),
      }).catch((e) => e);
      assert(error instanceof SkillError && error.code === "validation", `${error}`);
      assert(/SHA-256 does not match/.test(error.message), error.message);
      assert(error.why?.includes(digest), "the actual digest is shown");
      assert(!(await listDir(dir)).some((n) => n.startsWith("b.tgz")), "nothing left");
    });

    await t.step("retries after a 503", async () => {
      server.injectFault("/skill.tgz", { status: 503 });
      const result = await downloadToFile(`${server.url}/skill.tgz`, join(dir, "c.tgz"), {
        sha256: digest,
        retryDelayMs: 10,
      });
      assert(result.attempts === 2, `attempts ${result.attempts}`);
    });

    await t.step("resumes with Range after a connection cut mid-body", async () => {
      const before = server.requests.length;
      server.injectFault("/big.bin", { cutAfter: 1024 * 1024 });
      const result = await downloadToFile(`${server.url}/big.bin`, join(dir, "big.bin"), {
        sha256: await sha256Hex(big),
        retryDelayMs: 10,
      });
      assert(result.attempts === 2, `attempts ${result.attempts}`);
      const requests = server.requests.slice(before);
      const resumed = requests[1];
      assert(
        resumed.range !== null && /^bytes=\d+-$/.test(resumed.range),
        `range ${resumed.range}`,
      );
      assert(Number(resumed.range.slice(6, -1)) > 0, "resumed from the bytes already on disk");
      assert(resumed.ifRange !== null, "If-Range guards against a changed file");
      const written = await Deno.readFile(join(dir, "big.bin"));
      assert(await sha256Hex(written) === await sha256Hex(big), "content intact");
    });

    await t.step("gives up after the retries with a network error", async () => {
      for (let i = 0; i < 3; i++) server.injectFault("/skill.tgz", { status: 502 });
      const error = await downloadToFile(`${server.url}/skill.tgz`, join(dir, "d.tgz"), {
        retries: 2,
        retryDelayMs: 5,
      }).catch((e) => e);
      assert(error instanceof SkillError && error.code === "network", `${error}`);
      assert(/HTTP 502/.test(error.message) && /3 attempts/.test(error.why ?? ""), error.message);
      assert(!(await listDir(dir)).some((n) => n.startsWith("d.tgz")), "nothing left");
    });

    await t.step("404 is not_found and is not retried", async () => {
      const before = server.requests.length;
      const error = await downloadToFile(`${server.url}/missing.tgz`, join(dir, "e.tgz"), {
        retryDelayMs: 5,
      }).catch((e) => e);
      assert(error instanceof SkillError && error.code === "not_found", `${error}`);
      assert(server.requests.length - before === 1, "one request");
    });

    await t.step("credentials never appear in errors", async () => {
      const url = `http://bob:s3cret@127.0.0.1:1/x.tgz?token=abc123`;
      const error = await downloadToFile(url, join(dir, "f.tgz"), { retries: 0 })
        .catch((e) => e);
      assert(error instanceof SkillError, `${error}`);
      const text = `${error.message} ${error.why}`;
      assert(!text.includes("s3cret") && !text.includes("abc123"), text);
    });

    await t.step("userinfo in the URL is sent as Basic credentials", async () => {
      const before = server.requests.length;
      const url = server.url.replace("http://", "http://bob:s3cret@") + "/skill.tgz";
      const result = await downloadToFile(url, join(dir, "h.tgz"), { sha256: digest });
      assert(result.attempts === 1, "one attempt");
      assert(server.requests[before].authorization === `Basic ${btoa("bob:s3cret")}`, "sent");
    });

    await t.step("maxBytes caps the size", async () => {
      const error = await downloadToFile(`${server.url}/big.bin`, join(dir, "g.bin"), {
        maxBytes: 1000,
      }).catch((e) => e);
      assert(error instanceof SkillError && error.code === "validation", `${error}`);
    });
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadToFile transport policy", async (t) => {
  const rows: Array<{ url: string; insecure?: boolean; code?: string; why: string }> = [
    { url: "http://example.com/a.tgz", code: "validation", why: "plain http to a remote host" },
    {
      url: "http://127.0.0.1.nip.io/a.tgz",
      code: "validation",
      why: "a name that only looks like loopback",
    },
    { url: "ftp://example.com/a.tgz", code: "usage", why: "an unsupported scheme" },
    { url: "not a url", code: "usage", why: "not a URL" },
  ];
  const dir = await Deno.makeTempDir();
  for (const row of rows) {
    await t.step(`${row.why}: ${row.url}`, async () => {
      let requested = false;
      const error = await downloadToFile(row.url, join(dir, "x"), {
        insecure: row.insecure,
        fetch: () => {
          requested = true;
          return Promise.resolve(new Response("x"));
        },
      }).catch((e) => e);
      assert(error instanceof SkillError && error.code === row.code, `${error}`);
      assert(!requested, "refused before any request");
    });
  }
  await t.step("--insecure lets plain http to a remote host through", async () => {
    const server = await startFileServer({ "/a.tgz": payload });
    try {
      // The fetch edge routes the remote name to the local server, as a proxy would.
      const viaLocal: typeof fetch = (input, init) =>
        fetch(String(input).replace("http://example.com", server.url), init);
      const result = await downloadToFile("http://example.com/a.tgz", join(dir, "y"), {
        insecure: true,
        fetch: viaLocal,
      });
      assert(result.bytes === payload.length, "downloaded");
    } finally {
      await server.close();
    }
  });
  await Deno.remove(dir, { recursive: true });
});
