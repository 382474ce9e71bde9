import { deepStrictEqual, equal } from "node:assert/strict";
import { caroCommand, runCaro } from "../support/cli.ts";
import { namesIn, writeSkill } from "./_fixtures.ts";

const KILLS = 50;

/** Every file name in the home's root and its bookkeeping folders that an interrupted command leaves. */
async function leftovers(home: string): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ["staging", "trash"]) {
    for (const name of await namesIn(`${home}/${dir}`)) found.push(`${dir}/${name}`);
  }
  for (const dir of ["", "hashes"]) {
    for (const name of await namesIn(`${home}/${dir}`)) {
      if (name.endsWith(".tmp")) found.push(`${dir}/${name}`);
    }
  }
  if ((await namesIn(home)).includes("journal.json")) found.push("journal.json");
  return found;
}

/**
 * Runs `caro skill add ARGS`, calling `arm` at the start and when the commit
 * phase begins (the "Installing" progress line on stderr); `arm` may return a
 * timer, cleared at the end.
 */
async function addWatched(
  home: string,
  args: string[],
  arm: (
    child: Deno.ChildProcess,
    phase: "start" | "commit",
  ) => ReturnType<typeof setTimeout> | undefined,
): Promise<{ code: number; total: number; commit: number }> {
  const started = performance.now();
  const child = caroCommand(["skill", "add", ...args], { home }).spawn();
  child.stdin.close();
  const timers = [arm(child, "start")];
  let commitAt = Number.NaN;
  let text = "";
  const decoder = new TextDecoder();
  const drain = child.stdout.pipeTo(new WritableStream());
  for await (const chunk of child.stderr) {
    text += decoder.decode(chunk, { stream: true });
    if (Number.isNaN(commitAt) && text.includes("Installing tool.")) {
      commitAt = performance.now();
      timers.push(arm(child, "commit"));
    }
  }
  await drain;
  const { code } = await child.status;
  const ended = performance.now();
  for (const timer of timers) clearTimeout(timer);
  return { code, total: ended - started, commit: ended - commitAt };
}

Deno.test(`SIGKILL at ${KILLS} moments of caro skill add never breaks verify or list`, async () => {
  const root = await Deno.makeTempDir({ prefix: "caro-kill-" });
  const home = `${root}/home`;
  try {
    // Two versions of one skill (replace path) and a second skill (fresh install path),
    // with many files to widen the window in which the install works on disk.
    await Deno.mkdir(`${root}/a`, { recursive: true });
    const a = await writeSkill(`${root}/a`, { id: "tool.big", extraFiles: 250 });
    await Deno.mkdir(`${root}/b`, { recursive: true });
    const b = await writeSkill(`${root}/b`, { id: "tool.big", version: "2.0.0", extraFiles: 280 });
    await Deno.mkdir(`${root}/c`, { recursive: true });
    const c = await writeSkill(`${root}/c`, { id: "tool.other", extraFiles: 250 });

    equal((await runCaro(["skill", "add", a], { home })).code, 0);
    // Calibrate on one replace: the whole run, and its commit phase (from the
    // "Installing" progress line to the exit).
    const calibration = await addWatched(home, [b, "--force"], () => undefined);
    equal(calibration.code, 0);
    const { total, commit } = calibration;

    const seen = { journal: 0, staging: 0, trash: 0, completed: 0 };
    for (let i = 0; i < KILLS; i++) {
      const source = [a, b, c][i % 3];
      const args = [source, "--force"];
      if (i % 5 === 4) args.push("--no-enable");
      // Half the kills ramp over the whole run, half over the commit phase.
      const half = Math.floor(i / 2);
      const steps = KILLS / 2 - 1;
      const run = await addWatched(home, args, (child, phase) => {
        const delay = i % 2 === 0
          ? (phase === "start" ? (total * 1.1 * half) / steps : undefined)
          : (phase === "commit" ? (commit * 1.2 * half) / steps : undefined);
        if (delay === undefined) return undefined;
        return setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch (error) {
            // It finished first.
            if (!(error instanceof TypeError)) throw error;
          }
        }, delay);
      });
      if (run.code === 0) seen.completed++;

      const before = await leftovers(home);
      if (before.includes("journal.json")) seen.journal++;
      if (before.some((p) => p.startsWith("staging/"))) seen.staging++;
      if (before.some((p) => p.startsWith("trash/"))) seen.trash++;

      const verify = await runCaro(["skill", "verify", "--format", "json"], { home });
      equal(verify.code, 0, `kill ${i}: ${verify.stderr}`);
      deepStrictEqual(await leftovers(home), [], `kill ${i}: leftovers after verify`);

      const list = await runCaro(["skill", "list", "--format", "json"], { home });
      equal(list.code, 0, list.stderr);
      const installed =
        (JSON.parse(list.stdout) as { skills: Array<{ id: string; bundled: boolean }> })
          .skills.filter((s) => !s.bundled).map((s) => s.id).sort();
      deepStrictEqual(installed, await namesIn(`${home}/skills`), `kill ${i}: list vs skills/`);
      // The lock agrees too: every installed folder has exactly one lock entry.
      const lock = await Deno.readTextFile(`${home}/skills.lock`);
      for (const id of installed) equal(lock.split(`id = "${id}"`).length - 1, 1, lock);
    }
    console.log(
      `install ${total.toFixed(0)} ms (commit ${
        commit.toFixed(0)
      } ms); ${KILLS} kills: ${seen.completed} finished first, ` +
        `${seen.journal} left a journal, ${seen.staging} left staging, ${seen.trash} left trash`,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("SIGKILL during remove, disable and enable leaves a consistent state", async () => {
  const root = await Deno.makeTempDir({ prefix: "caro-kill-" });
  const home = `${root}/home`;
  try {
    const src = await writeSkill(root, { id: "tool.gone", extraFiles: 250 });
    const commands = [["remove", "tool.gone"], ["disable", "tool.gone"], ["enable", "tool.gone"]];
    // Calibrate each command once.
    const durations: number[] = [];
    for (const command of commands) {
      equal((await runCaro(["skill", "add", src, "--force"], { home })).code, 0);
      const started = performance.now();
      const r = await runCaro(["skill", ...command], { home });
      equal(r.code, 0, r.stderr);
      durations.push(performance.now() - started);
    }
    const kills = 9;
    for (let i = 0; i < kills; i++) {
      const which = i % commands.length;
      await runCaro(["skill", "add", src, "--force"], { home });
      if (which === 2) await runCaro(["skill", "disable", "tool.gone"], { home });
      const child = caroCommand(["skill", ...commands[which]], { home }).spawn();
      child.stdin.close();
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch (error) {
          if (!(error instanceof TypeError)) throw error;
        }
      }, (durations[which] * 1.1 * (Math.floor(i / 3) + 1)) / 3);
      await child.output();
      clearTimeout(timer);
      const verify = await runCaro(["skill", "verify"], { home });
      equal(verify.code, 0, `kill ${i}: ${verify.stderr}`);
      deepStrictEqual(await leftovers(home), [], `kill ${i}: leftovers after verify`);
      const list = await runCaro(["skill", "list", "--format", "json"], { home });
      const installed =
        (JSON.parse(list.stdout) as { skills: Array<{ id: string; bundled: boolean }> })
          .skills.filter((s) => !s.bundled).map((s) => s.id).sort();
      deepStrictEqual(installed, await namesIn(`${home}/skills`), `kill ${i}: list vs skills/`);
      const lock = await Deno.readTextFile(`${home}/skills.lock`);
      equal(lock.includes('id = "tool.gone"'), installed.includes("tool.gone"), lock);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
