import { Command } from "commander";
import type { CommandContext } from "../context.ts";
import { formatOption, openStoreFor } from "../options.ts";
import { capabilityNames, printYaml, providesList, skillJson } from "../skill_view.ts";

/** `caro skill info ID [--format text|json|yaml]`. */
export function infoCommand(ctx: CommandContext): Command {
  return new Command("info")
    .description("Show one skill: version, source, topics, capabilities, dependencies")
    .argument("<id>", "the skill id, e.g. core.shell")
    .addOption(formatOption(["text", "json", "yaml"]))
    .action(async (id: string, options: { format: string }) => {
      const out = ctx.output();
      const { skillInfo } = await import("../../ops/mod.ts");
      const info = await skillInfo(await openStoreFor(ctx), id);
      const s = info.entry;
      const granted = info.granted ? capabilityNames(info.granted) : [];
      const data = {
        ...skillJson(s),
        grantedCapabilities: granted,
        requestedCapabilities: s.requestedCapabilities,
        synonyms: s.synonyms,
        priority: s.priority,
        maxContextTokens: s.maxContextTokens,
        contextFile: s.contextFile,
        knowledgeFiles: s.knowledgeFiles,
        recipeFiles: s.recipeFiles,
        dependents: info.dependents,
      };
      if (options.format === "json") return out.json(data);
      if (options.format === "yaml") return await printYaml(out, data);
      const c = out.colors;
      const requested = capabilityNames(s.requestedCapabilities);
      const rows: Array<[string, string]> = [
        ["Name", s.name],
        ["Version", s.version],
        ["Status", s.enabled ? c.green("enabled") : c.dim("disabled")],
        ["Source", s.bundled ? "bundled with caro" : s.source],
        ["Path", s.path],
        ["Description", s.description],
        ["Provides", providesList(s).join(", ") || "-"],
        ["Topics", s.topics.join(", ") || "-"],
        ["Keywords", s.keywords.join(", ") || "-"],
        ["Priority", String(s.priority)],
        ["Features", s.features.join(", ") || "-"],
        [
          "Dependencies",
          s.dependencies.map((d) => `${d.id} ${d.range}${d.optional ? " (optional)" : ""}`)
            .join(", ") || "-",
        ],
        ["Dependents", info.dependents.join(", ") || "-"],
        ["Requests", requested.join(", ") || "nothing"],
        ["Granted", s.bundled ? "(bundled)" : granted.join(", ") || "nothing"],
      ];
      if (!s.bundled) {
        rows.push(["Integrity", s.integrity ?? "-"], ["Installed", s.installed ?? "-"]);
      }
      out.line(`${c.bold(s.id)}`);
      for (const [key, value] of rows) out.line(`  ${`${key}:`.padEnd(14)}${value}`);
    });
}
