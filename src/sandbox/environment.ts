/**
 * The environment a sandboxed command sees: the `env_read` variables and a
 * minimal fixed set, without credentials unless `secrets_access` is granted.
 *
 * @module
 */
import { type Capabilities, matchEnvName, type PathContext } from "../capability/mod.ts";
import { sandboxPath } from "./_programs.ts";
import { secretVariableReason } from "./_secrets.ts";

/** Variables every command gets, whatever `env_read` says (SPEC §6). */
const FIXED_NAMES = ["PATH", "HOME", "LANG", "LANGUAGE", "TERM", "TZ", "USER"];
const FIXED_PREFIXES = ["LC_"];

/** Options of {@link sandboxEnvironment}. */
export interface SandboxEnvironmentOptions extends PathContext {
  /** The host environment to filter (caro's own). */
  env: Readonly<Record<string, string>>;
}

/** A variable `env_read` grants but the sandbox withholds, and why. */
export interface WithheldVariable {
  /** The variable's name (never its value). */
  name: string;
  /** Why it is withheld. */
  reason: string;
}

/** The result of {@link sandboxEnvironment}. */
export interface SandboxEnvironment {
  /** Exactly the variables the command sees. */
  env: Record<string, string>;
  /** Variables `env_read` grants that are withheld as credentials (no `secrets_access`). */
  withheld: WithheldVariable[];
}

/**
 * Filters the host environment for a skill's command: `PATH`, `HOME`, `LANG`,
 * `LANGUAGE`, `LC_*`, `TERM`, `TZ`, `USER`, then every variable `env_read`
 * grants (`NAME` or `PREFIX_*`, matched by the enforcer's rule). Without
 * `secrets_access`, a variable named like a credential (`*TOKEN*`,
 * `*SECRET*`, `*PASSWORD*`, `*_KEY`, `AWS_ACCESS_KEY_ID`, `SSH_AUTH_SOCK`, …)
 * or whose value carries one (a URL with a password, a private key) is
 * withheld even when granted. `HOME`, `CARO_PROJECT_ROOT` and `CARO_CACHE`
 * are set to the folders the enforcer expanded, so a command writing to
 * `$CARO_PROJECT_ROOT/out` writes where the check looked.
 *
 * @param grants The skill's granted capabilities.
 * @param options The host environment and what the path variables mean.
 * @returns The environment and the granted variables that were withheld.
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema } from "../capability/mod.ts";
 * import { sandboxEnvironment } from "./environment.ts";
 * const grants = CapabilitiesSchema.parse({ env_read: ["AWS_*"] });
 * const { env, withheld } = sandboxEnvironment(grants, {
 *   env: { PATH: "/usr/bin", AWS_REGION: "eu-west-1", AWS_SECRET_ACCESS_KEY: "x", EDITOR: "vi" },
 *   home: "/home/u", projectRoot: "/p", cacheDir: "/c", cwd: "/p",
 * });
 * if (env.AWS_REGION !== "eu-west-1" || "AWS_SECRET_ACCESS_KEY" in env || "EDITOR" in env) {
 *   throw new Error(JSON.stringify(env));
 * }
 * if (env.CARO_PROJECT_ROOT !== "/p" || withheld[0].name !== "AWS_SECRET_ACCESS_KEY") {
 *   throw new Error(JSON.stringify(withheld));
 * }
 * ```
 */
export function sandboxEnvironment(
  grants: Capabilities,
  options: SandboxEnvironmentOptions,
): SandboxEnvironment {
  const env: Record<string, string> = {};
  const withheld: WithheldVariable[] = [];
  for (const [name, value] of Object.entries(options.env)) {
    const fixed = FIXED_NAMES.includes(name) || FIXED_PREFIXES.some((p) => name.startsWith(p));
    const granted = matchEnvName(name, grants.env_read);
    if (!fixed && !granted) continue;
    // A value with a NUL cannot be passed to exec; `env` would cut it.
    if (value.includes("\0")) continue;
    const secret = grants.secrets_access ? null : secretVariableReason(name, value);
    if (secret !== null) {
      if (granted) withheld.push({ name, reason: `${secret} and secrets_access is not granted` });
      continue;
    }
    env[name] = value;
  }
  env.PATH = sandboxPath(options.env.PATH);
  env.HOME = options.home;
  env.CARO_PROJECT_ROOT = options.projectRoot;
  env.CARO_CACHE = options.cacheDir;
  return { env, withheld };
}
