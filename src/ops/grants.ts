/**
 * Grants: the one place a {@link CapabilityEnforcer} is built for a caro home
 * (grants from `skills.lock`, bundled `core.*` skills trusted with what they
 * request, the home's `audit.log` rotated at `config.toml` `[audit]
 * max_bytes`), the grant prompt of install and update, what a skill requests
 * and holds, `grant`/`revoke` with the `never_grant` rule, and dry checks.
 *
 * The capability module is imported on first call, so importing ops does not
 * load it.
 *
 * @module
 */
import { SkillError } from "../errors/mod.ts";
import type {
  AuditEntry,
  AuditLog,
  Capabilities,
  CapabilityEnforcer,
  CapabilityName,
  Decision,
  PathContext,
} from "../capability/mod.ts";
import type { Prompter } from "../terminal/mod.ts";
import {
  ALWAYS_ENABLED,
  type CaroHome,
  findEntry,
  type SkillStore,
  unknownSkill,
} from "../store/mod.ts";
import type { GrantRequest } from "./install.ts";

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
 * What `~`, `./`, `$CARO_PROJECT_ROOT` and `$CARO_CACHE` mean for a command of
 * this home: the one answer the enforcer judges with and the sandbox mounts
 * and exports, so a path is checked where it is used.
 *
 * @example
 * ```ts
 * import { pathContextFor } from "./grants.ts";
 * import { CaroHome } from "../store/mod.ts";
 * const paths = pathContextFor(new CaroHome("/h"), { cwd: "/work", projectRoot: "/work" });
 * if (paths.cacheDir !== "/h/cache" || paths.projectRoot !== "/work") throw new Error();
 * ```
 */
export function pathContextFor(
  home: CaroHome,
  options: { cwd?: string; projectRoot?: string } = {},
): PathContext {
  const cwd = options.cwd ?? Deno.cwd();
  return {
    home: Deno.env.get("HOME") ?? "/",
    projectRoot: options.projectRoot ?? Deno.env.get("CARO_PROJECT_ROOT") ?? cwd,
    cacheDir: home.cacheDir,
    cwd,
  };
}

/**
 * Builds the enforcer every caro command uses: each skill's grants from the
 * lock (read once, now), bundled skills' requests, and the home's audit log.
 *
 * @example
 * ```ts
 * import { enforcerFor, openStore } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const store = await openStore(`${root}/home`);
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
  return new CapabilityEnforcer({
    grants,
    auditLog: options.audit === false ? null : store.home.auditLog,
    auditMaxBytes: policy.auditMaxBytes,
    paths: pathContextFor(store.home, options),
  });
}

/**
 * The home's audit log, rotated at `config.toml` `[audit] max_bytes`, for
 * lines written outside a check (a command's outcome).
 *
 * @example
 * ```ts
 * import { auditLogFor } from "./mod.ts";
 * import { CaroHome } from "../store/mod.ts";
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

/** Options of {@link grantPrompt}. */
export interface GrantPromptOptions {
  /** Asks on the terminal (never without one). */
  prompter: Prompter;
  /** `--yes`: grant what is requested unless the policy says to ask or refuse. */
  assumeYes: boolean;
  /** The command that grants with `--yes`, for hints. */
  yesCommand: string;
  /** Where requests and notes are written (stderr in the CLI, even with --quiet). */
  write: (line: string) => void;
  /** Aborts a waiting prompt. */
  signal?: AbortSignal;
  /** `update` words a refusal as "Not updated" (default `install`). */
  operation?: "install" | "update";
}

/**
 * The capability prompt of `caro skill add` (and of `caro skill update` when a
 * new version requests more): a `consent` handler for {@link installSkill}
 * that applies the `config.toml` policy (`never_grant`, `always_confirm`) and
 * asks on the terminal.
 *
 * @example
 * ```ts
 * import { grantPrompt } from "./grants.ts";
 * import { CaroHome } from "../store/mod.ts";
 * import { CapabilitiesSchema } from "../capability/mod.ts";
 * import { NonInteractivePrompter } from "../terminal/mod.ts";
 * const consent = grantPrompt(new CaroHome("/nonexistent"), {
 *   prompter: new NonInteractivePrompter(),
 *   assumeYes: true,
 *   yesCommand: "caro skill add ./x --yes",
 *   write: () => {},
 * });
 * const requested = CapabilitiesSchema.parse({ env_read: ["LANG"] });
 * const granted = await consent({ id: "custom.x", version: "1.0.0", requested, previous: null });
 * if (granted.env_read[0] !== "LANG") throw new Error();
 * ```
 */
export function grantPrompt(
  home: CaroHome,
  options: GrantPromptOptions,
): (request: GrantRequest) => Promise<Capabilities> {
  return async (request) => {
    const { consentToCapabilities, readCapabilityPolicy } = await import("../capability/mod.ts");
    const result = await consentToCapabilities({
      skillId: request.id,
      version: request.version,
      requested: request.requested,
      previous: request.previous,
      policy: await readCapabilityPolicy(home.configFile),
      prompter: options.prompter,
      assumeYes: options.assumeYes,
      write: options.write,
      yesCommand: options.yesCommand,
      signal: options.signal,
      operation: options.operation,
    });
    return result.granted;
  };
}

