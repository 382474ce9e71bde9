import { equal, ok } from "node:assert/strict";
import { MockRunner, SystemRunner } from "./mod.ts";

Deno.test("SystemRunner", async (t) => {
  const runner = new SystemRunner();
  await t.step("a string runs through sh -c, an argv vector without a shell", async () => {
    equal((await runner.run("printf '%s' \"$((1+2))\"")).stdout, "3");
    equal((await runner.run(["printf", "%s", "$((1+2))"])).stdout, "$((1+2))");
  });
  await t.step("exit code, stderr, cwd and env", async () => {
    const dir = await Deno.realPath(await Deno.makeTempDir());
    const r = await runner.run('printf "%s" "$PWD:$CARO_X" >&2; exit 3', {
      cwd: dir,
      env: { CARO_X: "y" },
    });
    equal(r.code, 3);
    equal(r.stderr, `${dir}:y`);
    await Deno.remove(dir);
  });
  await t.step("a missing program is exit 127, not a crash", async () => {
    equal((await runner.run(["no-such-program-xyz"])).code, 127);
  });
  await t.step("timeout and abort kill it and say which", async () => {
    const slow = await runner.run("sleep 30", { timeoutMs: 100 });
    ok(slow.timedOut && !slow.interrupted && slow.code === 143, JSON.stringify(slow));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const stopped = await runner.run("sleep 30", { signal: controller.signal });
    ok(stopped.interrupted && !stopped.timedOut, JSON.stringify(stopped));
  });
  await t.step("output streams to onOutput as it comes", async () => {
    const chunks: string[] = [];
    await runner.run("printf a; printf b >&2", { onOutput: (c) => chunks.push(c) });
    equal(chunks.sort().join(""), "ab");
  });
});

Deno.test("MockRunner answers by glob and records everything", async (t) => {
  const runner = new MockRunner([
    { command: "git push *", exit_code: 1, stderr: "denied" },
    { command: "git *", stdout: "ok" },
  ]);
  await t.step("first matching glob wins; * crosses / and spaces", async () => {
    equal((await runner.run("git push 'origin' refs/tags/'v1'")).code, 1);
    equal((await runner.run("git tag -d 'v1'")).stdout, "ok");
    equal((await runner.run("git tag -a 'v1' -m 'line 1\nline 2'")).stdout, "ok");
  });
  await t.step("no match: 127, listed by name", async () => {
    equal((await runner.run("rm -rf /")).code, 127);
    equal(runner.unmatched.join(), "rm -rf /");
    equal(runner.calls.length, 4);
  });
});

Deno.test("MockRunner takes a command starting with ! literally, not as negation", async () => {
  const { MockRunner } = await import("./mock_runner.ts");
  const runner = new MockRunner([{ command: "! git rev-parse *", exit_code: 0, stdout: "ok" }]);
  const hit = await runner.run("! git rev-parse --verify refs/tags/v1");
  const miss = await runner.run("git ls-remote --tags origin");
  if (hit.stdout !== "ok" || miss.code !== 127) {
    throw new Error(JSON.stringify({ hit, miss }));
  }
});
