import { Command } from "commander";
import type { CommandContext } from "../context.ts";
import { openStoreFor } from "../options.ts";

/** `caro skill enable ID` and `caro skill disable ID`. */
export function enableCommands(ctx: CommandContext): Command[] {
  const make = (name: "enable" | "disable", enabled: boolean) =>
    new Command(name)
      .description(
        enabled
          ? "Use a skill again"
          : "Stop using a skill without removing it (core.shell cannot be disabled)",
      )
      .argument("<id>", "the skill id")
      .action(async (id: string) => {
        const out = ctx.output();
        const { setSkillEnabled } = await import("../../ops/mod.ts");
        const changed = await setSkillEnabled(await openStoreFor(ctx), id, enabled);
        out.line(
          changed
            ? `${name === "enable" ? "Enabled" : "Disabled"} ${id}`
            : `${id} is already ${name}d`,
        );
      });
  return [make("enable", true), make("disable", false)];
}
