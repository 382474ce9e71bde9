/**
 * The skills (policies) the differential test judges lines against: each is
 * a real skill folder installed with consent granting what it requests, so
 * the grants come from the lock exactly as for a user's skill.
 *
 * @module
 */
import { type Capabilities, CapabilitiesSchema } from "../../src/capability/mod.ts";

/** The short name of a policy, used on the command line and in reports. */
export type PolicyKey = "files" | "git" | "cloud";

/** One policy: a skill and the capabilities it requests (and is granted). */
export interface Policy {
  key: PolicyKey;
  /** The skill id it is installed as. */
  id: string;
  /** `terminal_exec.commands`. */
  programs: readonly string[];
  filesystemRead: readonly string[];
  filesystemWrite: readonly string[];
  network: readonly string[];
  envRead: readonly string[];
}

/**
 * (a) file tools, (b) git and text tools, (c) cloud clients, as issue 12
 * sketches them. `gzip` joins (a) so that `tar -czf out/x.tgz src`, an
 * everyday line, is one the policy means to allow (tar runs gzip for `-z`);
 * every policy reads its project (`./`), or its tools could not see their
 * input inside the sandbox.
 */
export const POLICIES: Readonly<Record<PolicyKey, Policy>> = {
  files: {
    key: "files",
    id: "tool.diff-files",
    programs: ["rm", "cp", "tar", "gzip", "cat", "sed", "grep", "find", "ls", "sort", "head", "wc"],
    filesystemRead: ["./"],
    filesystemWrite: ["./out"],
    network: [],
    envRead: [],
  },
  git: {
    key: "git",
    id: "tool.diff-git",
    programs: ["git", "find", "grep", "sed", "awk", "xargs", "sort"],
    filesystemRead: ["./"],
    filesystemWrite: ["./out", "/tmp"],
    network: [],
    envRead: [],
  },
  cloud: {
    key: "cloud",
    id: "cloud.diff-ops",
    programs: ["aws", "kubectl", "tar", "env", "flock", "timeout"],
    filesystemRead: ["./"],
    filesystemWrite: ["./out"],
    network: ["*.amazonaws.com"],
    envRead: ["AWS_REGION", "KUBECONFIG"],
  },
};

/** The grants a policy's skill holds once installed with consent to all it requests. */
export function grantsOf(policy: Policy): Capabilities {
  return CapabilitiesSchema.parse({
    terminal_exec: { allowed: true, commands: policy.programs },
    filesystem_read: policy.filesystemRead,
    filesystem_write: policy.filesystemWrite,
    network: policy.network,
    env_read: policy.envRead,
  });
}

/** Every policy key, in report order. */
export const POLICY_KEYS: readonly PolicyKey[] = ["files", "git", "cloud"];

/** The `[capabilities]` lines of a policy's skill.toml. */
export function capabilityLines(policy: Policy): string[] {
  const list = (values: readonly string[]) =>
    `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;
  return [
    `terminal_exec = { allowed = true, commands = ${list(policy.programs)} }`,
    `filesystem_read = ${list(policy.filesystemRead)}`,
    `filesystem_write = ${list(policy.filesystemWrite)}`,
    `network = ${list(policy.network)}`,
    `env_read = ${list(policy.envRead)}`,
  ];
}

/** Parses `files,git` (or `all`) into policy keys. */
export function parsePolicyKeys(text: string): PolicyKey[] {
  if (text === "all" || text === "") return [...POLICY_KEYS];
  const keys = text.split(",").map((k) => k.trim());
  for (const key of keys) {
    if (!(key in POLICIES)) {
      throw new Error(`unknown policy "${key}": use ${POLICY_KEYS.join(", ")} or all`);
    }
  }
  return keys as PolicyKey[];
}
