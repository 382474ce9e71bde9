import { Command, CommanderError } from "commander";
import { SkillError } from "../errors/mod.ts";
import { CARO_VERSION } from "./version.ts";
import { contextOf } from "./context.ts";
import { Output } from "./output.ts";
import { reportError } from "./report.ts";
import { validateCommand } from "./commands/skill_validate.ts";
import { initCommand } from "./commands/skill_init.ts";
import { listCommand } from "./commands/skill_list.ts";
import { infoCommand } from "./commands/skill_info.ts";
import { addCommand } from "./commands/skill_add.ts";
import { updateCommand } from "./commands/skill_update.ts";
import { removeCommand } from "./commands/skill_remove.ts";
import { enableCommands } from "./commands/skill_enable.ts";
import { verifyCommand } from "./commands/skill_verify.ts";
import { testCommand } from "./commands/skill_test.ts";
import { capabilitiesCommand } from "./commands/skill_capabilities.ts";
import { auditCommand } from "./commands/skill_audit.ts";
import { contextCommand } from "./commands/context.ts";
import { askCommand } from "./commands/ask.ts";
import { recipeCommand } from "./commands/recipe.ts";

/** Builds the `caro` command tree. */
export function buildProgram(): Command {
  const program = new Command("caro")
    .description("caro skills: teach the caro terminal assistant new domains")
    .version(CARO_VERSION, "-V, --version", "print the version")
    .option("--home <dir>", "caro home folder (default $CARO_HOME or ~/.caro)")
    .option("--skills <list>", "skills to use: none, all, a,b or !a")
    .option("-q, --quiet", "print no progress")
    .option("--no-color", "no colours (also NO_COLOR)")
    .showSuggestionAfterError(true)
    .enablePositionalOptions(false);
  const ctx = contextOf(program);

  const skill = new Command("skill").description("Install, check and manage skills");
  skill.addCommand(validateCommand(ctx));
  skill.addCommand(initCommand(ctx));
  for (const command of [listCommand, infoCommand, addCommand, removeCommand, verifyCommand]) {
    skill.addCommand(command(ctx));
  }
  skill.addCommand(updateCommand(ctx));
  for (const command of enableCommands(ctx)) skill.addCommand(command);
  skill.addCommand(testCommand(ctx));
  skill.addCommand(capabilitiesCommand(ctx));
  skill.addCommand(auditCommand(ctx));
  program.addCommand(skill);
  program.addCommand(contextCommand(ctx));
  program.addCommand(askCommand(ctx));
  const recipe = recipeCommand(ctx);
  program.addCommand(recipe);

  for (const command of [program, ...program.commands, ...skill.commands, ...recipe.commands]) {
    command.exitOverride().configureOutput({
      outputError: (text, write) =>
        write(
          text.replace(/^error: /, "Error: ").trimEnd() +
            `\n\n  To see usage: caro ${usagePath(command)} --help\n`,
        ),
    });
  }
  return program;
}

function usagePath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ") || "";
}

/** Runs the CLI on `args` and returns the exit code; never throws. */
export async function runCli(args: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code)) {
        return 0;
      }
      if (error.code === "commander.executeSubCommandAsync") return error.exitCode;
      return 64;
    }
    const opts = program.opts<{ quiet?: boolean; color?: boolean }>();
    const out = new Output({ quiet: opts.quiet, color: opts.color });
    if (error instanceof SkillError || error instanceof Error) return reportError(error, out);
    return reportError(error, out);
  }
}
