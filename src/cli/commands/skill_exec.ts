import { Command } from "commander";
import type { CommandContext } from "../context.ts";
import { formatOption, openStoreFor, positiveInteger } from "../options.ts";

interface ExecCliOptions {
  yes?: boolean;
  timeout?: number;
  format: string;
}

/**
 * `caro skill exec ID [--yes] [--timeout S] [--format text|json] -- CMD…`: one
 * line run exactly as that skill would run it (the enforcer, then the OS
 * sandbox from its grants, then an audit line). Exits with the command's own
 * exit code; 3 when refused.
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import { contextOf } from "../context.ts";
 * import { execCommand } from "./skill_exec.ts";
 * if (execCommand(contextOf(new Command())).name() !== "exec") throw new Error();
 * ```
 */
export function execCommand(ctx: CommandContext): Command {
  return new Command("exec")
    .description("Run one command line exactly as a skill would (enforcer, sandbox, audit)")
    .argument("<id>", "the skill whose grants the command runs with")
    .argument("<command...>", "the command line (after --)")
    .option("-y, --yes", "run without asking (needed without a terminal)")
    .option("--timeout <seconds>", "kill it after this many seconds", positiveInteger)
    .addOption(formatOption(["text", "json"]))
    .addHelpText(
      "after",
      "\nThe line is checked by the skill's grants (refused: exit 3), then run by bash inside\n" +
        "an OS sandbox built from them: only granted paths, programs, variables and hosts.\n" +
        "Example: caro skill exec cloud.aws -- aws s3 ls",
    )
    .action(async (id: string, words: string[], options: ExecCliOptions) => {
      const out = ctx.output();
      const { execForSkill } = await import("../../ops/mod.ts");
      const { createPrompter } = await import("../../terminal/mod.ts");
      const command = words.join(" ");
      const isJson = options.format === "json";
      const controller = new AbortController();
      const onInterrupt = () => controller.abort();
      Deno.addSignalListener("SIGINT", onInterrupt);
      try {
        const result = await execForSkill(await openStoreFor(ctx), id, command, {
          prompter: createPrompter({
            to: "run it without asking",
            run: `caro skill exec ${id} --yes -- ${command}`,
          }),
          assumeYes: options.yes,
          timeoutMs: options.timeout === undefined ? undefined : options.timeout * 1000,
          signal: controller.signal,
          warn: (message) => out.diagnostic(`Warning: ${message}`),
          // Text output streams as it comes; JSON carries it whole at the end.
          onOutput: isJson ? undefined : (chunk, stream) => write(stream, chunk),
        });
        if (isJson) out.json(result);
        if (result.timedOut) out.diagnostic(`Killed after ${options.timeout} s (--timeout)`);
        ctx.exitCode = result.interrupted ? 130 : result.code;
      } finally {
        Deno.removeSignalListener("SIGINT", onInterrupt);
      }
    });
}

function write(stream: "stdout" | "stderr", text: string): void {
  const target = stream === "stdout" ? Deno.stdout : Deno.stderr;
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(target.writeSync(bytes));
}
