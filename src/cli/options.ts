/**
 * Options several commands declare alike, and the store every command opens:
 * shared here so that no command imports another.
 *
 * @module
 */
import { InvalidArgumentError, Option } from "commander";
import type { SkillStore } from "../store/mod.ts";
import { redactCredentials } from "../errors/mod.ts";
import { CARO_VERSION } from "./version.ts";
import type { CommandContext } from "./context.ts";

/**
 * A `--format` option limited to `choices`, defaulting to the first.
 *
 * @example
 * ```ts
 * import { formatOption } from "./options.ts";
 * if (formatOption(["text", "json"]).defaultValue !== "text") throw new Error();
 * ```
 */
export function formatOption(choices: string[]): Option {
  return new Option("--format <format>", "output format").choices(choices).default(choices[0]);
}

/**
 * Parses a positive integer option (`--max-tokens 200`).
 *
 * @example
 * ```ts
 * import { positiveInteger } from "./options.ts";
 * if (positiveInteger("200") !== 200) throw new Error();
 * ```
 */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/**
 * Opens the store of `--home` / `$CARO_HOME` / `~/.caro`, reporting on stderr.
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import { contextOf } from "./context.ts";
 * import { openStoreFor } from "./options.ts";
 * const root = await Deno.makeTempDir();
 * const program = new Command().option("--home <dir>").option("-q, --quiet");
 * program.parse(["--home", `${root}/home`, "-q"], { from: "user" });
 * const store = await openStoreFor(contextOf(program));
 * if (store.home.root !== `${root}/home`) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function openStoreFor(ctx: CommandContext): Promise<SkillStore> {
  const out = ctx.output();
  const { openStore } = await import("../ops/mod.ts");
  const { CaroHome } = await import("../store/mod.ts");
  return await openStore(CaroHome.resolve(ctx.globals().home), {
    announce: (message) => out.progress(message),
    warn: (message) => out.diagnostic(`Warning: ${message}`),
    caroVersion: CARO_VERSION,
    // Told to other caro processes that wait for this one's state lock.
    purpose: redactCredentials(["caro", ...Deno.args].join(" ")),
  });
}
