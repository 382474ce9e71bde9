/**
 * The filtering proxy: a sandbox's only way out when `network` is granted.
 *
 * @module
 */
import { matchNetwork } from "../capability/mod.ts";

/** One connection the proxy decided on, for the audit log. */
export interface ProxyConnection {
  /** `CONNECT`, or the method of a plain-HTTP request. */
  method: string;
  /** What was asked for: `host:port` for CONNECT, the absolute URL otherwise. */
  target: string;
  /** The normalised host, or null when the request named none. */
  host: string | null;
  /** The port, or 0 when unknown. */
  port: number;
  /** Whether the proxy let it through. */
  allowed: boolean;
  /** Why, naming the grant or the rule. */
  reason: string;
}

/** Options of {@link startNetworkProxy}. */
export interface NetworkProxyOptions {
  /** The skill's `network` grants, matched as `checkNetwork` matches them. */
  grants: readonly string[];
  /** Listen on this Unix socket (Linux: bound into the sandbox). Put it in a private folder. */
  socketPath?: string;
  /** Or listen on this loopback TCP port (macOS; 0 picks one). */
  port?: number;
  /** Told of every connection, allowed or refused (write the audit line here). */
  onConnection?: (connection: ProxyConnection) => void;
  /** Resolves a host name to addresses (default `Deno.resolveDns`, A then AAAA). */
  resolve?: (host: string) => Promise<string[]>;
  /** Let granted names that resolve to loopback or private addresses through (default false). */
  allowPrivateAddresses?: boolean;
}

