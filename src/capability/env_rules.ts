/**
 * `env_read` rules (SPEC §2): `NAME` or `PREFIX_*`.
 *
 * @module
 */

/**
 * Whether an environment variable name is covered by `env_read` grants
 * (`NAME` exactly, or `PREFIX_*`).
 *
 * @example
 * ```ts
 * import { matchEnvName } from "./env_rules.ts";
 * if (!matchEnvName("AWS_REGION", ["AWS_*"]) || matchEnvName("AWSX", ["AWS_*"])) throw new Error();
 * ```
 */
export function matchEnvName(name: string, grants: readonly string[]): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return false;
  return grants.some((g) => g.endsWith("*") ? name.startsWith(g.slice(0, -1)) : g === name);
}
