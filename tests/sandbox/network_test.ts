/**
 * Network from inside the sandbox: none without a `network` grant, and with
 * one only the granted hosts, through the filtering proxy (the bridge on
 * 127.0.0.1:3128 inside, a Unix socket outside), every connection reported.
 * The server stands for "the internet": a real HTTP server on the host's
 * loopback, which the sandbox's own loopback is not.
 */
import { CapabilitiesSchema } from "../../src/capability/mod.ts";
import { type ProxyConnection, startNetworkProxy } from "../../src/sandbox/mod.ts";
import { startFileServer } from "../support/file_server.ts";
import { CAN_SANDBOX, createWorld, PROBE } from "./_world.ts";

Deno.test({
  name: "sandbox network: only granted hosts, only through the proxy",
  ignore: !CAN_SANDBOX || PROBE.perl === null,
  async fn(t) {
    const world = await createWorld();
    const server = await startFileServer({ "/ok": new TextEncoder().encode("hello\n") });
    const port = new URL(server.url).port;
    const seen: ProxyConnection[] = [];
    const proxy = await startNetworkProxy({
      grants: ["127.0.0.1"],
      socketPath: `${world.root}/proxy.sock`,
      onConnection: (c) => seen.push(c),
    });
    const withNetwork = CapabilitiesSchema.parse({
      terminal_exec: { allowed: true, commands: ["curl"] },
      network: ["127.0.0.1"],
    });
    const withoutNetwork = CapabilitiesSchema.parse({
      terminal_exec: { allowed: true, commands: ["curl"] },
    });
    const curl = "curl -sS --max-time 5";
    try {
      const rows: ReadonlyArray<
        readonly [string, string, boolean, string, (stdout: string) => boolean]
      > = [
        [
          "no grant: the host's server is unreachable, proxy or not",
          `${curl} http://127.0.0.1:${port}/ok; ${curl} -x http://127.0.0.1:3128 http://127.0.0.1:${port}/ok`,
          false,
          "the sandbox has an empty network namespace",
          (out) => out === "",
        ],
        [
          "a granted host through the proxy",
          `${curl} http://127.0.0.1:${port}/ok`,
          true,
          "HTTP_PROXY points at the bridge, the proxy allows 127.0.0.1",
          (out) => out === "hello\n",
        ],
        [
          "a host that is not granted",
          `${curl} -o /dev/null -w '%{http_code}' http://127.0.0.2:${port}/ok`,
          true,
          "the proxy answers 403",
          (out) => out === "403",
        ],
        [
          "around the proxy",
          `${curl} --noproxy '*' http://127.0.0.1:${port}/ok; echo > /dev/tcp/127.0.0.1/${port} && echo OPEN`,
          true,
          "the proxy is the only way out: the host's loopback is not the sandbox's",
          (out) => out === "",
        ],
      ];
      for (const [name, line, granted, why, ok] of rows) {
        await t.step(`${name}: ${why}`, async () => {
          const before = server.requests.length;
          const result = await world.run(granted ? withNetwork : withoutNetwork, line, {
            proxySocket: granted ? proxy.socketPath! : undefined,
          });
          if (!ok(result.stdout)) {
            throw new Error(`stdout ${JSON.stringify(result.stdout)}\nstderr: ${result.stderr}`);
          }
          const reached = server.requests.length - before;
          if (reached !== (name === "a granted host through the proxy" ? 1 : 0)) {
            throw new Error(`the server saw ${reached} requests`);
          }
        });
      }
      await t.step("every connection through the proxy was reported", () => {
        const shown = seen.map((c) => `${c.host} ${c.allowed}`);
        if (shown.join() !== "127.0.0.1 true,127.0.0.2 false") throw new Error(shown.join());
      });
    } finally {
      await proxy.close();
      await server.close();
      await world.cleanup();
    }
  },
});
