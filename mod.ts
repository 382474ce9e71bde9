/**
 * caro skills: the extension system of the caro terminal assistant, as a
 * library for Deno agents. Skills teach an assistant a domain: knowledge
 * packs injected into the model's prompt, guarded YAML recipes, and
 * sandboxed WebAssembly components.
 *
 * The map (each concept's own `mod.ts` documents it in full):
 * - **Manifests** ({@link parseManifest}, {@link validateManifest},
 *   {@link loadSkillFolder}): `skill.toml` and AgentSkills `SKILL.md` read into
 *   one {@link SkillManifest}, with file:line:col findings.
 * - **Store** ({@link SkillStore}, {@link SkillLoader}, {@link CaroHome}):
 *   `$CARO_HOME`, kill-safe install/remove/enable/verify, the `skills.json` index.
 * - **Lockfile** ({@link Lockfile}, {@link treeHash}): `skills.lock` and the
 *   canonical tree hash of SPEC §4.
 * - **Sources**: folders, git and archives fetched safely into staging.
 * - **Capabilities** ({@link CapabilityEnforcer}, {@link analyzeCommand}): what a
 *   skill may do, checked by parsing shell, resolving paths and hosts; audited.
 * - **Context** ({@link ContextInjector}, {@link openContextInjector}): the
 *   knowledge a prompt needs, within a token budget.
 * - **Recipes** ({@link parseRecipe}, {@link RecipeExecutor}): guarded YAML
 *   workflows with gates, verification and rollback.
 * - **Agent** ({@link askForCommand}): the `caro ask` loop against an
 *   OpenAI-compatible endpoint.
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
