/**
 * The one place a {@link CapabilityEnforcer} is built for a caro home: grants
 * from `skills.lock` (bundled `core.*` skills trusted with what they request),
 * the home's `audit.log`, rotated at `config.toml` `[audit] max_bytes`.
 *
 * The capability module is imported on first call, so importing the store
 * does not load it (nor zod).
 *
 * @module
 */
import type { AuditLog, Capabilities, CapabilityEnforcer } from "../capability/mod.ts";
import type { CaroHome } from "./home.ts";
import type { SkillStore } from "./store.ts";

/** Options of {@link enforcerFor}. */
export interface EnforcerForOptions {
  /** The working directory `./` means (default `Deno.cwd()`). */
  cwd?: string;
  /** `$CARO_PROJECT_ROOT` (default the variable, else `cwd`). */
  projectRoot?: string;
  /** Grants that replace the store's for these ids (a dry run with other grants). */
  override?: ReadonlyMap<string, Capabilities>;
  /** Write the checks to the home's audit.log (default true). */
  audit?: boolean;
}

/**
 * Builds the enforcer every caro command uses: each skill's grants from the
 * lock (read once, now), bundled skills' requests, and the home's audit log.
 *
 * @example
 * ```ts
 * import { enforcerFor, SkillStore } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const store = await SkillStore.open(`${root}/home`);
 * const enforcer = await enforcerFor(store, { cwd: root });
 * // An id that is not installed holds nothing.
 * if ((await enforcer.checkEnv("custom.nobody", "HOME")).allowed) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function enforcerFor(
  store: Pick<SkillStore, "home" | "grants">,
  options: EnforcerForOptions = {},
): Promise<CapabilityEnforcer> {
  const { CapabilityEnforcer, readCapabilityPolicy } = await import("../capability/mod.ts");
  const grants = await store.grants();
  for (const [id, caps] of options.override ?? []) grants.set(id, caps);
  const policy = await readCapabilityPolicy(store.home.configFile);
  const cwd = options.cwd ?? Deno.cwd();
  return new CapabilityEnforcer({
    grants,
    auditLog: options.audit === false ? null : store.home.auditLog,
    auditMaxBytes: policy.auditMaxBytes,
    paths: {
      home: Deno.env.get("HOME") ?? "/",
      projectRoot: options.projectRoot ?? Deno.env.get("CARO_PROJECT_ROOT") ?? cwd,
      cacheDir: store.home.cacheDir,
      cwd,
    },
  });
}

/**
 * The home's audit log, rotated at `config.toml` `[audit] max_bytes`, for
 * lines written outside a check (a command's outcome).
 *
 * @example
 * ```ts
 * import { auditLogFor, CaroHome } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const log = await auditLogFor(new CaroHome(root));
 * await log.append({
 *   timestamp: new Date().toISOString(), skill_id: "custom.x", capability: "terminal_exec",
 *   resource: "ls", result: "allowed", user_confirmed: true, execution_result: "exit 0",
 * });
 * if (!(await Deno.readTextFile(`${root}/audit.log`)).includes('"custom.x"')) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function auditLogFor(home: CaroHome): Promise<AuditLog> {
  const { AuditLog, readCapabilityPolicy } = await import("../capability/mod.ts");
  const policy = await readCapabilityPolicy(home.configFile);
  return new AuditLog(home.auditLog, { maxBytes: policy.auditMaxBytes });
}
