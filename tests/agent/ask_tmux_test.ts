/**
 * `caro ask` in a real terminal (tmux): the proposed command runs only after
 * the user answers y; a bare Enter means no.
 */
import { equal, ok } from "node:assert/strict";
import { shellQuote } from "../../src/recipe/mod.ts";
import { caroShellLine, HAS_TMUX, TmuxSession } from "../support/tmux.ts";
import { startFakeLlm } from "./fake_llm.ts";

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
      const tmux = new TmuxSession();
      try {
        const line = caroShellLine(`${root}/home`, ["ask", "write a marker file"], {
          CARO_LLM_BASE_URL: llm.baseUrl,
        });
        await tmux.start(line, root);
        await tmux.waitFor(/Run this command\?/, 30_000);
        ok(!(await exists(marker)), "ran before confirmation");
        if (answer) await tmux.type(answer);
        await tmux.press("Enter");
        const screen = await tmux.waitFor(/EXIT=\d+/, 30_000);
        ok(screen.includes("EXIT=0"), screen);
        if (answer === "y") {
          equal(await Deno.readTextFile(marker), "caro-ran");
        } else {
          ok(screen.includes("Not run."), screen);
          ok(!(await exists(marker)), "ran without a yes");
        }
        equal(llm.requests.length, 1);
      } finally {
        await tmux.stop();
        await llm.close();
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}
