import { equal, ok } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";
import { startFakeLlm } from "./fake_llm.ts";

const ANSWER = "```sh\nfind . -type f -size +100M -mtime -7\n```\n" +
  "- `-size +100M`: larger than 100 MiB\n- `-mtime -7`: changed in the last 7 days\n";
const FIND = "find files over 100MB changed this week";

Deno.test("caro ask: the system prompt holds the skill context then the base prompt", async () => {
  const llm = startFakeLlm(ANSWER);
  const home = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await runCaro(["ask", FIND], {
      home,
      env: { CARO_LLM_BASE_URL: llm.baseUrl, CARO_LLM_MODEL: "fake-model" },
    });
    equal(code, 0, stderr);
    equal(llm.requests.length, 1);
    const [request] = llm.requests;
    equal(request.path, "/v1/chat/completions");
    equal(request.body.model, "fake-model");
    equal(request.body.stream, true);
    const [system, user] = request.body.messages;
    equal(system.role, "system");
    equal(user.content, FIND);
    const posixAt = system.content.indexOf("-size +100M -mtime -7");
    const baseAt = system.content.indexOf("# caro shell rules");
    ok(posixAt >= 0 && baseAt > posixAt, system.content);
    // stdout: the proposed command, then the explanation; the stream went to stderr.
    ok(stdout.startsWith("find . -type f -size +100M -mtime -7\n"), stdout);
    ok(stdout.includes("- `-mtime -7`: changed in the last 7 days"));
    ok(stderr.includes("```sh"), stderr);
    ok(stderr.includes("Not run: stdin is not a terminal"), stderr);
  } finally {
    await llm.close();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("caro ask: config.toml [llm] is read; the key comes from api_key_env", async () => {
  const llm = startFakeLlm("```\nuptime\n```\nshows load");
  const home = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${home}/config.toml`,
      `[llm]\nbase_url = "${llm.baseUrl}"\nmodel = "from-config"\napi_key_env = "MY_LLM_KEY"\n`,
    );
    const { code, stdout } = await runCaro(["ask", "--format", "json", "how long has it been up"], {
      home,
      env: { MY_LLM_KEY: "sk-test-123" },
    });
    equal(code, 0);
    const result = JSON.parse(stdout);
    equal(result.command, "uptime");
    equal(result.explanation, "shows load");
    equal(llm.requests[0].body.model, "from-config");
    equal(llm.requests[0].authorization, "Bearer sk-test-123");
  } finally {
    await llm.close();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("caro ask: no reachable backend exits 4 naming the setting", async () => {
  // A port that was just free: nothing listens there.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const home = await Deno.makeTempDir();
  try {
    const viaEnv = await runCaro(["ask", "list files"], {
      home,
      env: { CARO_LLM_BASE_URL: `http://127.0.0.1:${port}/v1` },
    });
    equal(viaEnv.code, 4, viaEnv.stderr);
    ok(
      viaEnv.stderr.includes(`Error: Cannot reach the model endpoint http://127.0.0.1:${port}/v1`),
    );
    ok(viaEnv.stderr.includes("$CARO_LLM_BASE_URL"), viaEnv.stderr);
    equal(viaEnv.stdout, "");
    await Deno.writeTextFile(
      `${home}/config.toml`,
      `[llm]\nbase_url = "http://127.0.0.1:${port}/v1"\n`,
    );
    const viaConfig = await runCaro(["ask", "list files"], { home });
    equal(viaConfig.code, 4);
    ok(viaConfig.stderr.includes("[llm] base_url in config.toml"), viaConfig.stderr);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("caro ask: an error answer exits 4 with the server's message", async () => {
  const llm = startFakeLlm("", { status: 404 });
  const home = await Deno.makeTempDir();
  try {
    const { code, stderr } = await runCaro(["ask", "list files"], {
      home,
      env: { CARO_LLM_BASE_URL: llm.baseUrl },
    });
    equal(code, 4);
    ok(stderr.includes("answered 404") && stderr.includes("model not found"), stderr);
    ok(stderr.includes("CARO_LLM_MODEL"), stderr);
  } finally {
    await llm.close();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("caro ask shows control characters escaped and does not offer such a command", async () => {
  // A terminal would show only "ls -la": \r returns to the line start and ESC[2K erases it.
  const llm = startFakeLlm("```sh\nrm -rf ~/important\r\x1b[2Kls -la\n```\nlists files\n");
  const home = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await runCaro(["ask", "list the files here"], {
      home,
      env: { CARO_LLM_BASE_URL: llm.baseUrl, CARO_LLM_MODEL: "fake-model" },
    });
    equal(code, 0, stderr);
    ok(stdout.startsWith("rm -rf ~/important\\x0d\\x1b[2Kls -la\n"), JSON.stringify(stdout));
    ok(!stdout.includes("\r") && !stdout.includes("\x1b"), "no raw control character on stdout");
    ok(stderr.includes("Not offered to run"), stderr);
  } finally {
    await llm.close();
    await Deno.remove(home, { recursive: true });
  }
});
