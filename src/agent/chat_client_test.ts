import { equal, ok } from "node:assert/strict";
import { SkillError } from "../errors/mod.ts";
import { streamChat } from "./chat_client.ts";

function serve(body: string, status = 200) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        // One byte at a time: events and UTF-8 sequences arrive split.
        for (const byte of encoder.encode(body)) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    return new Response(stream, { status, headers: { "content-type": "text/event-stream" } });
  });
  const config = {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    model: "m",
    origin: { baseUrl: "config.toml", model: "default" },
  };
  return { server, config };
}

const event = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;

Deno.test("streamChat: SSE events split anywhere, in order, until [DONE]", async (t) => {
  const cases = [
    { name: "pieces", body: event("ls ") + event("-la") + "data: [DONE]\n\n", want: "ls -la" },
    {
      name: "CRLF lines",
      body: event("a").replace(/\n/g, "\r\n") + "data: [DONE]\r\n\r\n",
      want: "a",
    },
    { name: "multibyte text", body: event("größe → 💾") + "data: [DONE]\n\n", want: "größe → 💾" },
    {
      name: "comments and roles",
      body: ": ping\n\n" + 'data: {"choices":[{"delta":{"role":"assistant"}}]}\n\n' + event("x") +
        "data: [DONE]\n\n",
      want: "x",
    },
    {
      name: "nothing after [DONE] counts",
      body: event("x") + "data: [DONE]\n\n" + event("y"),
      want: "x",
    },
    { name: "no [DONE] at all", body: event("x"), want: "x" },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const { server, config } = serve(c.body);
      const seen: string[] = [];
      const answer = await streamChat(config, [{ role: "user", content: "hi" }], {
        onDelta: (d) => seen.push(d),
      });
      await server.shutdown();
      equal(answer, c.want);
      equal(seen.join(""), c.want);
    });
  }
});

Deno.test("streamChat: failures are network errors with what to change", async (t) => {
  await t.step("error event in the stream", async () => {
    const { server, config } = serve('data: {"error":{"message":"overloaded"}}\n\n');
    const error = await streamChat(config, []).then(() => null, (e) => e);
    await server.shutdown();
    ok(error instanceof SkillError && error.code === "network" && error.why === "overloaded");
  });
  await t.step("an event that is not JSON", async () => {
    const { server, config } = serve("data: {oops\n\n");
    const error = await streamChat(config, []).then(() => null, (e) => e);
    await server.shutdown();
    ok(error instanceof SkillError && error.code === "network", String(error));
  });
  await t.step("401 says how to give a key", async () => {
    const { server, config } = serve("unauthorized", 401);
    const error = await streamChat(config, []).then(() => null, (e) => e);
    await server.shutdown();
    ok(error instanceof SkillError && error.hints[0].run.includes("api_key_env"), String(error));
  });
  await t.step("nothing listening names where the URL came from", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const config = {
      baseUrl: `http://127.0.0.1:${port}/v1`,
      model: "m",
      origin: { baseUrl: "config.toml", model: "default" },
    };
    const error = await streamChat(config, []).then(() => null, (e) => e);
    ok(error instanceof SkillError && error.code === "network");
    ok(error.why?.includes("[llm] base_url in config.toml"), error.why);
  });
});
