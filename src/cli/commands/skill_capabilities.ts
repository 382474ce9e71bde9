import { Command } from "commander";
import { SkillError } from "../../errors/mod.ts";
import type { Decision } from "../../capability/mod.ts";
import type { GrantChange, GrantRow } from "../../ops/mod.ts";
import type { CommandContext } from "../context.ts";
import { formatOption, openStoreFor } from "../options.ts";

interface CapabilitiesOptions {
  checkCommand?: string;
  checkPath?: string;
  write?: boolean;
  checkUrl?: string;
  format: string;
}

/**
 * `caro skill capabilities ID [grant|revoke CAP]` and the dry checks
 * `--check-command CMD`, `--check-path P [--write]`, `--check-url U`.
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import { contextOf } from "../context.ts";
 * import { capabilitiesCommand } from "./skill_capabilities.ts";
 * if (capabilitiesCommand(contextOf(new Command())).name() !== "capabilities") throw new Error();
 * ```
 */
export function capabilitiesCommand(ctx: CommandContext): Command {
  return new Command("capabilities")
    .description("Show, grant or revoke a skill's capabilities, or dry-check a use")
    .argument("<id>", "the skill id, e.g. cloud.aws")
    .argument("[action]", "grant or revoke")
    .argument("[capability]", "terminal_exec, filesystem_read, filesystem_write, network, …")
    .option("--check-command <command>", "would this command line be allowed? (grants nothing)")
    .option("--check-path <path>", "would reading this path be allowed? (grants nothing)")
    .option("--write", "with --check-path: check writing instead of reading")
    .option("--check-url <url>", "would reaching this URL be allowed? (grants nothing)")
    .addOption(formatOption(["text", "json"]))
    .addHelpText(
      "after",
      "\nGrants live in skills.lock. A grant covers what the skill's skill.toml requests.\n" +
        "config.toml [skills.capabilities] never_grant = [...] refuses a capability for good;\n" +
        "always_confirm = [...] makes `caro skill add --yes` ask on a terminal anyway.\n" +
        "Checks exit 0 when allowed and 3 when denied; each writes an audit.log line.",
    )
    .action(
      async (
        id: string,
        action: string | undefined,
        capability: string | undefined,
        options: CapabilitiesOptions,
      ) => {
        const ops = await import("../../ops/mod.ts");
        const store = await openStoreFor(ctx);
        await ops.skillInfo(store, id); // not_found (exit 1) with the nearest ids, first
        const isCheck = options.checkCommand !== undefined || options.checkPath !== undefined ||
          options.checkUrl !== undefined;
        if (action !== undefined) {
          if (isCheck) {
            throw new SkillError(
              "usage",
              "A check grants nothing: give either an action or --check-*",
              {
                hints: [{ to: "check only", run: `caro skill capabilities ${id} --check-…` }],
              },
            );
          }
          const change = await ops.changeGrant(store, id, action, capability);
          return printChange(ctx, change, options.format);
        }
        if (options.write && options.checkPath === undefined) {
          throw new SkillError("usage", "--write goes with --check-path", {
            hints: [{
              to: "check a write",
              run: `caro skill capabilities ${id} --check-path P --write`,
            }],
          });
        }
        if (isCheck) {
          await ops.checkGrants(store, id, {
            command: options.checkCommand,
            path: options.checkPath,
            write: options.write,
            url: options.checkUrl,
          }, (decisions) => printDecisions(ctx, id, decisions, options.format));
          return;
        }
        show(ctx, await ops.describeGrants(store, id), options.format);
      },
    );
}

function show(
  ctx: CommandContext,
  grants: { id: string; bundled: boolean; rows: GrantRow[] },
  format: string,
): void {
  const { id, bundled, rows } = grants;
  const out = ctx.output();
  if (format === "json") {
    return out.json({
      id,
      bundled,
      capabilities: rows.map(({ requestedText: _r, grantedText: _g, ...row }) => row),
    });
  }
  const c = out.colors;
  out.line(`${c.bold(id)}${bundled ? " (bundled with caro: trusted)" : ""}`);
  const table = [
    ["CAPABILITY", "RISK", "STATUS", "REQUESTED", "GRANTED"],
    ...rows.map((r) => [
      r.name,
      r.risk,
      r.status,
      r.requestedText ?? "-",
      r.grantedText ?? "-",
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) {
    out.line(
      `  ${row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i])).join("  ")}`,
    );
  }
  const missing = rows.find((r) => r.status === "not granted" || r.status === "partly granted");
  if (missing && !bundled) {
    out.progress(`Grant one with: caro skill capabilities ${id} grant ${missing.name}`);
  }
}

async function printChange(
  ctx: CommandContext,
  change: GrantChange,
  format: string,
): Promise<void> {
  const { capabilitySummary } = await import("../../capability/mod.ts");
  const { grantValue } = await import("../../ops/mod.ts");
  const { id, action, capability: name, after, note } = change;
  const out = ctx.output();
  if (format === "json") {
    return out.json({ id, action, capability: name, granted: grantValue(after, name) });
  }
  if (note) out.line(note);
  else if (action === "grant") {
    out.line(`${out.colors.green("Granted")} ${name} to ${id}: ${capabilitySummary(after, name)}`);
  } else out.line(`Revoked ${name} from ${id}`);
}

function printDecisions(
  ctx: CommandContext,
  id: string,
  decisions: Decision[],
  format: string,
): void {
  const out = ctx.output();
  if (format === "json") {
    out.json({ id, allowed: decisions.every((d) => d.allowed), checks: decisions });
    return;
  }
  const c = out.colors;
  for (const d of decisions) {
    out.line(`${d.allowed ? c.green("allowed") : c.red("denied")}  ${d.capability}  ${d.resource}`);
    out.line(`  ${d.reason}`);
  }
}
