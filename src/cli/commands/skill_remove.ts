import { Command } from "commander";
import type { CommandContext } from "../context.ts";
import { formatOption, openStoreFor } from "../options.ts";

/** `caro skill remove ID [--force] [--keep-config]`. */
export function removeCommand(ctx: CommandContext): Command {
  return new Command("remove")
    .description("Remove an installed skill")
    .argument("<id>", "the skill id")
    .option("--force", "remove it even when other skills depend on it")
    .option(
      "--keep-config",
      "keep its grants, enabled state and features in skills.lock for a later add",
    )
    .addOption(formatOption(["text", "json"]))
    .action(
      async (id: string, options: { force?: boolean; keepConfig?: boolean; format: string }) => {
        const out = ctx.output();
        const { removeSkill } = await import("../../ops/mod.ts");
        const result = await removeSkill(await openStoreFor(ctx), id, options);
        if (options.format === "json") return out.json(result);
        out.line(`${out.colors.green("Removed")} ${result.id} ${result.version}`);
        if (result.keptConfig) {
          out.line("  kept its grants, enabled state and features in skills.lock ([[retained]])");
        }
        for (const dependent of result.brokenDependents) {
          out.diagnostic(`Warning: ${dependent} depends on ${id} and will not work without it`);
        }
      },
    );
}
