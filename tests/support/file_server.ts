/**
 * A real HTTP file server for download tests on 127.0.0.1 and a free port: serves bytes per
 * path with `Range` support, and can inject failures (an HTTP status, or a connection cut in
 * the middle of a body) to exercise retries.
 *
 * @example
 * ```ts ignore
 * import { startFileServer } from "./file_server.ts";
 * const server = await startFileServer({ "/a.tgz": new Uint8Array([1, 2, 3]) });
 * server.injectFault("/a.tgz", { status: 503 });
 * await server.close();
 * ```
 *
 * @module
 */

import { join } from "node:path";

/** A failure served instead of (or in the middle of) the next response for a path. */
export type Fault =
  /** Answer with this HTTP status and no body. */
  | { status: number }
  /** Send the headers and the first `afterBytes` body bytes, then drop the connection. */
  | { cutAfter: number };

/** One request as the server saw it. */
export interface SeenRequest {
  path: string;
  range: string | null;
  ifRange: string | null;
  authorization: string | null;
}

/** A running file server. */
export interface FileServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every request seen, in order. */
  requests: SeenRequest[];
  /** Queues a fault for the next request of `path` (faults are used once, in order). */
  injectFault(path: string, fault: Fault): void;
  /** Replaces (or adds) the bytes served at `path`. */
  setRoute(path: string, bytes: Uint8Array): void;
  /** Stops the server and waits for it. */
  close(): Promise<void>;
}

/**
 * Starts the server with fixed routes (`path → bytes`) or a folder served as is.
 */
export function startFileServer(
  routesOrDir: Record<string, Uint8Array> | string,
): Promise<FileServer> {
  const routes = new Map<string, Uint8Array>(
    typeof routesOrDir === "string" ? [] : Object.entries(routesOrDir),
  );
  const faults = new Map<string, Fault[]>();
  const requests: SeenRequest[] = [];

  async function bytesOf(path: string): Promise<Uint8Array | undefined> {
    const fixed = routes.get(path);
    if (fixed) return fixed;
    if (typeof routesOrDir !== "string" || path.includes("..")) return undefined;
    try {
      return await Deno.readFile(join(routesOrDir, decodeURIComponent(path)));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return undefined;
      throw e;
    }
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      const range = req.headers.get("range");
      requests.push({
        path,
        range,
        ifRange: req.headers.get("if-range"),
        authorization: req.headers.get("authorization"),
      });
      const bytes = await bytesOf(path);
      if (!bytes) return new Response("not found", { status: 404 });
      const etag = `"${bytes.length}-${bytes[0] ?? 0}-${bytes[bytes.length - 1] ?? 0}"`;
      let start = 0;
      let status = 200;
      const headers = new Headers({ etag, "accept-ranges": "bytes" });
      const match = range?.match(/^bytes=(\d+)-$/);
      if (match) {
        start = parseInt(match[1], 10);
        if (start >= bytes.length) {
          return new Response(null, {
            status: 416,
            headers: { "content-range": `bytes */${bytes.length}` },
          });
        }
        status = 206;
        headers.set("content-range", `bytes ${start}-${bytes.length - 1}/${bytes.length}`);
      }
      const body = bytes.subarray(start);
      headers.set("content-length", String(body.length));
      const fault = faults.get(path)?.shift();
      if (fault && "status" in fault) {
        return new Response(`injected ${fault.status}`, { status: fault.status });
      }
      if (fault && "cutAfter" in fault) {
        const head = body.subarray(0, fault.cutAfter);
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(head);
          },
          async pull(controller) {
            // Let the first bytes reach the client, then break the connection mid-body.
            await new Promise((resolve) => setTimeout(resolve, 20));
            controller.error(new Error("injected connection cut"));
          },
        });
        return new Response(stream, { status, headers });
      }
      return new Response(body as Uint8Array<ArrayBuffer>, { status, headers });
    },
  );
  const addr = server.addr as Deno.NetAddr;
  return Promise.resolve({
    url: `http://127.0.0.1:${addr.port}`,
    requests,
    injectFault(path, fault) {
      const list = faults.get(path) ?? [];
      list.push(fault);
      faults.set(path, list);
    },
    setRoute(path, bytes) {
      routes.set(path, bytes);
    },
    close: async () => {
      await server.shutdown();
    },
  });
}
