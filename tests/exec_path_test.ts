/**
 * One execution path (issue 12): every command a skill runs goes through
 * `src/ops/exec.ts` (enforcer → OS sandbox → run → audit). This test reads
 * `src/` for every place that can start a process and fails on one that is not
 * in the table below, each row saying why that place is not running a skill's
 * command. A new place must either go through `SkillCommandRunner` /
 * `execForSkill` or be added here with its reason, in review.
 */
import { fail } from "node:assert/strict";

const SRC = new URL("../src/", import.meta.url).pathname;

/** Where a process may be started, and why it is not a skill's command. */
const ALLOWED: Record<string, string> = {
  "process/runner.ts": "the Runner edge itself: every process goes through it",
  "process/alive.ts": "`ps -p PID` to tell whether a staging folder's owner still lives",
  "ops/exec.ts": "the one path for skills: it wraps each command in the skill's sandbox",
  "ops/ask.ts": "the user's own command, confirmed by them on their terminal (`caro ask`)",
  "sandbox/probe.ts": "probing whether bubblewrap and user namespaces work",
  "sources/git/_system_git.ts": "caro's own fetch of a skill's source (git over ssh/file)",
};

/** What starts a process in Deno, directly or through the Runner edge. */
const SPAWNS = [
  /new\s+Deno\.Command\s*\(/,
  /\bDeno\.run\s*\(/,
  /new\s+SystemRunner\s*\(/,
  /\bnode:child_process\b/,
];

Deno.test("only the table's files start processes; skills' commands go through ops/exec.ts", async () => {
  const offenders: string[] = [];
  for await (const file of walk(SRC)) {
    if (file.endsWith("_test.ts") || file.includes("/testdata/")) continue;
    const lines = (await Deno.readTextFile(file)).split("\n");
    const relative = file.slice(SRC.length);
    lines.forEach((line, i) => {
      const code = line.replace(/^\s*(\*|\/\/).*$/, "");
      if (SPAWNS.some((re) => re.test(code)) && !(relative in ALLOWED)) {
        offenders.push(`src/${relative}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  if (offenders.length > 0) {
    fail(
      `${offenders.length} place(s) start a process outside the one execution path:\n` +
        offenders.map((o) => `  ${o}`).join("\n") +
        "\nRun a skill's command through execForSkill or SkillCommandRunner (src/ops/exec.ts); " +
        "if this is not a skill's command, add the file to ALLOWED with the reason.",
    );
  }
});

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) yield* walk(`${path}/`);
    else if (entry.isFile && path.endsWith(".ts")) yield path;
  }
}
