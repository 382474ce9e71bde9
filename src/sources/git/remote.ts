/**
 * How caro reaches a git remote: which transport a URL takes (isomorphic-git over https, the
 * system git for ssh and file URLs), the options every remote call shares, and the token
 * sent to a private https repository.
 *
 * @module
 */

import type { AuthCallback, GitProgressEvent, HttpClient } from "isomorphic-git";
import type { Runner } from "../../process/mod.ts";
import { checkTransport } from "../download.ts";

/** Progress of a git fetch, as isomorphic-git reports it (`phase`, `loaded`, `total`). */
export type GitProgress = GitProgressEvent;

/** How to reach a remote: shared by `gitFetch`, `gitListTags` and `gitResolveRef`. */
export interface GitRemoteOptions {
  /** Access token for a private https repository; sent through `onAuth`, never stored. */
  token?: string;
  /** User name sent with the token. Default `x-access-token` (GitHub, Gitea); GitLab wants `oauth2`. */
  username?: string;
  /** Allow plain `http://` to hosts other than loopback. Default false. */
  insecure?: boolean;
  /** The HTTP edge for isomorphic-git. Default `isomorphic-git/http/node`. */
  http?: HttpClient;
  /** The process edge that runs the system git (ssh and file URLs). Default a `SystemRunner`. */
  runner?: Runner;
  /** The git program used for ssh and file URLs. Default `git`. */
  gitBinary?: string;
}

/**
 * Whether a URL is fetched with the system git program (`ssh://`, `git@host:path`, `file://`)
 * rather than isomorphic-git over https.
 *
 * @example
 * ```ts
 * import { usesSystemGit } from "./remote.ts";
 * if (!usesSystemGit("git@github.com:org/skill.git")) throw new Error();
 * if (!usesSystemGit("ssh://git@host/org/skill.git")) throw new Error();
 * if (usesSystemGit("git+https://github.com/org/skill.git")) throw new Error();
 * ```
 */
export function usesSystemGit(url: string): boolean {
  const bare = url.replace(/^git\+/, "");
  return /^(ssh|git\+ssh|file):\/\//i.test(bare) || /^[\w.-]+@[\w.-]+:(?!\/\/)/.test(bare);
}

/**
 * The URL to talk to: `git+` dropped, and for https the transport policy checked.
 *
 * @throws {SkillError} `validation` for plain `http://` to a remote host without `insecure`
 *
 * @example
 * ```ts
 * import { remoteUrl } from "./remote.ts";
 * if (remoteUrl("git+https://example.com/s.git", {}) !== "https://example.com/s.git") throw new Error();
 * if (remoteUrl("git@example.com:s.git", {}) !== "git@example.com:s.git") throw new Error();
 * ```
 */
export function remoteUrl(url: string, options: Pick<GitRemoteOptions, "insecure">): string {
  const bare = url.replace(/^git\+/, "");
  if (!usesSystemGit(bare)) checkTransport(bare, { insecure: options.insecure });
  return bare;
}

/**
 * The isomorphic-git `onAuth` callback sending the token, or undefined without one.
 *
 * @example
 * ```ts
 * import { authFor } from "./remote.ts";
 * if (authFor({}) !== undefined) throw new Error();
 * const auth = authFor({ token: "t" })!;
 * if (JSON.stringify(auth("https://h.test", {})) !== '{"username":"x-access-token","password":"t"}') throw new Error();
 * ```
 */
export function authFor(
  options: Pick<GitRemoteOptions, "token" | "username">,
): AuthCallback | undefined {
  if (!options.token) return undefined;
  return () => ({ username: options.username ?? "x-access-token", password: options.token });
}
