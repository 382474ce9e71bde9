/**
 * End to end in a real terminal: `caro recipe run` inside tmux, answered by
 * keystrokes. Covers the `prompt` gate (y), the `always` gate (the word yes),
 * declining (no → stop and roll back) and Ctrl-C during a step (rollback
 * offered on the terminal).
 */
import { equal, match, ok } from "node:assert/strict";
import { shellQuote } from "../../src/recipe/mod.ts";
import { caroShellLine, HAS_TMUX, TmuxSession } from "../support/tmux.ts";
import { demoHome, exists } from "./_home.ts";

Deno.test({
  name: "recipe gates in a real terminal (tmux)",
  ignore: !HAS_TMUX,
  async fn(t) {
    const { root, home, work } = await demoHome();
    try {
      await t.step("prompt answered y, always answered yes: every step runs", async () => {
        const tmux = new TmuxSession();
        try {
          await tmux.start(
            caroShellLine(home, ["recipe", "run", "gated", "--param", "dir=g1"]),
            work,
          );
          let screen = await tmux.waitFor(
            /Step 1\/3: Create the folder \(risk: low\)[\s\S]*Run it\? \(y\/N\)/,
          );
          match(screen, /\$ mkdir -- 'g1'/);
          await tmux.type("y");
          await tmux.press("Enter");
          screen = await tmux.waitFor(
            /Step 2\/3: Create the marker \(risk: high\)[\s\S]*type yes to continue/,
          );
          await tmux.type("yes");
          await tmux.press("Enter");
          screen = await tmux.waitFor(/EXIT=\d+/);
          match(screen, /✓ custom\.recipe-demo\/gated: success/);
          match(screen, /EXIT=0/);
          ok(await exists(`${work}/g1/marker`));
          const audit = (await Deno.readTextFile(`${home}/audit.log`)).trim().split("\n")
            .map((l) => JSON.parse(l));
          const touched = audit.filter((e) => e.resource === "touch -- 'g1'/marker");
          equal(touched.at(-1)?.user_confirmed, true, "the typed yes is in the audit log");
          equal(touched.at(-1)?.execution_result, "exit 0");
        } finally {
          await tmux.stop();
        }
      });

      await t.step(
        "y to the prompt, then no to the always gate: stops and rolls back",
        async () => {
          const tmux = new TmuxSession();
          try {
            await tmux.start(
              caroShellLine(home, ["recipe", "run", "gated", "--param", "dir=g2"]),
              work,
            );
            await tmux.waitFor(/Run it\? \(y\/N\)/);
            await tmux.type("y");
            await tmux.press("Enter");
            await tmux.waitFor(/type yes to continue/);
            await tmux.type("no");
            await tmux.press("Enter");
            const screen = await tmux.waitFor(/EXIT=\d+/);
            match(screen, /step touch declined/);
            match(screen, /↺ rolling back \(1 command\(s\)\): step "touch" was declined/);
            match(screen, /✓ remove the folder: rmdir -- 'g2'/);
            match(screen, /failed \(rolled back\)/);
            ok(!/EXIT=0\b/.test(screen), screen);
            equal(await exists(`${work}/g2`), false, "the first step was rolled back");
            const audit = (await Deno.readTextFile(`${home}/audit.log`)).trim().split("\n")
              .map((l) => JSON.parse(l));
            ok(
              audit.some((e) =>
                e.resource === "touch -- 'g2'/marker" && e.user_confirmed === false &&
                e.execution_result === "declined"
              ),
            );
          } finally {
            await tmux.stop();
          }
        },
      );

      await t.step("just Enter at the y/N prompt means no: nothing runs", async () => {
        const tmux = new TmuxSession();
        try {
          await tmux.start(
            caroShellLine(home, ["recipe", "run", "gated", "--param", "dir=g3"]),
            work,
          );
          await tmux.waitFor(/Run it\? \(y\/N\)/);
          await tmux.press("Enter");
          const screen = await tmux.waitFor(/EXIT=\d+/);
          match(screen, /step "mkdir" was declined; nothing was run/);
          equal(await exists(`${work}/g3`), false);
        } finally {
          await tmux.stop();
        }
      });

      await t.step("Ctrl-C during a step stops it and offers the rollback", async () => {
        const tmux = new TmuxSession();
        try {
          await tmux.start(
            caroShellLine(home, [
              "recipe",
              "run",
              "gated",
              "--param",
              "dir=g4",
              "--param",
              "pause=30",
            ]),
            work,
          );
          await tmux.waitFor(/Run it\? \(y\/N\)/);
          await tmux.type("y");
          await tmux.press("Enter");
          await tmux.waitFor(/type yes to continue/);
          await tmux.type("yes");
          await tmux.press("Enter");
          await tmux.waitFor(/\[3\/3\] Wait a little/);
          await new Promise((r) => setTimeout(r, 500));
          await tmux.press("C-c");
          await tmux.waitFor(
            /Interrupted\. Roll back the 3 started step\(s\) \(2 command\(s\)\)\?/,
          );
          await tmux.type("y");
          await tmux.press("Enter");
          const screen = await tmux.waitFor(/EXIT=\d+/);
          match(screen, /interrupted during "wait"; rolled back/);
          match(screen, /EXIT=130/);
          equal(await exists(`${work}/g4`), false, "rolled back after Ctrl-C");
          const logs = [...Deno.readDirSync(`${home}/runs`)].map((e) => e.name);
          const texts = logs.map((n) => Deno.readTextFileSync(`${home}/runs/${n}`));
          ok(
            texts.some((x) => x.includes('"type":"interrupted"')),
            "the interruption is in the run log",
          );
        } finally {
          await tmux.stop();
        }
      });
      await t.step("a missing parameter is asked for, and asked again until valid", async () => {
        const tmux = new TmuxSession();
        try {
          await tmux.start(caroShellLine(home, ["recipe", "run", "make-marker"]), work);
          await tmux.waitFor(/\? dir \(Folder to create\)/);
          await tmux.type("Bad Name");
          await tmux.press("Enter");
          await tmux.waitFor(/does not match \[a-z0-9\]\[a-z0-9-\]\*/);
          for (let i = 0; i < 8; i++) await tmux.press("BSpace");
          await tmux.type("asked-dir");
          await tmux.press("Enter");
          const screen = await tmux.waitFor(/EXIT=\d+/);
          match(screen, /EXIT=0/);
          ok(await exists(`${work}/asked-dir/marker`));
        } finally {
          await tmux.stop();
        }
      });
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "the Prompter's expand [y/n/d], select and input in a real terminal (tmux)",
  ignore: !HAS_TMUX,
  async fn() {
    const tmux = new TmuxSession();
    const probe = new URL("./_prompt_probe.ts", import.meta.url).pathname;
    const argv = [Deno.execPath(), "run", "--quiet", "--allow-env", "--allow-read", probe];
    try {
      await tmux.start(`${argv.map(shellQuote).join(" ")}; echo "EXIT=$?"; sleep 60`, "/");
      await tmux.waitFor(/Grant terminal_exec to custom\.demo\?/);
      await tmux.type("y");
      await tmux.press("Enter");
      await tmux.waitFor(/Compression/);
      await tmux.press("Down");
      await tmux.press("Enter");
      await tmux.waitFor(/Archive name/);
      await tmux.type("x1");
      await tmux.press("Enter");
      await tmux.waitFor(/lowercase letters only/);
      await tmux.press("BSpace");
      await tmux.type("z");
      await tmux.press("Enter");
      const screen = await tmux.waitFor(/EXIT=\d+/);
      match(screen, /ANSWERS=\{"grant":"granted","pick":"xz","name":"xz"\}/);
      match(screen, /EXIT=0/);
    } finally {
      await tmux.stop();
    }
  },
});
