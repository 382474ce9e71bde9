/**
 * A real git smart-HTTP server for tests: `git http-backend` run as a CGI behind `Deno.serve`
 * on 127.0.0.1 and a free port. Every repository under `reposRoot` is served at
 * `${url}/<name>`.
 *
 * @example
 * ```ts ignore
 * import { startGitServer } from "./git_server.ts";
 * const server = await startGitServer("/tmp/repos");
 * console.log(`${server.url}/skill.git`);
 * await server.close();
 * ```
 *
 * @module
 */

/** A running git server. */
export interface GitServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`; a repository is at `${url}/<dir name>`. */
  url: string;
  /** Requests served so far, as `METHOD path?query` (to assert a cache skipped the network). */
  requests: string[];
  /** Stops the server and waits for it. */
  close(): Promise<void>;
}

/** Options for {@link startGitServer}. */
export interface GitServerOptions {
  /** When set, every request must carry HTTP Basic credentials with this password. */
  password?: string;
}

/**
 * Starts `git http-backend` behind a small HTTP server on 127.0.0.1.
 *
 * @param reposRoot folder holding the served repositories (GIT_PROJECT_ROOT)
 */
export async function startGitServer(
  reposRoot: string,
  options: GitServerOptions = {},
): Promise<GitServer> {
  const probe = await new Deno.Command("git", { args: ["http-backend", "-h"], stderr: "null" })
    .output();
  if (probe.code === 127) throw new Error("git http-backend is not installed");
  const requests: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      if (options.password !== undefined) {
        const auth = req.headers.get("authorization") ?? "";
        const given = auth.startsWith("Basic ") ? atob(auth.slice(6)).split(":").slice(1) : [];
        if (given.join(":") !== options.password) {
          return new Response("auth required", {
            status: 401,
            headers: { "www-authenticate": 'Basic realm="git"' },
          });
        }
      }
      return await runBackend(req, url, reposRoot);
    },
  );
  const addr = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    requests,
    close: async () => {
      await server.shutdown();
    },
  };
}

async function runBackend(req: Request, url: URL, reposRoot: string): Promise<Response> {
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: reposRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method,
    CONTENT_TYPE: req.headers.get("content-type") ?? "",
    REMOTE_ADDR: "127.0.0.1",
    REMOTE_USER: "test",
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_PROTOCOL: "HTTP/1.1",
  };
  const protocol = req.headers.get("git-protocol");
  if (protocol) env.GIT_PROTOCOL = protocol;
  const encoding = req.headers.get("content-encoding");
  if (encoding) env.HTTP_CONTENT_ENCODING = encoding;
  const length = req.headers.get("content-length");
  if (length) env.CONTENT_LENGTH = length;
  const child = new Deno.Command("git", {
    args: ["http-backend"],
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const feeding = (async () => {
    if (req.body) await req.body.pipeTo(child.stdin);
    else await child.stdin.close();
  })();
  const reader = child.stdout.getReader();
  // Parse the CGI header block (up to the first blank line) off the front of stdout.
  let buffered = new Uint8Array(0);
  let headerEnd = -1;
  while (headerEnd < 0) {
    const { done, value } = await reader.read();
    if (done) break;
    const next = new Uint8Array(buffered.length + value.length);
    next.set(buffered);
    next.set(value, buffered.length);
    buffered = next;
    headerEnd = findBlankLine(buffered);
  }
  if (headerEnd < 0) {
    await feeding;
    await child.status;
    return new Response("git http-backend wrote no headers", { status: 500 });
  }
  const headText = new TextDecoder().decode(buffered.subarray(0, headerEnd));
  const bodyStart = buffered[headerEnd] === 13 ? headerEnd + 4 : headerEnd + 2;
  const headers = new Headers();
  let status = 200;
  for (const line of headText.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = parseInt(value, 10);
    else headers.append(name, value);
  }
  const rest = buffered.subarray(bodyStart);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (rest.length > 0) controller.enqueue(rest);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        await feeding;
        await child.status;
      } else {
        controller.enqueue(value);
      }
    },
    async cancel() {
      await reader.cancel();
      // The client went away: a broken stdin pipe is the expected outcome, not a failure.
      await feeding.catch((e) => e);
      await child.status;
    },
  });
  return new Response(body, { status, headers });
}

/** Index of the first "\r\n\r\n" or "\n\n", or -1. */
function findBlankLine(bytes: Uint8Array): number {
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i + 1] === 10) return i;
    if (
      i + 3 < bytes.length && bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 &&
      bytes[i + 3] === 10
    ) return i;
  }
  return -1;
}
