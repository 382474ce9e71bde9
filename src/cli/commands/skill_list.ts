import { Command } from "commander";
import type { CommandContext } from "../context.ts";
import { formatOption, openStoreFor } from "../options.ts";
import { capabilityNames, printYaml, providesList, skillJson } from "../skill_view.ts";

/** `caro skill list [--format table|json|yaml] [--enabled-only] [--verbose]`. */
export function listCommand(ctx: CommandContext): Command {
  return new Command("list")
    .description("List installed and bundled skills")
    .addOption(formatOption(["table", "json", "yaml"]))
    .option("--enabled-only", "only enabled skills")
    .option("-v, --verbose", "more columns: source, topics, capabilities, path")
    .action(async (options: { format: string; enabledOnly?: boolean; verbose?: boolean }) => {
      const out = ctx.output();
      const { listSkills } = await import("../../ops/mod.ts");
      const skills = await listSkills(await openStoreFor(ctx), {
        enabledOnly: options.enabledOnly,
      });
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
