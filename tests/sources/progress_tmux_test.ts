/**
 * The download progress bar of `caro skill add` in a real terminal (tmux): one line redrawn
 * in place with the bar, size, rate and ETA, ending at 100%; the same download without a
 * terminal prints plain lines instead (tests/sources/add_archive_test.ts).
 */
import { equal, match } from "node:assert/strict";
import { packTar } from "modern-tar";
import { caroShellLine, HAS_TMUX, TmuxSession } from "../support/tmux.ts";
import { skillToml } from "./_skill_repos.ts";

Deno.test({
  name: "caro skill add draws one redrawn progress bar on a terminal",
  ignore: !HAS_TMUX,
  async fn() {
    // 2 MiB of random bytes do not compress: the download takes a while when trickled.
    const blob = new Uint8Array(2 * 1024 * 1024);
    for (let o = 0; o < blob.length; o += 65536) {
      crypto.getRandomValues(blob.subarray(o, o + 65536));
    }
    const text = skillToml("tool.slow", "1.0.0");
    const tar = await packTar([
      {
        header: { name: "slow/skill.toml", size: new TextEncoder().encode(text).length },
        body: text,
      },
      { header: { name: "slow/knowledge/prompts/context.md", size: 7 }, body: "# Slow\n" },
      { header: { name: "slow/assets/blob.bin", size: blob.length }, body: blob },
    ]);
    // A server that trickles the archive in 64 KiB pieces, 40 ms apart (about 1.5 s).
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent >= tar.length) return controller.close();
          await new Promise((r) => setTimeout(r, 40));
          controller.enqueue(tar.subarray(sent, sent + 65536));
          sent += 65536;
        },
      });
      return new Response(body, { headers: { "content-length": String(tar.length) } });
    });
    const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/slow.tar`;
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro-bar-" }));
    const tmux = new TmuxSession();
    try {
      await tmux.start(caroShellLine(`${root}/home`, ["skill", "add", url]), root);
      const screen = await tmux.waitFor(/EXIT=\d+/, 60_000);
      match(screen, /EXIT=0/, screen);
      const bars = screen.split("\n").filter((l) => l.startsWith("Downloading"));
      // Redrawn in place: one line, not one per update.
      equal(bars.length, 1, screen);
      match(bars[0], /^Downloading \[=+\]  100%  2\.0 MiB \/ 2\.0 MiB  [\d.]+ (KiB|MiB)\/s\s*$/);
      match(screen, /Installed tool\.slow 1\.0\.0/);
    } finally {
      await tmux.stop();
      await server.shutdown();
      await Deno.remove(root, { recursive: true });
    }
  },
});
