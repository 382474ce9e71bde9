/**
 * The `[sources]` table of `config.toml`: which environment variable holds the access token
 * of private git repositories, for every host or per host. Only the variable's name is in the
 * file; the token itself is read from the environment at fetch time and never written anywhere.
 *
 * ```toml
 * [sources]
 * git_token_env = "CARO_GIT_TOKEN"
 *
 * [sources.hosts."github.com"]
 * git_token_env = "GITHUB_TOKEN"
 * ```
 *
 * @module
 */

import { z } from "zod";
import { SkillError } from "../errors/mod.ts";
import type { CaroConfig } from "../config/mod.ts";

const HostSchema = z.looseObject({ git_token_env: z.string().min(1).optional() });
const SourcesSchema = z.looseObject({
  git_token_env: z.string().min(1).optional(),
  hosts: z.record(z.string(), HostSchema).default({}),
});
const ConfigSchema = z.looseObject({ sources: SourcesSchema.optional() });

/** What `config.toml` says about sources. */
export interface SourceConfig {
  /** The variable holding the token for any host without its own. */
  gitTokenEnv?: string;
  /** Per host (`github.com`, `git.example.com:8443`): the variable holding its token. */
  hostTokenEnv: Record<string, string>;
}

/**
 * Reads the `[sources]` table of an already read `config.toml` (other tables are ignored).
 *
 * @throws {SkillError} `validation` for invalid TOML or a wrong type under `[sources]`
 *
 * @example
 * ```ts
 * import { sourceConfigOf } from "./config.ts";
 * const data = { sources: { hosts: { "github.com": { git_token_env: "GITHUB_TOKEN" } } } };
 * const config = sourceConfigOf({ file: "config.toml", data });
 * if (config.hostTokenEnv["github.com"] !== "GITHUB_TOKEN") throw new Error();
 * if (sourceConfigOf({ file: "config.toml", data: {} }).gitTokenEnv !== undefined) throw new Error();
 * ```
 */
export function sourceConfigOf(config: CaroConfig): SourceConfig {
  const { file, data } = config;
  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success) {
    throw new SkillError("validation", `${file}: [sources] is not what caro expects`, {
      why: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"),
      hints: [{ to: "fix it", run: `$EDITOR ${file}` }],
    });
  }
  const sources = parsed.data.sources;
  const hostTokenEnv: Record<string, string> = {};
  for (const [host, table] of Object.entries(sources?.hosts ?? {})) {
    if (table.git_token_env) hostTokenEnv[host.toLowerCase()] = table.git_token_env;
  }
  return { gitTokenEnv: sources?.git_token_env, hostTokenEnv };
}

/**
 * The token for a repository URL: the host's variable, else the general one; undefined when
 * none is configured or the variable is unset.
 *
 * @param env reads an environment variable (`Deno.env.get` in the CLI)
 *
 * @example
 * ```ts
 * import { gitTokenFor, sourceConfigOf } from "./config.ts";
 * const config = sourceConfigOf({ file: "config.toml", data: { sources: { git_token_env: "T" } } });
 * const env = (name: string) => name === "T" ? "s3cret" : undefined;
 * if (gitTokenFor("https://git.example.com/a.git", config, env) !== "s3cret") throw new Error();
 * ```
 */
export function gitTokenFor(
  url: string,
  config: SourceConfig,
  env: (name: string) => string | undefined,
): string | undefined {
  let host = "";
  try {
    host = new URL(url.replace(/^git\+/, "")).host.toLowerCase();
  } catch (error) {
    // ssh and scp-like URLs authenticate with ssh keys, not tokens.
    if (!(error instanceof TypeError)) throw error;
  }
  const name = config.hostTokenEnv[host] ?? config.hostTokenEnv[host.replace(/:\d+$/, "")] ??
    config.gitTokenEnv;
  const value = name ? env(name) : undefined;
  return value === "" ? undefined : value;
}
