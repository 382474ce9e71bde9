/**
 * Asks each kind of question once through the real TerminalPrompter and
 * prints the answers as JSON: driven by tmux_e2e_test.ts.
 */
import { createPrompter } from "../../src/terminal/mod.ts";

const prompter = createPrompter({ to: "answer up front", run: "--yes" });
const grant = await prompter.expand("Grant terminal_exec to custom.demo?", [
  { key: "y", name: "yes", value: "granted" },
  { key: "n", name: "no", value: "refused" },
  { key: "d", name: "details", value: "details" },
], { defaultKey: "n" });
const pick = await prompter.select("Compression", [
  { name: "gz", value: "gz" },
  { name: "xz", value: "xz" },
]);
const name = await prompter.input("Archive name", {
  validate: (v) => /^[a-z]+$/.test(v) ? null : "lowercase letters only",
});
console.log(`ANSWERS=${JSON.stringify({ grant, pick, name })}`);
