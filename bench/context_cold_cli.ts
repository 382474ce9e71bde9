/**
 * `caro context` through an entry that registers only that command, timed by
 * bench/context_bench.ts: what the CLI would cost if `src/cli/program.ts`
 * loaded each command's module only when that command runs.
 *
 *   CARO_HOME=… deno run -A bench/context_cold_cli.ts context "<prompt>"
 */
import { Command } from "commander";
import { contextOf } from "../src/cli/context.ts";
import { contextCommand } from "../src/cli/commands/context.ts";

const program = new Command("caro")
  .option("--home <dir>")
  .option("--skills <list>")
  .option("-q, --quiet")
  .option("--no-color");
program.addCommand(contextCommand(contextOf(program)));
await program.parseAsync(Deno.args, { from: "user" });
