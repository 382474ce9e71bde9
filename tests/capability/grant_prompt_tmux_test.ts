/**
 * The install-time grant prompt in a real terminal (tmux): `d` shows the
 * details and asks again, `y` grants (skills.lock holds the grant), a bare
 * Enter denies (exit 3, nothing installed).
 */
import { equal, match, ok } from "node:assert/strict";
import { parse } from "smol-toml";
import { shellQuote } from "../../src/recipe/mod.ts";
import { CARO_MAIN, CARO_PERMISSIONS } from "../support/cli.ts";
import { namesIn, writeSkill } from "../store/_fixtures.ts";

const HAS_TMUX = (await new Deno.Command("sh", { args: ["-c", "command -v tmux"] }).output())
  .success;

/** One tmux server of our own (its own socket), one session running caro. */
class TmuxSession {
  readonly socket = `caro-grant-${crypto.randomUUID().slice(0, 8)}`;
  readonly name = "grant";

  async start(command: string, cwd: string): Promise<void> {
    await this.#tmux([
      "new-session",
      "-d",
      "-s",
      this.name,
      "-x",
      "200",
      "-y",
      "50",
      "-c",
      cwd,
      command,
    ]);
  }

  async screen(): Promise<string> {
    return await this.#tmux(["capture-pane", "-p", "-J", "-S", "-200", "-t", this.name]);
  }

  /** Waits until the screen matches, or fails with what it shows. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let text = "";
    while (Date.now() < end) {
      text = await this.screen();
      if (pattern.test(text)) return text;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`timed out waiting for ${pattern}; the screen shows:\n${text}`);
  }

  async type(text: string): Promise<void> {
    await this.#tmux(["send-keys", "-t", this.name, "-l", text]);
  }

  async press(key: string): Promise<void> {
    await this.#tmux(["send-keys", "-t", this.name, key]);
  }

  async stop(): Promise<void> {
    await new Deno.Command("tmux", { args: ["-L", this.socket, "kill-server"] }).output();
  }

  async #tmux(args: string[]): Promise<string> {
    const out = await new Deno.Command("tmux", { args: ["-L", this.socket, ...args] }).output();
    if (!out.success) throw new Error(`tmux ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
    return new TextDecoder().decode(out.stdout);
  }
}

function caroLine(home: string, args: string[]): string {
  const argv = [Deno.execPath(), "run", "--quiet", ...CARO_PERMISSIONS, CARO_MAIN, ...args];
  // The shell stays open after caro exits so the test can read its exit code.
  return `env CARO_HOME=${shellQuote(home)} NO_COLOR=1 ${argv.map(shellQuote).join(" ")}; ` +
    `echo "EXIT=$?"; sleep 60`;
}

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
        const tmux = new TmuxSession();
        try {
          await tmux.start(caroLine(home, ["skill", "add", skill]), root);
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
        const tmux = new TmuxSession();
        try {
          await tmux.start(caroLine(home, ["skill", "add", skill]), root);
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
        const tmux = new TmuxSession();
        try {
          await tmux.start(caroLine(home, ["skill", "add", skill]), root);
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