/** One capability of {@link describeGrants}. */
export interface GrantRow {
  name: CapabilityName;
  risk: string;
  /** What the manifest requests, as data (null: nothing). */
  requested: unknown;
  /** What is granted, as data (null: nothing). */
  granted: unknown;
  /** `not requested`, `not granted`, `partly granted`, `granted`, … */
  status: string;
  /** The request in words, or null. */
  requestedText: string | null;
  /** The grant in words, or null. */
  grantedText: string | null;
}

/**
 * What a skill requests and holds, capability by capability (`caro skill
 * capabilities ID`).
 *
 * @throws {SkillError} `not_found` naming the nearest ids
 */
export async function describeGrants(
  store: SkillStore,
  id: string,
): Promise<{ id: string; bundled: boolean; rows: GrantRow[] }> {
  const { CAPABILITY_NAMES, CAPABILITY_RISK, capabilitySummary, covers, noCapabilities } =
    await import("../capability/mod.ts");
  const info = await store.info(id);
  const bundled = info.entry.bundled;
  const requested = info.entry.requestedCapabilities;
  // Bundled core.* skills ship inside caro: trusted with what they request.
  const granted = bundled ? requested : info.granted ?? noCapabilities();
  const rows = CAPABILITY_NAMES.map((name) => {
    const asked = capabilitySummary(requested, name);
    const given = capabilitySummary(granted, name);
    const status = asked === null
      ? given === null ? "not requested" : "granted (not requested)"
      : given === null
      ? "not granted"
      : covers(granted, requested, name)
      ? bundled ? "granted (bundled)" : "granted"
      : "partly granted";
    return {
      name,
      risk: CAPABILITY_RISK[name],
      requested: grantValue(requested, name),
      granted: grantValue(granted, name),
      status,
      requestedText: asked,
      grantedText: given,
    };
  });
  return { id, bundled, rows };
}

/**
 * A capability's value as data: null when nothing is requested or granted.
 *
 * @example
 * ```ts
 * import { grantValue } from "./grants.ts";
 * import { CapabilitiesSchema } from "../capability/mod.ts";
 * if (grantValue(CapabilitiesSchema.parse({}), "network") !== null) throw new Error();
 * ```
 */
export function grantValue(caps: Capabilities, name: CapabilityName): unknown {
  if (name === "terminal_exec") return caps.terminal_exec?.allowed ? caps.terminal_exec : null;
  if (name === "secrets_access") return caps.secrets_access ? true : null;
  return caps[name].length > 0 ? caps[name] : null;
}

/** What {@link changeGrant} did. */
export interface GrantChange {
  id: string;
  action: "grant" | "revoke";
  capability: CapabilityName;
  /** The grants before and after. */
  before: Capabilities;
  after: Capabilities;
  /** Set when nothing changed: why (`was not granted`, `was already granted`). */
  note?: string;
}

/**
 * `caro skill capabilities ID grant|revoke CAP`: changes what an installed
 * skill holds, kill-safely under the state lock. A grant covers only what the
 * skill requests, and never what `config.toml` `never_grant` lists — for the
 * CLI and the library alike.
 *
 * @throws {SkillError} `usage` (unknown action or capability, a bundled skill, a capability
 *   the skill does not request); `capability_denied` (never_grant); `not_found`
 */
