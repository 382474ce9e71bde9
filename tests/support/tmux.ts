/**
 * A real terminal for tests: one tmux server of our own (its own socket) with
 * one session, driven by keystrokes and read by capturing the pane.
 *
 * @example
 * ```ts ignore
 * import { caroShellLine, HAS_TMUX, TmuxSession } from "./tmux.ts";
 * const tmux = new TmuxSession();
 * try {
 *   await tmux.start(caroShellLine(home, ["skill", "add", dir]), cwd);
 *   await tmux.waitFor(/\[y\/N\/d\]/);
 *   await tmux.type("y");
 *   await tmux.press("Enter");
 *   await tmux.waitFor(/EXIT=0/);
 * } finally {
 *   await tmux.stop();
 * }
 * ```
 *
 * @module
 */
import { shellQuote } from "../../src/recipe/mod.ts";
import { CARO_MAIN, CARO_PERMISSIONS } from "./cli.ts";

/** Whether tmux is installed (scripts/setup.sh installs it). */
export const HAS_TMUX: boolean =
  (await new Deno.Command("sh", { args: ["-c", "command -v tmux"] }).output()).success;

/** One tmux server of our own (its own socket), one session. */
export class TmuxSession {
  readonly socket = `caro-test-${crypto.randomUUID().slice(0, 8)}`;
  readonly name = "caro";
  readonly #width: number;

  /** @param width columns of the terminal (default 160) */
  constructor(options: { width?: number } = {}) {
    this.#width = options.width ?? 160;
  }

  /** Starts `command` (a shell line) in a new detached session in `cwd`. */
  async start(command: string, cwd: string): Promise<void> {
    await this.tmux([
      "new-session",
      "-d",
      "-s",
      this.name,
      "-x",
      String(this.#width),
      "-y",
      "50",
      "-c",
      cwd,
      command,
    ]);
  }

  /** What the terminal shows, with its scrollback. */
  async screen(): Promise<string> {
    return await this.tmux(["capture-pane", "-p", "-J", "-S", "-200", "-t", this.name]);
  }

  /** Waits until the screen matches, or fails with what it shows. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let text = "";
    while (Date.now() < end) {
      text = await this.screen();
      if (pattern.test(text)) return text;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`timed out waiting for ${pattern}; the screen shows:\n${text}`);
  }

  /** Types literal text. */
  async type(text: string): Promise<void> {
    await this.tmux(["send-keys", "-t", this.name, "-l", text]);
  }

  /** Presses a named key (`Enter`, `C-c`). */
  async press(key: string): Promise<void> {
    await this.tmux(["send-keys", "-t", this.name, key]);
  }

  /** Ends the server and everything in it. */
  async stop(): Promise<void> {
    await new Deno.Command("tmux", { args: ["-L", this.socket, "kill-server"] }).output();
  }

  /** Runs a tmux command against this server; fails with tmux's message. */
  async tmux(args: string[]): Promise<string> {
    const out = await new Deno.Command("tmux", { args: ["-L", this.socket, ...args] }).output();
    if (!out.success) throw new Error(`tmux ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
    return new TextDecoder().decode(out.stdout);
  }
}

/**
 * The shell line that runs caro with `args` and a home, then prints `EXIT=<code>`
 * and keeps the pane open so the test can read it.
 */
export function caroShellLine(
  home: string,
  args: string[],
  env: Record<string, string> = {},
): string {
  const argv = [Deno.execPath(), "run", "--quiet", ...CARO_PERMISSIONS, CARO_MAIN, ...args];
  const vars = Object.entries({ CARO_HOME: home, NO_COLOR: "1", ...env })
    .map(([k, v]) => `${k}=${shellQuote(v)}`).join(" ");
  return `env ${vars} ${argv.map(shellQuote).join(" ")}; echo "EXIT=$?"; sleep 60`;
}
