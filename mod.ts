/**
 * caro skills: the extension system of the caro terminal assistant, as a
 * library for Deno agents. Skills teach an assistant a domain: knowledge
 * packs injected into the model's prompt, guarded YAML recipes, and
 * sandboxed WebAssembly components.
 *
 * The map:
 * - **Manifests** ({@link parseManifest}, {@link validateManifest},
 *   {@link loadSkillFolder}, {@link validateSkillFolder}): `skill.toml` and
 *   AgentSkills `SKILL.md` read into one {@link SkillManifest}, with
 *   file:line:col findings.
 * - **Errors** ({@link SkillError}): one error type with a stable code, mapped
 *   to the CLI's exit codes.
 * - **Capabilities** ({@link CapabilitiesSchema}): what a skill requests and
 *   what the user granted.
 *
 * @example
 * ```ts
 * import { initSkill, loadSkillFolder } from "./mod.ts";
 * const parent = await Deno.makeTempDir();
 * await initSkill({ id: "custom.demo", dir: `${parent}/demo` });
 * const skill = await loadSkillFolder(`${parent}/demo`);
 * if (skill.manifest.id !== "custom.demo") throw new Error();
 * await Deno.remove(parent, { recursive: true });
 * ```
 *
 * @module
 */
export * from "./src/errors/mod.ts";
export * from "./src/manifest/mod.ts";
export {
  type Capabilities,
  CAPABILITY_NAMES,
  CAPABILITY_RISK,
  CapabilitiesSchema,
  type CapabilityName,
  noCapabilities,
  requestedCapabilityNames,
  type RiskLevel,
  type TerminalExec,
} from "./src/capability/schema.ts";
