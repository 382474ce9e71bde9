import { isPrivateAddress, type ProxyConnection, startNetworkProxy } from "./proxy.ts";

/** Sends raw bytes to the proxy and reads until it closes (or `stopAt` appears). */
async function ask(socket: string, request: string, stopAt?: string): Promise<string> {
  const conn = await Deno.connect({ transport: "unix", path: socket });
  try {
    await conn.write(new TextEncoder().encode(request));
    let text = "";
    const buffer = new Uint8Array(4096);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
      if (stopAt && text.includes(stopAt)) break;
    }
    return text;
  } finally {
    conn.close();
  }
}

Deno.test("startNetworkProxy: grants decide, the rest is refused", async (t) => {
  const headers: Headers[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    headers.push(req.headers);
    return new Response(`hello ${new URL(req.url).pathname}`);
  });
  const port = server.addr.port;
  const dir = await Deno.makeTempDir();
  const seen: ProxyConnection[] = [];
  const names: Record<string, string[]> = {
    "internal.test": ["10.0.0.5"],
    "svc.test": ["127.0.0.1"],
  };
  const proxy = await startNetworkProxy({
    grants: ["127.0.0.1", "internal.test", "*.evil.example"],
    socketPath: `${dir}/proxy.sock`,
    onConnection: (c) => seen.push(c),
    resolve: (host) => Promise.resolve(names[host] ?? []),
  });
  const open = await startNetworkProxy({
    grants: ["svc.test"],
    socketPath: `${dir}/open.sock`,
    resolve: (host) => Promise.resolve(names[host] ?? []),
    allowPrivateAddresses: true,
  });
  const get = (url: string, extra = "") => `GET ${url} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
  try {
    /** [request, reply starts with, why]. */
    const cases: ReadonlyArray<readonly [string, string, string, string]> = [
      [get(`http://127.0.0.1:${port}/a`), "HTTP/1.1 200", "a granted IP literal", "proxy"],
      [
        "CONNECT evil.example:443 HTTP/1.1\r\n\r\n",
        "HTTP/1.1 403",
        "*.x does not cover x itself",
        "proxy",
      ],
      [
        "CONNECT api.github.com.evil.com:443 HTTP/1.1\r\n\r\n",
        "HTTP/1.1 403",
        "suffix tricks",
        "proxy",
      ],
      [
        get(`http://user:pw@127.0.0.1:${port}/`),
        "HTTP/1.1 400",
        "userinfo in a proxy URL",
        "proxy",
      ],
      ["GET /relative HTTP/1.1\r\n\r\n", "HTTP/1.1 400", "not a proxy request", "proxy"],
      ["CONNECT 127.0.0.1:99999 HTTP/1.1\r\n\r\n", "HTTP/1.1 400", "no such port", "proxy"],
      [
        "CONNECT internal.test:443 HTTP/1.1\r\n\r\n",
        "HTTP/1.1 403",
        "a name that resolves to a private address",
        "proxy",
      ],
      [get(`http://svc.test:${port}/b`), "HTTP/1.1 200", "private addresses when allowed", "open"],
      ["CONNECT other.test:443 HTTP/1.1\r\n\r\n", "HTTP/1.1 403", "not granted", "open"],
    ];
    for (const [request, want, why, which] of cases) {
      await t.step(`${request.split("\r\n")[0]}: ${why}`, async () => {
        const reply = await ask(`${dir}/${which}.sock`, request);
        if (!reply.startsWith(want)) throw new Error(reply);
      });
    }
    await t.step("CONNECT to a granted host tunnels bytes both ways", async () => {
      const reply = await ask(
        `${dir}/proxy.sock`,
        `CONNECT 127.0.0.1:${port} HTTP/1.1\r\n\r\n${get("/tunnel", "Connection: close\r\n")}`,
        "hello /tunnel",
      );
      if (
        !reply.startsWith("HTTP/1.1 200 Connection Established") || !reply.includes("hello /tunnel")
      ) {
        throw new Error(reply);
      }
    });
    await t.step("proxy headers are not forwarded; one request per connection", async () => {
      headers.length = 0;
      await ask(
        `${dir}/proxy.sock`,
        get(`http://127.0.0.1:${port}/c`, "Proxy-Authorization: Basic eA==\r\n"),
      );
      const h = headers[0];
      if (h.has("proxy-authorization") || h.get("connection") !== "close") {
        throw new Error(JSON.stringify([...h]));
      }
    });
    await t.step("every decision was reported with its reason", () => {
      const refused = seen.filter((c) => !c.allowed).map((c) => c.reason);
      if (!refused.some((r) => r.includes("private"))) throw new Error(refused.join("\n"));
      if (seen.filter((c) => c.allowed).length !== 3) throw new Error(JSON.stringify(seen));
    });
  } finally {
    await proxy.close();
    await open.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isPrivateAddress: where a granted name must not lead", async (t) => {
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    ["127.0.0.1", true],
    ["10.1.2.3", true],
    ["172.16.0.1", true],
    ["172.32.0.1", false],
    ["192.168.1.1", true],
    ["169.254.169.254", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["8.8.8.8", false],
    ["::1", true],
    ["::", true],
    ["fd00::1", true],
    ["fe80::1", true],
    ["::ffff:127.0.0.1", true],
    ["2606:4700::1111", false],
  ];
  for (const [address, expected] of cases) {
    await t.step(address, () => {
      if (isPrivateAddress(address) !== expected) throw new Error(String(!expected));
    });
  }
});
