/**
 * The `caro` command line. Run it with `deno task caro …`, or as the compiled
 * `caro` binary.
 *
 * @module
 */
import { runCli } from "./program.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args));
}
