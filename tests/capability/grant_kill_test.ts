/**
 * `caro skill capabilities ID grant|revoke CAP` killed (SIGKILL) at many
 * moments: the lock is always whole, holding the old or the new grant, and
 * the next command finds no journal or leftover to trip on.
 */
import { equal } from "node:assert/strict";
import { parse } from "smol-toml";
import { caroCommand, runCaro } from "../support/cli.ts";
import { namesIn, writeSkill } from "../store/_fixtures.ts";

const KILLS = 16;

Deno.test(`SIGKILL at ${KILLS} moments of grant/revoke leaves the old or the new grant`, async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro-grant-kill-" }));
  const home = `${root}/home`;
  try {
    const src = await writeSkill(root, {
      id: "cloud.ops",
      capabilities: ['terminal_exec = { allowed = true, commands = ["aws"] }'],
    });
    equal((await runCaro(["skill", "add", src, "--yes"], { home })).code, 0);
    const args = (
      action: string,
    ) => ["skill", "capabilities", "cloud.ops", action, "terminal_exec"];
    // Calibrate: how long one revoke takes from spawn to exit.
    const started = performance.now();
    equal((await runCaro(args("revoke"), { home })).code, 0);
    const total = performance.now() - started;
    equal((await runCaro(args("grant"), { home })).code, 0);

    const outcomes = { old: 0, new: 0 };
    let granted = true;
    for (let i = 0; i < KILLS; i++) {
      const action = granted ? "revoke" : "grant";
      const child = caroCommand(args(action), { home }).spawn();
      child.stdin.close();
      // Spread the kills over the second half of the run, where the work happens.
      const delay = total * (0.5 + 0.5 * (i / KILLS));
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch (error) {
          if (!(error instanceof TypeError)) throw error; // already exited
        }
      }, delay);
      await Promise.all([
        child.stdout.pipeTo(new WritableStream()),
        child.stderr.pipeTo(new WritableStream()),
      ]);
      await child.status;
      clearTimeout(timer);
      // The next command recovers whatever was left, then the lock is whole.
      const list = await runCaro(["skill", "list", "--format", "json"], { home });
      equal(list.code, 0, list.stderr);
      equal((await namesIn(home)).includes("journal.json"), false);
      const lock = parse(await Deno.readTextFile(`${home}/skills.lock`)) as {
        skills: Array<{ id: string; capabilities: { terminal_exec?: { allowed: boolean } } }>;
      };
      const now = lock.skills.find((s) => s.id === "cloud.ops")?.capabilities.terminal_exec
        ?.allowed === true;
      if (now === granted) outcomes.old++;
      else outcomes.new++;
      granted = now;
      const verify = await runCaro(["skill", "verify"], { home });
      equal(verify.code, 0, verify.stderr);
    }
    console.log(`kills leaving the old grant: ${outcomes.old}, the new one: ${outcomes.new}`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
