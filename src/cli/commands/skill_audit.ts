import { Command } from "commander";
import { SkillError } from "../../errors/mod.ts";
import { CaroHome } from "../../store/mod.ts";
import type { CommandContext } from "../context.ts";
import { formatOption } from "../options.ts";

const UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * The start time of `--since`: a duration back from `now` (`90s`, `30m`,
 * `12h`, `7d`, `2w`) or an RFC 3339 time.
 *
 * @throws {SkillError} `usage` for anything else
 * @example
 * ```ts
 * import { parseSince } from "./skill_audit.ts";
 * const now = Date.parse("2026-11-25T08:00:00Z");
 * if (parseSince("30m", now).toISOString() !== "2026-11-25T07:30:00.000Z") throw new Error();
 * if (parseSince("2026-11-24T00:00:00Z").getTime() !== Date.parse("2026-11-24T00:00:00Z")) {
 *   throw new Error();
 * }
 * ```
 */
export function parseSince(value: string, now = Date.now()): Date {
  const duration = /^(\d+)([smhdw])$/.exec(value.trim());
  if (duration) return new Date(now - Number(duration[1]) * UNITS[duration[2]]);
  if (
    /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$/.test(value)
  ) {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return new Date(time);
  }
  throw new SkillError("usage", `--since ${value} is neither a duration nor an RFC 3339 time`, {
    why:
      "durations are a number and s, m, h, d or w (30m, 12h, 7d); times look like 2026-11-25T08:00:00Z",
    hints: [{ to: "see the last day", run: "caro skill audit --since 1d" }],
  });
}

/**
 * `caro skill audit [ID] [--since DURATION|RFC3339] [--format table|json]`.
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import { contextOf } from "../context.ts";
 * import { auditCommand } from "./skill_audit.ts";
 * if (auditCommand(contextOf(new Command())).name() !== "audit") throw new Error();
 * ```
 */
export function auditCommand(ctx: CommandContext): Command {
  return new Command("audit")
    .description("Show the capability checks in audit.log (and its rotated audit.log.1)")
    .argument("[id]", "only this skill's entries")
    .option(
      "--since <when>",
      "only entries since a duration ago (30m, 12h, 7d) or an RFC 3339 time",
    )
    .addOption(formatOption(["table", "json"]))
    .action(async (id: string | undefined, options: { since?: string; format: string }) => {
      const out = ctx.output();
      const since = options.since === undefined ? undefined : parseSince(options.since);
      const home = CaroHome.resolve(ctx.globals().home);
      const { readAudit } = await import("../../ops/mod.ts");
      const entries = await readAudit(home, { skillId: id, since });
      if (options.format === "json") return out.json({ entries });
      if (entries.length === 0) {
        out.line(
          `No audit entries${id ? ` for ${id}` : ""}${
            options.since ? ` since ${options.since}` : ""
          }.`,
        );
        out.progress(`The log: ${home.auditLog}`);
        return;
      }
      const c = out.colors;
      const rows = entries.map((e) => [
        e.timestamp.replace(/\.\d+Z$/, "Z"),
        e.skill_id,
        e.capability,
        e.result === "allowed" ? "allowed" : "denied",
        e.user_confirmed === true ? "yes" : e.user_confirmed === false ? "no" : "-",
        e.execution_result === null ? "-" : String(e.execution_result),
        e.resource.replace(/\s+/g, " "),
      ]);
      const head = ["TIME", "SKILL", "CAPABILITY", "RESULT", "CONFIRMED", "OUTCOME", "RESOURCE"];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (row: string[]) =>
        row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ");
      out.line(c.bold(line(head)));
      for (const row of rows) {
        const text = line(row);
        out.line(row[3] === "denied" ? text.replace(/ denied /, ` ${c.red("denied")} `) : text);
      }
      const denied = entries.filter((e) => e.result === "denied").length;
      out.progress(`${entries.length} entr${entries.length === 1 ? "y" : "ies"}, ${denied} denied`);
    });
}
