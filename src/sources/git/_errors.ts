/**
 * The errors of git sources, each without the credentials a URL may carry.
 *
 * @module
 */

import { redactCredentials, SkillError } from "../../errors/mod.ts";

/** Whether `e` is an isomorphic-git error with this `code` (`NotFoundError`, …). */
export function isGitError(e: unknown, code: string): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === code;
}

/** A ref, commit or folder the repository does not have. */
export function notFound(url: string, ref: string, why: string): SkillError {
  return new SkillError("not_found", `Cannot find "${ref}" in ${redactCredentials(url)}`, {
    why,
    hints: [{ to: "see its tags and branches", run: `git ls-remote ${redactCredentials(url)}` }],
  });
}

/** Maps an isomorphic-git failure to a SkillError without credentials. */
export function remoteError(url: string, e: unknown): SkillError {
  if (e instanceof SkillError) return e;
  const shown = redactCredentials(url);
  const status = (e as { data?: { statusCode?: number } })?.data?.statusCode;
  const text = redactCredentials(e instanceof Error ? e.message : String(e));
  if (isGitError(e, "UserCanceledError") || status === 401 || status === 403) {
    return new SkillError("network", `Cannot fetch ${shown}: the server refused access`, {
      why: "the repository is private or the token is wrong",
      hints: [{ to: "fetch a private repository", run: "provide an access token for this host" }],
      cause: e,
    });
  }
  if (status === 404) {
    return new SkillError("not_found", `Cannot fetch ${shown}: no repository there`, {
      why: "the server answered 404",
      cause: e,
    });
  }
  return new SkillError("network", `Cannot fetch ${shown}: ${text}`, {
    why: "the git server could not be reached or answered with an error",
    hints: [{ to: "check the URL", run: `git ls-remote ${shown}` }],
    cause: e,
  });
}
