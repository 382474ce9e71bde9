import { Command, Option } from "commander";
import type { CommandContext } from "../context.ts";
import type { SourceFlags } from "../../sources/mod.ts";
import { formatOption, openStoreFor } from "../options.ts";
import { capabilityNames } from "../skill_view.ts";
import { installConsent } from "../grant_prompt.ts";
import { progressReporter } from "../progress.ts";

interface AddOptions extends SourceFlags {
  insecure?: boolean;
  enable: boolean;
  force?: boolean;
  yes?: boolean;
  features?: string;
  defaultFeatures: boolean;
  format: string;
}

/**
 * `caro skill add SPEC` (SPEC §5: a folder, `git+https://…#ref[:subdir]`, an archive URL,
 * `oci://…`, `ns.name[@range]`) or `--path`, `--git URL --ref REF --subdir DIR`, `--url`,
 * `--oci`, with `--insecure`, `--no-enable`, `--force`, `--yes`, `--features`,
 * `--no-default-features`.
 */
export function addCommand(ctx: CommandContext): Command {
  return new Command("add")
    .description("Install a skill from a folder, a git repository or an archive URL")
    .argument(
      "[source]",
      "./dir, /abs/dir, file:///dir, git+https://host/repo[#ref[:subdir]], https://…/x.tgz[#sha256=HEX]",
    )
    .option("--path <dir>", "install from this folder")
    .option("--git <url>", "install from this git repository")
    .option("--ref <ref>", "with --git: a tag, branch or commit (default: the default branch)")
    .option("--subdir <dir>", "with --git: the skill's folder inside the repository")
    .option("--url <url>", "install from this archive (.tgz, .tar.gz, .tar, .zip)")
    .option("--oci <ref>", "install from an OCI registry (not available yet)")
    .option("--insecure", "allow plain http:// to hosts other than this machine")
    .option("--no-enable", "install it disabled")
    .option("--force", "replace a locked skill whose content differs, or reinstall")
    .option(
      "-y, --yes",
      "grant the capabilities it requests without asking (not never_grant, nor always_confirm)",
    )
    .addOption(new Option("--features <list>", "features to turn on, comma separated"))
    .option("--no-default-features", "leave the skill's default features off")
    .addOption(formatOption(["text", "json"]))
    .action(async (spec: string | undefined, options: AddOptions, command: Command) => {
      const out = ctx.output();
      const store = await openStoreFor(ctx);
      const { installSkill } = await import("../../ops/mod.ts");
      const { formatFetchProgress } = await import("../../sources/mod.ts");
      const bar = progressReporter(out, formatFetchProgress);
      let result;
      try {
        result = await installSkill(store, spec, {
          flags: {
            path: options.path,
            git: options.git,
            ref: options.ref,
            subdir: options.subdir,
            url: options.url,
            oci: options.oci,
          },
          insecure: options.insecure,
          onFetchProgress: bar.report,
          // Only an explicit --no-enable overrides what --keep-config retained.
          enable: command.getOptionValueSource("enable") === "cli" ? options.enable : undefined,
          force: options.force,
          features: options.features?.split(/[\s,]+/).filter((f) => f !== ""),
          defaultFeatures: options.defaultFeatures,
          progress: (message) => {
            bar.end();
            out.progress(message);
          },
          // The grant prompt (SPEC §6), before anything changes.
          consent: installConsent(ctx, store.home, {
            assumeYes: options.yes === true,
            yesCommand: ["caro skill add", spec, ...sourceFlags(options), "--yes"]
              .filter((part) => part !== undefined).join(" "),
          }),
        });
      } finally {
        bar.end();
      }
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
      out.line(`  source:    ${result.source}${result.fromCache ? " (from cache)" : ""}`);
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

/** The source flags as typed, for the `--yes` hint of the grant prompt. */
function sourceFlags(options: AddOptions): string[] {
  const flags: string[] = [];
  for (const key of ["path", "git", "ref", "subdir", "url", "oci"] as const) {
    const value = options[key];
    if (value !== undefined) flags.push(`--${key} ${value}`);
  }
  return flags;
}
