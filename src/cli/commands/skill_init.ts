import { Command, Option } from "commander";
import type { SkillType } from "../../manifest/mod.ts";
import type { CommandContext } from "../context.ts";
import { formatOption } from "../options.ts";

/** `caro skill init ID [--type knowledge|recipe|full] [--dir DIR]`. */
export function initCommand(ctx: CommandContext): Command {
  return new Command("init")
    .description("Create a new skill folder that validates clean")
    .argument("<id>", "the skill id, <namespace>.<name> (e.g. custom.my-skill)")
    .addOption(
      new Option("--type <type>", "what the skill contains")
        .choices(["knowledge", "recipe", "full"]).default("knowledge"),
    )
    .option("--dir <dir>", "folder to create (default ./<id>)")
    .addOption(formatOption(["text", "json"]))
    .action(async (id: string, options: { type: SkillType; dir?: string; format: string }) => {
      const out = ctx.output();
      const { initSkill } = await import("../../ops/mod.ts");
      const { dir, files } = await initSkill({ id, type: options.type, dir: options.dir });
      if (options.format === "json") {
        out.json({ id, type: options.type, dir, files });
        return;
      }
      out.line(`Created ${id} (${options.type}) in ${dir}:`);
      for (const file of files) out.line(`  ${file}`);
      out.line();
      out.line(`Next:`);
      out.line(`  caro skill validate ${dir} --strict`);
      out.line(`  caro skill add ${dir}`);
    });
}
