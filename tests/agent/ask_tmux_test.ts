/**
 * `caro ask` in a real terminal (tmux): the proposed command runs only after
 * the user answers y; a bare Enter means no.
 */
import { equal, ok } from "node:assert/strict";
import { shellQuote } from "../../src/recipe/mod.ts";
import { CARO_MAIN, CARO_PERMISSIONS } from "../support/cli.ts";
import { startFakeLlm } from "./fake_llm.ts";

const HAS_TMUX = (await new Deno.Command("sh", { args: ["-c", "command -v tmux"] }).output())
  .success;

async function tmux(socket: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("tmux", { args: ["-L", socket, ...args] }).output();
  if (!out.success) throw new Error(`tmux ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

async function waitFor(socket: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let screen = "";
  while (Date.now() < end) {
    screen = await tmux(socket, ["capture-pane", "-p", "-J", "-S", "-200", "-t", "ask"]);
    if (pattern.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${pattern}; the screen shows:\n${screen}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

for (const answer of ["y", ""]) {
  Deno.test({
    name: `caro ask on a terminal: ${answer === "y" ? "y runs the command" : "Enter runs nothing"}`,
    ignore: !HAS_TMUX,
    async fn() {
      const root = await Deno.makeTempDir();
      const marker = `${root}/ran.txt`;
      const llm = startFakeLlm(
        `\`\`\`sh\nprintf caro-ran > ${shellQuote(marker)}\n\`\`\`\n- writes a marker file\n`,
      );
      const socket = `caro-ask-${crypto.randomUUID().slice(0, 8)}`;
      try {
        const argv = [Deno.execPath(), "run", "--quiet", ...CARO_PERMISSIONS, CARO_MAIN, "ask"];
        const line = `env CARO_HOME=${shellQuote(`${root}/home`)} NO_COLOR=1 ` +
          `CARO_LLM_BASE_URL=${shellQuote(llm.baseUrl)} ` +
          `${[...argv, "write a marker file"].map(shellQuote).join(" ")}; echo "EXIT=$?"; sleep 60`;
        await tmux(socket, ["new-session", "-d", "-s", "ask", "-x", "160", "-y", "50", line]);
        await waitFor(socket, /Run this command\?/);
        ok(!(await exists(marker)), "ran before confirmation");
        if (answer) await tmux(socket, ["send-keys", "-t", "ask", "-l", answer]);
        await tmux(socket, ["send-keys", "-t", "ask", "Enter"]);
        const screen = await waitFor(socket, /EXIT=\d+/);
        ok(screen.includes("EXIT=0"), screen);
        if (answer === "y") {
          equal(await Deno.readTextFile(marker), "caro-ran");
        } else {
          ok(screen.includes("Not run."), screen);
          ok(!(await exists(marker)), "ran without a yes");
        }
        equal(llm.requests.length, 1);
      } finally {
        await new Deno.Command("tmux", { args: ["-L", socket, "kill-server"] }).output();
        await llm.close();
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}
