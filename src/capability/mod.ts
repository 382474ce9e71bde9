/**
 * Capabilities of skills (SPEC §2 `[capabilities]`, §6): the format shared by
 * skill.toml requests and skills.lock grants, and the enforcer that judges
 * every use against the grants.
 *
 * - {@link CapabilityEnforcer}: `checkCommand`, `checkFilesystem`,
 *   `checkNetwork`, `checkEnv`, `checkSecrets`, each writing one audit line.
 * - {@link analyzeCommand}: the programs and files a shell line would use
 *   (the bash grammar is loaded on first use, never at import).
 * - {@link AuditLog}, {@link readAuditLog}: `audit.log` JSON lines.
 * - {@link consentToCapabilities}: the install-time grant prompt and its rules;
 *   {@link grantCapability}, {@link revokeCapability}, {@link covers}.
 * - {@link readCapabilityPolicy}: `config.toml` `[skills.capabilities]
 *   always_confirm`, `never_grant` and `[audit] max_bytes`.
 * - Pure rules: {@link expandPath}, {@link resolveRealPath}, {@link isInsideRoot},
 *   {@link matchNetwork}, {@link matchEnvName}, {@link redactSecrets}.
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema, CapabilityEnforcer } from "./mod.ts";
 * const enforcer = new CapabilityEnforcer({
 *   grants: new Map([["cloud.aws", CapabilitiesSchema.parse({ env_read: ["AWS_*"] })]]),
 *   auditLog: null,
 *   paths: { home: "/home/u", projectRoot: "/p", cacheDir: "/c", cwd: "/p" },
 * });
 * const decision = await enforcer.checkEnv("cloud.aws", "AWS_PROFILE");
 * if (!decision.allowed) throw new Error(decision.reason);
 * ```
 *
 * @module
 */
export {
  type Capabilities,
  CapabilitiesSchema,
  CAPABILITY_NAMES,
  CAPABILITY_RISK,
  type CapabilityName,
  noCapabilities,
  requestedCapabilityNames,
  type RiskLevel,
  type TerminalExec,
  TerminalExecSchema,
} from "./schema.ts";
export {
  CapabilityEnforcer,
  type CommandDecision,
  type Decision,
  type EnforcerOptions,
} from "./enforcer.ts";
export {
  analyzeCommand,
  type CommandAnalysis,
  type FileAccess,
  type ProgramKind,
  type ProgramUse,
  type Word,
} from "./analyze_command.ts";
export {
  type AuditEntry,
  AuditEntrySchema,
  AuditLog,
  type AuditLogOptions,
  DEFAULT_AUDIT_MAX_BYTES,
  readAuditLog,
  type ReadAuditLogOptions,
  redactSecrets,
} from "./audit_log.ts";
export { expandPath, isInsideRoot, type PathContext, resolveRealPath } from "./path_rules.ts";
export { matchNetwork, type NetworkMatch } from "./host_rules.ts";
export { matchEnvName } from "./env_rules.ts";
export {
  capabilitySummary,
  type ConsentOutcome,
  type ConsentRequest,
  type ConsentResult,
  consentToCapabilities,
  covers,
  grantCapability,
  revokeCapability,
} from "./consent.ts";
export {
  type CapabilityPolicy,
  defaultCapabilityPolicy,
  policyFromConfig,
  readCapabilityPolicy,
} from "./policy.ts";
