import { Command, Option } from "commander";
import { CaroHome, type SkillIndexEntry, SkillStore } from "../../store/mod.ts";
import type { Capabilities } from "../../capability/schema.ts";
import { CARO_VERSION } from "../version.ts";
import type { CommandContext } from "../context.ts";
import type { Output } from "../output.ts";

/** Opens the store of `--home` / `$CARO_HOME` / `~/.caro`, reporting on stderr. */
export async function openStore(ctx: CommandContext): Promise<SkillStore> {
  const out = ctx.output();
  return await SkillStore.open(CaroHome.resolve(ctx.globals().home), {
    announce: (message) => out.progress(message),
    warn: (message) => out.diagnostic(`Warning: ${message}`),
    caroVersion: CARO_VERSION,
  });
}

/** A `--format` option limited to `choices`, defaulting to the first. */
export function dataFormatOption(choices: string[]): Option {
  return new Option("--format <format>", "output format").choices(choices).default(choices[0]);
}

/** `caro skill list [--format table|json|yaml] [--enabled-only] [--verbose]`. */
export function listCommand(ctx: CommandContext): Command {
  return new Command("list")
    .description("List installed and bundled skills")
    .addOption(dataFormatOption(["table", "json", "yaml"]))
    .option("--enabled-only", "only enabled skills")
    .option("-v, --verbose", "more columns: source, topics, capabilities, path")
    .action(async (options: { format: string; enabledOnly?: boolean; verbose?: boolean }) => {
      const out = ctx.output();
      const store = await openStore(ctx);
      const skills = (await store.list()).filter((s) => !options.enabledOnly || s.enabled);
      if (options.format === "json") return out.json({ skills: skills.map(skillJson) });
      if (options.format === "yaml") return await printYaml(out, { skills: skills.map(skillJson) });
      if (skills.length === 0) {
        out.line("No skills installed.");
        out.line("Install one with: caro skill add ./path/to/skill");
        return;
      }
      const c = out.colors;
      const head = ["ID", "VERSION", "STATUS", "PROVIDES", "SOURCE"];
      if (options.verbose) head.push("CAPABILITIES", "TOPICS", "PATH");
      const rows = skills.map((s) => {
        const row = [
          s.id,
          s.version,
          s.enabled ? "enabled" : "disabled",
          providesList(s).join(", ") || "-",
          s.bundled ? "bundled" : s.source,
        ];
        if (options.verbose) {
          row.push(
            capabilityNames(s.requestedCapabilities).join(", ") || "-",
            s.topics.join(", ") || "-",
            s.path,
          );
        }
        return row;
      });
      const paint = (row: string[]) =>
        row.map((cell, i) => i !== 2 ? cell : cell === "enabled" ? c.green(cell) : c.dim(cell));
      out.line(
        rows.length <= BOXED_ROWS
          ? await boxed(head.map((h) => c.bold(h)), rows.map(paint))
          : columns(head, rows, c.bold),
      );
      const enabled = skills.filter((s) => s.enabled).length;
      out.progress(`${skills.length} skill(s), ${enabled} enabled`);
    });
}

/**
 * Up to this many rows are drawn with cli-table3; more as plain columns,
 * because cli-table3 takes ~250 ms for 1,000 rows (bench/store_bench.ts).
 */
const BOXED_ROWS = 200;

async function boxed(head: string[], rows: string[][]): Promise<string> {
  const { default: Table } = await import("cli-table3");
  const table = new Table({
    head,
    style: { head: [], border: [], compact: true },
    chars: { "mid": "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  table.push(...rows);
  return table.toString();
}

/** Plain left-aligned columns, two spaces apart (ids and versions are ASCII). */
function columns(head: string[], rows: string[][], bold: (s: string) => string): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (row: string[], style = (s: string) => s) =>
    row.map((cell, i) => (i === row.length - 1 ? style(cell) : style(cell.padEnd(widths[i]))))
      .join("  ");
  return [line(head, bold), ...rows.map((r) => line(r))].join("\n");
}

/** The JSON shape of one skill (SPEC §9: id, version, status, provides, capabilities, …). */
export function skillJson(s: SkillIndexEntry): Record<string, unknown> {
  return {
    id: s.id,
    version: s.version,
    status: s.enabled ? "enabled" : "disabled",
    provides: providesList(s),
    capabilities: capabilityNames(s.requestedCapabilities),
    name: s.name,
    description: s.description,
    bundled: s.bundled,
    source: s.source,
    path: s.path,
    topics: s.topics,
    keywords: s.keywords,
    features: s.features,
    dependencies: s.dependencies,
    integrity: s.integrity,
    installed: s.installed,
  };
}

/** Prints a value as YAML on stdout (the yaml package loads only here). */
export async function printYaml(out: Output, value: unknown): Promise<void> {
  const { stringify } = await import("yaml");
  out.line(stringify(value).trimEnd());
}

/** `["knowledge", "recipes", …]` of what a skill provides. */
export function providesList(s: SkillIndexEntry): string[] {
  return (["knowledge", "recipes", "executable"] as const).filter((k) => s.provides[k]);
}

/** Names of the capabilities a set asks for (SPEC §6 order). */
export function capabilityNames(caps: Capabilities): string[] {
  const names: string[] = [];
  if (caps.terminal_exec?.allowed) names.push("terminal_exec");
  for (const name of ["filesystem_read", "filesystem_write", "network", "env_read"] as const) {
    if ((caps[name] ?? []).length > 0) names.push(name);
  }
  if (caps.secrets_access) names.push("secrets_access");
  return names;
}