export async function changeGrant(
  store: SkillStore,
  id: string,
  action: string,
  capability: string | undefined,
): Promise<GrantChange> {
  const {
    CAPABILITY_NAMES,
    capabilitySummary,
    covers,
    grantCapability,
    readCapabilityPolicy,
    revokeCapability,
  } = await import("../capability/mod.ts");
  const { didYouMean } = await import("../suggest/mod.ts");
  if (action !== "grant" && action !== "revoke") {
    throw new SkillError("usage", `Unknown action "${action}": use grant or revoke`, {
      hints: [
        { to: "grant one", run: `caro skill capabilities ${id} grant terminal_exec` },
        { to: "see its capabilities", run: `caro skill capabilities ${id}` },
      ],
    });
  }
  if (capability === undefined || !(CAPABILITY_NAMES as readonly string[]).includes(capability)) {
    const near = capability === undefined ? [] : didYouMean(capability, CAPABILITY_NAMES);
    throw new SkillError(
      "usage",
      capability === undefined
        ? `Which capability? caro skill capabilities ${id} ${action} needs one`
        : `"${capability}" is not a capability`,
      {
        why: `capabilities: ${CAPABILITY_NAMES.join(", ")}`,
        hints: (near.length > 0 ? near : ["terminal_exec"]).map((n) => ({
          to: `${action} ${n}`,
          run: `caro skill capabilities ${id} ${action} ${n}`,
        })),
      },
    );
  }
  const name = capability as CapabilityName;
  if (action === "grant") {
    const policy = await readCapabilityPolicy(store.home.configFile);
    if (policy.neverGrant.includes(name)) {
      throw new SkillError(
        "capability_denied",
        `Not granting ${name} to ${id}: config.toml forbids it`,
        {
          why: `[skills.capabilities] never_grant in ${store.home.configFile} lists ${name}`,
          hints: [{
            to: "allow it again",
            run: `remove ${name} from never_grant in ${store.home.configFile}`,
          }],
        },
      );
    }
  }
  let note: string | undefined;
  return await store.change(async ({ index, lock, commit }) => {
    const entry = findEntry(index, id);
    if (entry.bundled) {
      throw new SkillError(
        "usage",
        `Cannot change the grants of ${id}: it is bundled with caro`,
        {
          why: "bundled core.* skills ship inside caro and hold what they request",
          hints: id === ALWAYS_ENABLED
            ? [{ to: "leave it out of one run", run: `caro --skills=!${id} …` }]
            : [{ to: "turn it off", run: `caro skill disable ${id}` }],
        },
      );
    }
    const locked = lock.get(id);
    if (!locked) throw unknownSkill(id, lock.skills.keys());
    const before = locked.capabilities;
    const granted = structuredClone(before);
    const requested = entry.requestedCapabilities;
    let after: Capabilities;
    if (action === "revoke") {
      if (capabilitySummary(granted, name) === null) note = `${name} was not granted to ${id}`;
      after = revokeCapability(granted, name);
    } else {
      if (capabilitySummary(requested, name) === null) {
        throw new SkillError("usage", `${id} does not request ${name}`, {
          why: "a grant covers what the skill's [capabilities] request, nothing more",
          hints: [{ to: "see what it requests", run: `caro skill capabilities ${id}` }],
        });
      }
      if (covers(granted, requested, name)) note = `${name} was already granted to ${id}`;
      after = grantCapability(granted, requested, name);
    }
    lock.set({ ...locked, capabilities: after });
    await commit({ op: "update", skills: index.skills });
    return { id, action, capability: name, before, after, note };
  });
}

/** The uses {@link checkGrants} asks about; each is optional. */
export interface GrantChecks {
  /** A command line the skill would run. */
  command?: string;
  /** A path it would read (or write, with `write`). */
  path?: string;
  write?: boolean;
  /** A URL it would reach. */
  url?: string;
}

/**
 * Dry checks (`caro skill capabilities ID --check-*`): what the enforcer
 * decides for each use, audited, granting nothing.
 *
 * @throws {SkillError} `capability_denied` when any use is denied (after `report` saw them all)
 */
export async function checkGrants(
  store: SkillStore,
  id: string,
  checks: GrantChecks,
  report: (decisions: Decision[]) => void,
): Promise<Decision[]> {
  await store.info(id); // not_found (exit 1) with the nearest ids
  const enforcer = await enforcerFor(store);
  const decisions: Decision[] = [];
  if (checks.command !== undefined) {
    const { programs: _p, files: _f, ...decision } = await enforcer.checkCommand(
      id,
      checks.command,
    );
    decisions.push(decision);
  }
  if (checks.path !== undefined) {
    decisions.push(await enforcer.checkFilesystem(id, checks.path, checks.write === true));
  }
  if (checks.url !== undefined) decisions.push(await enforcer.checkNetwork(id, checks.url));
  report(decisions);
  const denied = decisions.filter((d) => !d.allowed);
  if (denied.length > 0) {
    throw new SkillError(
      "capability_denied",
      `${id} may not ${denied.map((d) => `${verb(d)} ${d.resource}`).join(", ")}`,
      {
        why: denied.map((d) => d.reason).join("\n"),
        hints: [{ to: "see what it is granted", run: `caro skill capabilities ${id}` }],
      },
    );
  }
  return decisions;
}

function verb(decision: Decision): string {
  switch (decision.capability) {
    case "terminal_exec":
      return "run";
    case "filesystem_write":
      return "write";
    case "filesystem_read":
      return "read";
    case "network":
      return "reach";
    default:
      return "use";
  }
}

/**
 * `caro skill audit [ID] [--since]`: the home's audit log (and its rotated
 * predecessor), oldest first.
 *
 * @example
 * ```ts
 * import { readAudit } from "./grants.ts";
 * import { CaroHome } from "../store/mod.ts";
 * if ((await readAudit(new CaroHome("/nonexistent"))).length !== 0) throw new Error();
 * ```
 */
export async function readAudit(
  home: CaroHome,
  filter: { skillId?: string; since?: Date } = {},
): Promise<AuditEntry[]> {
  const { readAuditLog } = await import("../capability/mod.ts");
  return await readAuditLog(home.auditLog, filter);
}
