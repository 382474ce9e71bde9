/**
 * The install-time grant prompt in a real terminal (tmux): `d` shows the
 * details and asks again, `y` grants (skills.lock holds the grant), a bare
 * Enter denies (exit 3, nothing installed).
 */
import { equal, match, ok } from "node:assert/strict";
import { parse } from "smol-toml";
import { caroShellLine, HAS_TMUX, TmuxSession } from "../support/tmux.ts";
import { namesIn, writeSkill } from "../store/_fixtures.ts";

async function lockedExec(home: string, id: string): Promise<unknown> {
  const lock = parse(await Deno.readTextFile(`${home}/skills.lock`)) as {
    skills?: Array<{ id: string; capabilities: { terminal_exec?: unknown } }>;
  };
  return lock.skills?.find((s) => s.id === id)?.capabilities.terminal_exec;
}

Deno.test({
  name: "the grant prompt of caro skill add in a real terminal (tmux)",
  ignore: !HAS_TMUX,
  async fn(t) {
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro-grant-" }));
    try {
      const skill = await writeSkill(root, {
        id: "cloud.ops",
        capabilities: [
          'terminal_exec = { allowed = true, commands = ["aws", "kubectl"], blocked = ["rm"] }',
          'env_read = ["AWS_*"]',
        ],
      });

      await t.step("d shows the details and asks again; y grants", async () => {
        const home = `${root}/home-yes`;
        const tmux = new TmuxSession({ width: 200 });
        try {
          await tmux.start(caroShellLine(home, ["skill", "add", skill]), root);
          let screen = await tmux.waitFor(/Grant these capabilities\? \[y\/N\/d\(etails\)\]/);
          match(screen, /cloud\.ops 1\.0\.0 requests these capabilities:/);
          match(screen, /high:\s+terminal_exec\s+aws, kubectl \(blocked: rm\)/);
          match(screen, /low:\s+env_read\s+AWS_\*/);
          await tmux.type("d");
          await tmux.press("Enter");
          screen = await tmux.waitFor(/Details:[\s\S]*Grant these capabilities\?[^\n]*\n?\s*$/);
          match(screen, /terminal_exec \(high risk\): run shell commands on this machine/);
          match(screen, /allowed commands: aws, kubectl/);
          match(screen, /blocked commands: rm/);
          ok(!/EXIT=/.test(screen), "still waiting for an answer after the details");
          await tmux.type("y");
          await tmux.press("Enter");
          screen = await tmux.waitFor(/EXIT=\d+/);
          match(screen, /EXIT=0/);
          match(screen, /Installed cloud\.ops 1\.0\.0/);
          match(screen, /granted:\s+terminal_exec, env_read/);
          const exec = await lockedExec(home, "cloud.ops") as {
            allowed: boolean;
            commands: string[];
          };
          equal(exec.allowed, true);
          equal(exec.commands.join(), "aws,kubectl");
        } finally {
          await tmux.stop();
        }
      });

      await t.step("Enter denies: exit 3, nothing installed", async () => {
        const home = `${root}/home-no`;
        const tmux = new TmuxSession({ width: 200 });
        try {
          await tmux.start(caroShellLine(home, ["skill", "add", skill]), root);
          await tmux.waitFor(/Grant these capabilities\? \[y\/N\/d\(etails\)\]/);
          await tmux.press("Enter");
          const screen = await tmux.waitFor(/EXIT=\d+/);
          match(screen, /EXIT=3/);
          match(
            screen,
            /Not installed: cloud\.ops requests terminal_exec \(high\), which you declined/,
          );
          equal((await namesIn(`${home}/skills`)).length, 0);
          equal(
            await lockedExec(home, "cloud.ops").catch((e) => {
              if (e instanceof Deno.errors.NotFound) return undefined;
              throw e;
            }),
            undefined,
          );
        } finally {
          await tmux.stop();
        }
      });

      await t.step("Ctrl-C at the prompt: interrupted, nothing installed", async () => {
        const home = `${root}/home-int`;
        const tmux = new TmuxSession({ width: 200 });
        try {
          await tmux.start(caroShellLine(home, ["skill", "add", skill]), root);
          await tmux.waitFor(/Grant these capabilities\? \[y\/N\/d\(etails\)\]/);
          await tmux.press("C-c");
          const screen = await tmux.waitFor(/EXIT=\d+/);
          match(screen, /Interrupted/);
          match(screen, /EXIT=130/);
          equal((await namesIn(`${home}/skills`)).length, 0);
        } finally {
          await tmux.stop();
        }
      });
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
