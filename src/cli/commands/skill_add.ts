import { Command, Option } from "commander";
import { SkillError } from "../../errors/mod.ts";
import type { CommandContext } from "../context.ts";
import { capabilityNames, dataFormatOption, openStore } from "./skill_list.ts";
import { installConsent } from "./skill_capabilities.ts";

interface AddOptions {
  path?: string;
  enable: boolean;
  force?: boolean;
  yes?: boolean;
  features?: string;
  defaultFeatures: boolean;
  format: string;
}

/**
 * `caro skill add PATH | --path PATH | file:///…` with `--no-enable`,
 * `--force`, `--yes`, `--features`, `--no-default-features`.
 */
export function addCommand(ctx: CommandContext): Command {
  return new Command("add")
    .description("Install a skill from a folder")
    .argument("[source]", "a skill folder: ./dir, /abs/dir or file:///dir")
    .option("--path <dir>", "install from this folder")
    .option("--no-enable", "install it disabled")
    .option("--force", "replace a locked skill whose content differs, or reinstall")
    .option(
      "-y, --yes",
      "grant the capabilities it requests without asking (not never_grant, nor always_confirm)",
    )
    .addOption(new Option("--features <list>", "features to turn on, comma separated"))
    .option("--no-default-features", "leave the skill's default features off")
    .addOption(dataFormatOption(["text", "json"]))
    .action(async (spec: string | undefined, options: AddOptions, command: Command) => {
      const out = ctx.output();
      const folder = folderOf(spec, options.path);
      const store = await openStore(ctx);
      const result = await store.install(folder, {
        spec: spec ?? options.path,
        // Only an explicit --no-enable overrides what --keep-config retained.
        enable: command.getOptionValueSource("enable") === "cli" ? options.enable : undefined,
        force: options.force,
        features: options.features?.split(/[\s,]+/).filter((f) => f !== ""),
        defaultFeatures: options.defaultFeatures,
        progress: (message) => out.progress(message),
        consent: await installConsent(ctx, store, {
          assumeYes: options.yes === true,
          yesCommand: `caro skill add ${spec ?? `--path ${options.path}`} --yes`,
        }),
      });
      for (const w of result.warnings) {
        out.diagnostic(`Warning: ${w.file}${w.line ? `:${w.line}` : ""} ${w.message}`);
      }
      if (options.format === "json") {
        out.json({
          ...result,
          grantedCapabilities: capabilityNames(result.granted),
          warnings: result.warnings.length,
        });
        return;
      }
      const c = out.colors;
      const state = result.enabled ? "enabled" : "disabled";
      if (result.status === "unchanged") {
        out.line(`${result.id} ${result.version} is already installed with the same content`);
      } else if (result.status === "replaced") {
        out.line(
          `${
            c.green("Replaced")
          } ${result.id} ${result.previousVersion} with ${result.version} (${state})`,
        );
      } else {
        out.line(`${c.green("Installed")} ${result.id} ${result.version} (${state})`);
      }
      out.line(`  path:      ${result.path}`);
      out.line(`  integrity: ${result.integrity}`);
      if (result.features.length > 0) out.line(`  features:  ${result.features.join(", ")}`);
      if (result.requestedCapabilities.length > 0) {
        const granted = capabilityNames(result.granted);
        out.line(
          `  requests:  ${result.requestedCapabilities.join(", ")}${
            granted.length === 0 ? " (none granted: what needs them is refused)" : ""
          }`,
        );
        if (granted.length > 0) out.line(`  granted:   ${granted.join(", ")}`);
      }
      for (const dep of result.missingOptional) {
        out.line(
          `  optional:  ${dep.id} ${dep.range} ${
            dep.installed ? `(${dep.installed} installed)` : "is not installed"
          }: caro skill add ${dep.id}`,
        );
      }
      if (!result.enabled) out.line(`  enable it: caro skill enable ${result.id}`);
    });
}

/** The local folder a source spec names; other source kinds are not installable here yet. */
function folderOf(spec: string | undefined, path: string | undefined): string {
  if (spec !== undefined && path !== undefined) {
    throw new SkillError("usage", "Give the skill either as an argument or with --path, not both", {
      hints: [{ to: "install a folder", run: `caro skill add --path ${path}` }],
    });
  }
  const chosen = spec ?? path;
  if (chosen === undefined) {
    throw new SkillError("usage", "Which skill? caro skill add needs a source", {
      hints: [{ to: "install a folder", run: "caro skill add ./my-skill" }],
    });
  }
  if (chosen.startsWith("file://")) {
    let url: URL;
    try {
      url = new URL(chosen);
    } catch (error) {
      throw new SkillError("usage", `${chosen} is not a valid file:// URL`, { cause: error });
    }
    return decodeURIComponent(url.pathname);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(chosen)) {
    throw new SkillError(
      "usage",
      `Cannot install ${chosen}: only local folders are supported here`,
      {
        why: "git, archive, OCI and registry sources are installed by their own source kinds",
        hints: [{ to: "install a local copy", run: "caro skill add ./path/to/skill" }],
      },
    );
  }
  return chosen;
}
