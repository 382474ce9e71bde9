import { z } from "zod";

/** `terminal_exec = { allowed, commands, blocked }` of SPEC §2. */
export const TerminalExecSchema = z.object({
  /** Whether the skill may run commands at all. */
  allowed: z.boolean().default(false),
  /** Allowlist of program names; empty means every program. */
  commands: z.array(z.string().min(1)).default([]),
  /** Denylist of program names; wins over the allowlist. */
  blocked: z.array(z.string().min(1)).default([]),
});

/**
 * The `[capabilities]` table of `skill.toml` (what a skill requests) and of
 * `[skills.capabilities]` in `skills.lock` (what the user granted): one format
 * for both, so a grant is always a subset of the same shape.
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema } from "./schema.ts";
 * const caps = CapabilitiesSchema.parse({ network: ["*.amazonaws.com"] });
 * if (caps.secrets_access !== false || caps.terminal_exec !== undefined) throw new Error();
 * ```
 */
export const CapabilitiesSchema = z.object({
  terminal_exec: TerminalExecSchema.optional(),
  filesystem_read: z.array(z.string().min(1)).default([]),
  filesystem_write: z.array(z.string().min(1)).default([]),
  network: z.array(z.string().min(1)).default([]),
  env_read: z.array(z.string().min(1)).default([]),
  secrets_access: z.boolean().default(false),
});

/** Requested or granted capabilities of one skill. */
export type Capabilities = z.infer<typeof CapabilitiesSchema>;

/** `terminal_exec` settings. */
export type TerminalExec = z.infer<typeof TerminalExecSchema>;

/** The name of one capability. */
export type CapabilityName =
  | "terminal_exec"
  | "filesystem_read"
  | "filesystem_write"
  | "network"
  | "env_read"
  | "secrets_access";

/** How dangerous a capability is (SPEC §6). */
export type RiskLevel = "low" | "medium" | "high" | "critical";

/** Risk of each capability, from SPEC §6. */
export const CAPABILITY_RISK: Readonly<Record<CapabilityName, RiskLevel>> = {
  terminal_exec: "high",
  filesystem_read: "medium",
  filesystem_write: "high",
  network: "medium",
  env_read: "low",
  secrets_access: "critical",
};

/** Every capability name, in SPEC §6 order. */
export const CAPABILITY_NAMES: readonly CapabilityName[] = Object.keys(
  CAPABILITY_RISK,
) as CapabilityName[];

/**
 * Capabilities that grant nothing: the safe default (SPEC §6).
 *
 * @example
 * ```ts
 * import { noCapabilities } from "./schema.ts";
 * if (noCapabilities().network.length !== 0) throw new Error();
 * ```
 */
export function noCapabilities(): Capabilities {
  return CapabilitiesSchema.parse({});
}

/**
 * The names of the capabilities a set actually asks for (non-empty lists,
 * `terminal_exec.allowed`, `secrets_access`).
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema, requestedCapabilityNames } from "./schema.ts";
 * const caps = CapabilitiesSchema.parse({ terminal_exec: { allowed: true }, env_read: ["AWS_*"] });
 * const names = requestedCapabilityNames(caps);
 * if (names.join() !== "terminal_exec,env_read") throw new Error(names.join());
 * ```
 */
export function requestedCapabilityNames(caps: Capabilities): CapabilityName[] {
  return CAPABILITY_NAMES.filter((name) => {
    if (name === "terminal_exec") return caps.terminal_exec?.allowed === true;
    if (name === "secrets_access") return caps.secrets_access;
    return caps[name].length > 0;
  });
}
