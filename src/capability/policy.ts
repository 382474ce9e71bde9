/**
 * The user's capability policy from `config.toml` (SPEC §6, §9):
 *
 * ```toml
 * [skills.capabilities]
 * always_confirm = ["terminal_exec"]   # --yes does not grant these: a person must say y
 * never_grant = ["secrets_access"]     # never granted, not even with --yes or `grant`
 *
 * [audit]
 * max_bytes = 10485760                 # rotate audit.log to audit.log.1 past this size
 * ```
 *
 * Entries are capability names; a risk level (`low`, `medium`, `high`,
 * `critical`) stands for every capability of that risk.
 *
 * @module
 */
import { SkillError } from "../errors/mod.ts";
import { readConfig } from "../config/mod.ts";
import { didYouMean } from "../suggest/mod.ts";
import { DEFAULT_AUDIT_MAX_BYTES } from "./audit_log.ts";
import {
  CAPABILITY_NAMES,
  CAPABILITY_RISK,
  type CapabilityName,
  type RiskLevel,
} from "./schema.ts";

/** What `config.toml` says about capabilities. */
export interface CapabilityPolicy {
  /** Capabilities that `--yes` does not grant: only a `y` typed on a terminal does. */
  alwaysConfirm: CapabilityName[];
  /** Capabilities never granted to any installed skill (wins over everything). */
  neverGrant: CapabilityName[];
  /** Size past which `audit.log` is rotated (`[audit] max_bytes`). */
  auditMaxBytes: number;
}

const RISKS: readonly RiskLevel[] = ["low", "medium", "high", "critical"];

/**
 * The policy when `config.toml` says nothing: no extra confirmations, nothing
 * banned, the default audit log size.
 *
 * @example
 * ```ts
 * import { defaultCapabilityPolicy } from "./policy.ts";
 * if (defaultCapabilityPolicy().neverGrant.length !== 0) throw new Error();
 * ```
 */
export function defaultCapabilityPolicy(): CapabilityPolicy {
  return { alwaysConfirm: [], neverGrant: [], auditMaxBytes: DEFAULT_AUDIT_MAX_BYTES };
}

/**
 * Reads the policy from parsed `config.toml` data (any other keys are ignored).
 *
 * @param file shown in errors
 * @throws {SkillError} `validation` for a wrong type or an unknown capability name
 * @example
 * ```ts
 * import { policyFromConfig } from "./policy.ts";
 * const policy = policyFromConfig({
 *   skills: { capabilities: { always_confirm: ["high"], never_grant: ["secrets_access"] } },
 *   audit: { max_bytes: 4096 },
 * });
 * if (policy.alwaysConfirm.join() !== "terminal_exec,filesystem_write") throw new Error();
 * if (policy.neverGrant.join() !== "secrets_access" || policy.auditMaxBytes !== 4096) {
 *   throw new Error();
 * }
 * ```
 */
export function policyFromConfig(data: unknown, file = "config.toml"): CapabilityPolicy {
  const policy = defaultCapabilityPolicy();
  const root = asTable(data, "(top)", file) ?? {};
  const skills = asTable(root.skills, "[skills]", file);
  const caps = asTable(skills?.capabilities, "[skills.capabilities]", file);
  if (caps) {
    policy.alwaysConfirm = nameList(caps.always_confirm, "always_confirm", file);
    policy.neverGrant = nameList(caps.never_grant, "never_grant", file);
  }
  const audit = asTable(root.audit, "[audit]", file);
  if (audit?.max_bytes !== undefined) {
    const value = audit.max_bytes;
    const n = typeof value === "bigint" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1024) {
      throw invalid(file, "[audit] max_bytes must be an integer of at least 1024");
    }
    policy.auditMaxBytes = n;
  }
  return policy;
}

/**
 * Reads the policy from `config.toml`; a missing file is the default policy.
 *
 * @throws {SkillError} `validation` when the file is not TOML or the policy is wrong;
 *   `io` when it cannot be read
 * @example
 * ```ts
 * import { readCapabilityPolicy } from "./policy.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/config.toml`, '[skills.capabilities]\nnever_grant = ["network"]\n');
 * const policy = await readCapabilityPolicy(`${dir}/config.toml`);
 * if (policy.neverGrant[0] !== "network") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readCapabilityPolicy(configFile: string): Promise<CapabilityPolicy> {
  const config = await readConfig(configFile);
  return policyFromConfig(config.data, config.file);
}

function asTable(
  value: unknown,
  where: string,
  file: string,
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalid(file, `${where} must be a table`);
  }
  return value as Record<string, unknown>;
}

function nameList(value: unknown, key: string, file: string): CapabilityName[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw invalid(file, `[skills.capabilities] ${key} must be a list of capability names`);
  }
  const names = new Set<CapabilityName>();
  for (const entry of value as string[]) {
    if ((RISKS as readonly string[]).includes(entry)) {
      for (const name of CAPABILITY_NAMES) if (CAPABILITY_RISK[name] === entry) names.add(name);
    } else if ((CAPABILITY_NAMES as readonly string[]).includes(entry)) {
      names.add(entry as CapabilityName);
    } else {
      const near = didYouMean(entry, [...CAPABILITY_NAMES, ...RISKS]);
      throw invalid(
        file,
        `[skills.capabilities] ${key}: "${entry}" is not a capability` +
          (near.length > 0 ? ` (did you mean ${near.join(", ")}?)` : ""),
      );
    }
  }
  return CAPABILITY_NAMES.filter((n) => names.has(n));
}

function invalid(file: string, why: string): SkillError {
  return new SkillError("validation", `${file} has an invalid capability setting`, {
    why,
    hints: [
      {
        to: "use capability names or risk levels",
        run: `${CAPABILITY_NAMES.join(", ")}; ${RISKS.join(", ")}`,
      },
      { to: "fix it", run: `$EDITOR ${file}` },
    ],
  });
}