/** A running proxy. */
export interface NetworkProxy {
  /** The Unix socket it listens on, or null. */
  socketPath: string | null;
  /** The TCP port it listens on, or null. */
  port: number | null;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

const MAX_HEAD = 16 * 1024;
const HEAD_TIMEOUT_MS = 10_000;

/**
 * Starts the filtering proxy of a sandbox: HTTP `CONNECT host:port` (for
 * HTTPS and any TLS) and plain-HTTP requests with an absolute URL, each
 * allowed only when {@link matchNetwork} says a grant covers it (the same
 * rule as `CapabilityEnforcer.checkNetwork`: userinfo, IDN, IP spellings,
 * trailing dots). A granted name is resolved here and refused when it
 * resolves only to loopback, private or link-local addresses (DNS rebinding
 * towards services on the host), unless `allowPrivateAddresses`; an IP
 * literal or `localhost` passes only when granted exactly. The proxy then
 * connects to the address it checked, not to the name again. Every decision
 * is reported to `onConnection`.
 *
 * Inside the sandbox the bridge listens on `127.0.0.1:3128` and relays to
 * this socket; `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` point at it.
 *
 * @example
 * ```ts
 * import { startNetworkProxy } from "./proxy.ts";
 * if ((await Deno.permissions.query({ name: "net" })).state === "granted") {
 *   const dir = await Deno.makeTempDir();
 *   const seen: string[] = [];
 *   const proxy = await startNetworkProxy({
 *     grants: ["api.github.com"],
 *     socketPath: `${dir}/proxy.sock`,
 *     onConnection: (c) => seen.push(`${c.target} ${c.allowed}`),
 *   });
 *   const conn = await Deno.connect({ transport: "unix", path: `${dir}/proxy.sock` });
 *   await conn.write(new TextEncoder().encode("CONNECT evil.example:443 HTTP/1.1\r\n\r\n"));
 *   const buffer = new Uint8Array(256);
 *   const n = await conn.read(buffer);
 *   const reply = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
 *   if (!reply.startsWith("HTTP/1.1 403")) throw new Error(reply);
 *   if (seen[0] !== "evil.example:443 false") throw new Error(seen.join());
 *   conn.close();
 *   await proxy.close();
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export function startNetworkProxy(options: NetworkProxyOptions): Promise<NetworkProxy> {
  const listener: Deno.Listener = options.socketPath !== undefined
    ? Deno.listen({ transport: "unix", path: options.socketPath })
    : Deno.listen({ hostname: "127.0.0.1", port: options.port ?? 0 });
  const open = new Set<Deno.Conn>();
  const loop = (async () => {
    for await (const conn of listener) {
      open.add(conn);
      handle(conn, options, open)
        .catch((error) => {
          // One connection's failure must not stop the proxy; it is reported.
          if (isClosed(error)) return;
          options.onConnection?.({
            method: "",
            target: "",
            host: null,
            port: 0,
            allowed: false,
            reason: `proxy error: ${String(error)}`,
          });
        })
        .finally(() => {
          open.delete(conn);
          closeQuietly(conn);
        });
    }
  })().catch((error) => {
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  });
  return Promise.resolve({
    socketPath: options.socketPath ?? null,
    port: options.socketPath === undefined ? (listener.addr as Deno.NetAddr).port : null,
    async close() {
      listener.close();
      for (const conn of open) closeQuietly(conn);
      await loop;
    },
  });
}

async function handle(
  client: Deno.Conn,
  options: NetworkProxyOptions,
  open: Set<Deno.Conn>,
): Promise<void> {
  const head = await readHead(client);
  if (head === null) return;
  const [requestLine, ...headers] = head.text.split("\r\n");
  const [method = "", target = "", version = "HTTP/1.1"] = requestLine.split(" ");
  const report = (verdict: Omit<ProxyConnection, "method" | "target">) =>
    options.onConnection?.({ method, target, ...verdict });
  const request = parseTarget(method, target);
  if (request === null) {
    report({ host: null, port: 0, allowed: false, reason: `not a proxy request: ${requestLine}` });
    return await reply(client, 400, "caro sandbox proxy: send CONNECT or an absolute http URL");
  }
  const decision = request.urls
    .map((url) => matchNetwork(url, options.grants))
    .find((d) => d.allowed) ?? matchNetwork(request.urls[0], options.grants);
  const host = decision.host;
  if (!decision.allowed || host === null) {
    report({ host, port: request.port, allowed: false, reason: decision.reason });
    return await reply(client, 403, decision.reason);
  }
  const address = await pickAddress(host, options);
  if (typeof address !== "string") {
    report({ host, port: request.port, allowed: false, reason: address.refused });
    return await reply(client, 403, address.refused);
  }
  let upstream: Deno.Conn;
  try {
    upstream = await Deno.connect({ hostname: address, port: request.port });
  } catch (error) {
    const reason = `cannot connect to ${host}:${request.port} (${address}): ${String(error)}`;
    report({ host, port: request.port, allowed: false, reason });
    return await reply(client, 502, reason);
  }
  open.add(upstream);
  report({ host, port: request.port, allowed: true, reason: decision.reason });
  try {
    if (method === "CONNECT") {
      await writeAll(
        client,
        new TextEncoder().encode(`${version} 200 Connection Established\r\n\r\n`),
      );
    } else {
      // Origin-form for the server, and one request per connection: a client
      // reusing it for another host would otherwise reach this one.
      const kept = headers.filter((h) => !/^(proxy-[a-z-]*|connection|keep-alive):/i.test(h));
      const rewritten = [`${method} ${request.path} ${version}`, ...kept, "Connection: close"];
      await writeAll(upstream, new TextEncoder().encode(`${rewritten.join("\r\n")}\r\n\r\n`));
    }
    if (head.rest.length > 0) await writeAll(upstream, head.rest);
    await Promise.all([pipe(client, upstream), pipe(upstream, client)]);
  } finally {
    open.delete(upstream);
    closeQuietly(upstream);
  }
}

interface Target {
  /** URLs to judge: the first allowed wins. */
  urls: string[];
  port: number;
  /** Origin-form path of a plain-HTTP request. */
  path: string;
}

function parseTarget(method: string, target: string): Target | null {
  if (method === "CONNECT") {
    const m = target.match(/^(\[[0-9a-fA-F:.]+\]|[^\s:/@[\]]+):(\d{1,5})$/);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) return null;
    // A tunnel's scheme is unknown: an `https://host:port` grant covers it,
    // and on port 80 so does `http://host`.
    const urls = [`https://${m[1]}:${port}`];
    if (port === 80) urls.push(`http://${m[1]}:80`);
    return { urls, port, path: "" };
  }
  if (!/^[A-Z]+$/.test(method) || !/^http:\/\//i.test(target) || !URL.canParse(target)) {
    return null;
  }
  const url = new URL(target);
  if (url.username || url.password) return null;
  return { urls: [target], port: Number(url.port || 80), path: `${url.pathname}${url.search}` };
}

