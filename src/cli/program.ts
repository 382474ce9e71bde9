import { Command, CommanderError } from "commander";
import { SkillError } from "../errors/mod.ts";
import { CARO_VERSION } from "./version.ts";
import { contextOf } from "./context.ts";
import { Output } from "./output.ts";
import { reportError } from "./report.ts";
import type { CommandContext } from "./context.ts";

type Make = (ctx: CommandContext) => Command | Command[];

// Each command's module is loaded only when that command runs: importing them
// all cost ~250 ms of start-up (bench/context_bench.ts, bench/store_bench.ts).
// Help, typos and bare `caro` load every module so help and suggestions are whole.
const SKILL_COMMANDS: Record<string, () => Promise<Make>> = {
  validate: async () => (await import("./commands/skill_validate.ts")).validateCommand,
  init: async () => (await import("./commands/skill_init.ts")).initCommand,
  list: async () => (await import("./commands/skill_list.ts")).listCommand,
  info: async () => (await import("./commands/skill_info.ts")).infoCommand,
  add: async () => (await import("./commands/skill_add.ts")).addCommand,
  remove: async () => (await import("./commands/skill_remove.ts")).removeCommand,
  verify: async () => (await import("./commands/skill_verify.ts")).verifyCommand,
  update: async () => (await import("./commands/skill_update.ts")).updateCommand,
  enable: async () => (await import("./commands/skill_enable.ts")).enableCommands,
  disable: async () => (await import("./commands/skill_enable.ts")).enableCommands,
  test: async () => (await import("./commands/skill_test.ts")).testCommand,
  capabilities: async () => (await import("./commands/skill_capabilities.ts")).capabilitiesCommand,
  audit: async () => (await import("./commands/skill_audit.ts")).auditCommand,
  exec: async () => (await import("./commands/skill_exec.ts")).execCommand,
};

const TOP_COMMANDS: Record<string, () => Promise<Make>> = {
  context: async () => (await import("./commands/context.ts")).contextCommand,
  ask: async () => (await import("./commands/ask.ts")).askCommand,
  recipe: async () => (await import("./commands/recipe.ts")).recipeCommand,
};

/** Global options that take a value, to find the command words after them. */
const VALUED_GLOBALS = new Set(["--home", "--skills"]);

/** The command words of `args` (`["skill", "list"]`), skipping global options. */
function commandWords(args: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < 2; i++) {
    const arg = args[i];
    if (arg === "--") break;
    if (arg.startsWith("-")) {
      if (words.length === 0 && VALUED_GLOBALS.has(arg)) i++;
      if (words.length > 0) break;
      continue;
    }
    words.push(arg);
  }
  return words;
}

/**
 * Builds the `caro` command tree. With `args`, only the module of the command
 * they name is loaded; without (or for help and unknown commands), all are.
 */
export async function buildProgram(args?: readonly string[]): Promise<Command> {
  return (await buildCli(args)).program;
}

/** The command tree and the context its commands share. */
async function buildCli(
  args?: readonly string[],
): Promise<{ program: Command; ctx: CommandContext }> {
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

  const [first, second] = args ? commandWords(args) : [];
  const wantsHelp = args?.some((a) => a === "--help" || a === "-h") ?? true;
  const isVersion = args !== undefined && first === undefined &&
    args.some((a) => a === "--version" || a === "-V");
  const onlySkill = !wantsHelp && first === "skill" && second !== undefined &&
      second in SKILL_COMMANDS
    ? second
    : undefined;
  const onlyTop = !wantsHelp && first !== undefined && first in TOP_COMMANDS ? first : undefined;
  const loadAll = !isVersion && onlySkill === undefined && onlyTop === undefined;

  const skill = new Command("skill").description("Install, check and manage skills");
  const skillNames = loadAll ? Object.keys(SKILL_COMMANDS) : onlySkill ? [onlySkill] : [];
  const added = new Set<string>();
  for (const name of skillNames) {
    for (const command of [(await SKILL_COMMANDS[name]())(ctx)].flat()) {
      if (added.has(command.name())) continue;
      added.add(command.name());
      skill.addCommand(command);
    }
  }
  program.addCommand(skill);
  const topNames = loadAll ? Object.keys(TOP_COMMANDS) : onlyTop ? [onlyTop] : [];
  for (const name of topNames) {
    for (const command of [(await TOP_COMMANDS[name]())(ctx)].flat()) {
      program.addCommand(command);
    }
  }

  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const command of all(program)) {
    command.exitOverride().configureOutput({
      outputError: (text, write) =>
        write(
          text.replace(/^error: /, "Error: ").trimEnd() +
            `\n\n  To see usage: ${
              ["caro", usagePath(command)].filter(Boolean).join(" ")
            } --help\n`,
        ),
    });
  }
  return { program, ctx };
}

function usagePath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ") || "";
}

/** Runs the CLI on `args` and returns the exit code; never throws. */
export async function runCli(args: string[]): Promise<number> {
  const { program, ctx } = await buildCli(args);
  try {
    await program.parseAsync(args, { from: "user" });
    return ctx.exitCode;
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
