/**
 * caro skills: the extension system of the caro terminal assistant, as a
 * library for Deno agents. Skills teach an assistant a domain: knowledge
 * packs injected into the model's prompt, guarded YAML recipes, and
 * sandboxed WebAssembly components.
 *
 * The map (each folder's own `mod.ts` documents it in full):
 * - **Operations** ({@link openStore}, {@link installSkill}, {@link updateSkills},
 *   {@link removeSkill}, {@link verifySkills}, {@link contextFor},
 *   {@link changeGrant}, {@link runRecipe}, {@link askForCommand}): what the CLI
 *   runs, with the same rules, for library callers.
 * - **Manifests** ({@link parseManifest}, {@link validateManifest},
 *   {@link loadSkillFolder}): `skill.toml` and AgentSkills `SKILL.md` read into
 *   one {@link SkillManifest}, with file:line:col findings.
 * - **Store** ({@link SkillStore}, {@link SkillLoader}, {@link CaroHome}):
 *   `$CARO_HOME`, the `skills.json` index, kill-safe commits under the state lock.
 * - **Lockfile** ({@link Lockfile}): `skills.lock`.
 * - **Trees** ({@link treeHash}, {@link walkTree}): folders on disk, the canonical
 *   tree hash of SPEC §4, safe paths for untrusted trees.
 * - **Config** ({@link readConfig}): `config.toml`, read once.
 * - **Sources**: folders, git and archives fetched safely into staging.
 * - **Capabilities** ({@link CapabilityEnforcer}, {@link analyzeCommand}): what a
 *   skill may do, checked by parsing shell, resolving paths and hosts; audited.
 * - **Context** ({@link ContextInjector}, {@link createContextInjector}): the
 *   knowledge a prompt needs, within a token budget.
 * - **Recipes** ({@link parseRecipe}, {@link RecipeExecutor}): guarded YAML
 *   workflows with gates, verification and rollback.
 * - **Agent** ({@link streamChat}, {@link readLlmConfig}): the model side of
 *   `caro ask`, an OpenAI-compatible endpoint.
 * - **Edges** ({@link SystemRunner}, {@link MockRunner}, {@link createPrompter}):
 *   processes and the terminal, passed into operations.
 * - **Errors** ({@link SkillError}): one error type with a stable code, mapped
 *   to the CLI's exit codes.
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
export * from "./src/config/mod.ts";
export * from "./src/tree/mod.ts";
export * from "./src/manifest/mod.ts";
export * from "./src/store/mod.ts";
export * from "./src/lockfile/mod.ts";
export * from "./src/sources/mod.ts";
export * from "./src/capability/mod.ts";
export * from "./src/context/mod.ts";
export * from "./src/recipe/mod.ts";
export * from "./src/agent/mod.ts";
export * from "./src/process/mod.ts";
export * from "./src/terminal/mod.ts";
export * from "./src/ops/mod.ts";