async function pickAddress(
  host: string,
  options: NetworkProxyOptions,
): Promise<string | { refused: string }> {
  const literal = host.startsWith("[") ? host.slice(1, -1) : host;
  // matchNetwork lets an IP literal or localhost through only on an exact grant.
  if (isIpLiteral(literal)) return literal;
  if (literal === "localhost") return "127.0.0.1";
  let addresses: string[];
  try {
    addresses = await (options.resolve ?? resolveDns)(literal);
  } catch (error) {
    return { refused: `cannot resolve ${host}: ${String(error)}` };
  }
  if (addresses.length === 0) return { refused: `${host} has no address` };
  const usable = options.allowPrivateAddresses
    ? addresses
    : addresses.filter((a) => !isPrivateAddress(a));
  if (usable.length === 0) {
    return {
      refused: `${host} resolves only to private or loopback addresses (${addresses.join(", ")})`,
    };
  }
  return usable[0];
}

async function resolveDns(host: string): Promise<string[]> {
  const found: string[] = [];
  for (const type of ["A", "AAAA"] as const) {
    try {
      found.push(...await Deno.resolveDns(host, type));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return found;
}

function isIpLiteral(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":");
}

/**
 * Whether an address is loopback, private, link-local, CGNAT, multicast or
 * unspecified (IPv4, IPv6, and IPv4-mapped IPv6): where a granted name must
 * not lead, since services on the host or the local network listen there.
 *
 * @example
 * ```ts
 * import { isPrivateAddress } from "./proxy.ts";
 * if (!isPrivateAddress("127.0.0.1") || !isPrivateAddress("::ffff:10.1.2.3")) throw new Error();
 * if (!isPrivateAddress("fe80::1") || isPrivateAddress("140.82.112.3")) throw new Error();
 * ```
 */
export function isPrivateAddress(address: string): boolean {
  const a = address.toLowerCase();
  const mapped = a.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return isPrivateAddress(mapped[1]);
  const v4 = a.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (v4) {
    const [x, y] = [Number(v4[1]), Number(v4[2])];
    return x === 0 || x === 10 || x === 127 || x >= 224 ||
      (x === 169 && y === 254) || (x === 172 && y >= 16 && y <= 31) ||
      (x === 192 && y === 168) || (x === 100 && y >= 64 && y <= 127);
  }
  return a === "::" || a === "::1" || /^f[cd]/.test(a) || /^fe[89ab]/.test(a) ||
    a.startsWith("ff");
}

async function readHead(conn: Deno.Conn): Promise<{ text: string; rest: Uint8Array } | null> {
  const chunks = new Uint8Array(MAX_HEAD);
  let length = 0;
  const timer = setTimeout(() => closeQuietly(conn), HEAD_TIMEOUT_MS);
  try {
    while (length < MAX_HEAD) {
      const n = await conn.read(chunks.subarray(length));
      if (n === null) return null;
      length += n;
      const end = indexOfBlankLine(chunks.subarray(0, length));
      if (end >= 0) {
        return {
          text: new TextDecoder().decode(chunks.subarray(0, end)),
          rest: chunks.slice(end + 4, length),
        };
      }
    }
    await reply(conn, 431, "request head too large");
    return null;
  } catch (error) {
    if (error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted) {
      return null;
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function indexOfBlankLine(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

async function reply(conn: Deno.Conn, status: number, reason: string): Promise<void> {
  const text = { 400: "Bad Request", 403: "Forbidden", 431: "Too Large", 502: "Bad Gateway" }[
    status
  ] ?? "Error";
  const body = `caro sandbox: ${reason}\n`;
  const head = `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\n` +
    `Content-Length: ${new TextEncoder().encode(body).length}\r\nConnection: close\r\n\r\n`;
  try {
    await writeAll(conn, new TextEncoder().encode(head + body));
  } catch (error) {
    if (!isClosed(error)) throw error;
  }
}

async function pipe(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    while (true) {
      const n = await from.read(buffer);
      if (n === null) break;
      await writeAll(to, buffer.subarray(0, n));
    }
    await to.closeWrite();
  } catch (error) {
    if (!isClosed(error)) throw error;
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await conn.write(bytes.subarray(done));
}

function isClosed(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.NotConnected ||
    error instanceof Deno.errors.Interrupted;
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch (error) {
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}
