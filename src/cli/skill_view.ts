/**
 * How a skill is shown: the JSON shape of SPEC §9 shared by `skill list`,
 * `skill info` and `skill add`, and YAML output.
 *
 * @module
 */
import type { SkillIndexEntry } from "../store/mod.ts";
import type { Capabilities } from "../capability/mod.ts";
import type { Output } from "./output.ts";

/**
 * The JSON shape of one skill (SPEC §9: id, version, status, provides, capabilities, …).
 *
 * @example
 * ```ts
 * import { skillJson } from "./skill_view.ts";
 * import { CapabilitiesSchema } from "../capability/mod.ts";
 * const json = skillJson({
 *   id: "tool.jq", name: "jq", version: "1.0.0", description: "d", format: "skill.toml",
 *   source: "file:///x", path: "/x", enabled: true, bundled: false,
 *   provides: { knowledge: true, recipes: false, executable: false }, topics: [], keywords: [],
 *   synonyms: {}, priority: 50, maxContextTokens: 1000, contextFile: null, knowledgeFiles: [],
 *   recipeFiles: [], requestedCapabilities: CapabilitiesSchema.parse({}), dependencies: [],
 *   features: [], integrity: null, installed: null,
 * });
 * if (json.status !== "enabled" || (json.provides as string[])[0] !== "knowledge") throw new Error();
 * ```
 */
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
export function providesList(s: Pick<SkillIndexEntry, "provides">): string[] {
  return (["knowledge", "recipes", "executable"] as const).filter((k) => s.provides[k]);
}

/**
 * Names of the capabilities a set asks for (SPEC §6 order). Written here, not
 * taken from `capability/`, so that `caro skill list` does not load that module.
 */
export function capabilityNames(caps: Capabilities): string[] {
  const names: string[] = [];
  if (caps.terminal_exec?.allowed) names.push("terminal_exec");
  for (const name of ["filesystem_read", "filesystem_write", "network", "env_read"] as const) {
    if ((caps[name] ?? []).length > 0) names.push(name);
  }
  if (caps.secrets_access) names.push("secrets_access");
  return names;
}
