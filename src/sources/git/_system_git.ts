/**
 * The system `git` program, for the URLs isomorphic-git cannot reach (`ssh://`,
 * `git@host:path`, `file://`), run through the process edge ({@link Runner}).
 *
 * @module
 */

import { redactCredentials, SkillError } from "../../errors/mod.ts";
import { SystemRunner } from "../../process/mod.ts";
import type { RemoteRef } from "./refs.ts";
import type { GitRemoteOptions } from "./remote.ts";

/** Exit code of a program that could not be started (the shell's and setsid's convention). */
const NOT_STARTED = 127;

/** Lists refs with `git ls-remote --symref`, annotated tags peeled. */
export async function systemListRefs(
  url: string,
  options: GitRemoteOptions,
): Promise<RemoteRef[]> {
  const out = await runGit(options, ["ls-remote", "--symref", url], url);
  const refs = new Map<string, RemoteRef>();
  const symrefs = new Map<string, string>();
  for (const line of out.split("\n")) {
    const sym = line.match(/^ref: (\S+)\t(\S+)$/);
    if (sym) {
      symrefs.set(sym[2], sym[1]);
      continue;
    }
    const [oid, name] = line.split("\t");
    if (!oid || !name) continue;
    if (name.endsWith("^{}")) {
      const base = refs.get(name.slice(0, -3));
      if (base) base.peeled = oid;
    } else {
      refs.set(name, { ref: name, oid });
    }
  }
  for (const [name, target] of symrefs) {
    const r = refs.get(name);
    if (r) r.target = target;
  }
  return [...refs.values()];
}

/**
 * `git fetch` into the bare cache repository: one ref at depth 1 (to its local name), or
 * every branch and tag (unshallowing a shallow cache) when `ref` is undefined.
 */
export async function systemFetch(
  gitdir: string,
  url: string,
  options: GitRemoteOptions,
  how: { ref?: string; localRef?: string; unshallow: boolean },
): Promise<void> {
  const args = how.ref
    ? ["fetch", "--quiet", "--no-tags", "--depth", "1", url, `+${how.ref}:${how.localRef}`]
    : [
      "fetch",
      "--quiet",
      ...(how.unshallow ? ["--unshallow"] : []),
      url,
      "+refs/heads/*:refs/remotes/origin/*",
      "+refs/tags/*:refs/tags/*",
    ];
  await runGit(options, ["--git-dir", gitdir, ...args], url);
}

async function runGit(options: GitRemoteOptions, args: string[], url: string): Promise<string> {
  const program = options.gitBinary ?? "git";
  const runner = options.runner ?? new SystemRunner();
  // The runner keeps only the tail of a long output; `ls-remote` of a repository with many
  // refs (GitHub lists every pull request) starts with HEAD, so every chunk is kept here.
  const chunks: string[] = [];
  let sawStdout = false;
  const out = await runner.run([program, ...args], {
    // Never wait on a terminal prompt for credentials or host keys.
    env: { GIT_TERMINAL_PROMPT: "0", GIT_SSH_COMMAND: "ssh -o BatchMode=yes" },
    onOutput: (chunk, stream) => {
      if (stream !== "stdout") return;
      sawStdout = true;
      chunks.push(chunk);
    },
  });
  if (out.code === NOT_STARTED) {
    throw new SkillError(
      "not_found",
      `Cannot fetch ${redactCredentials(url)}: the git program is not installed`,
      {
        why: `ssh and file URLs are fetched with the system git ("${program}" was not found)`,
        hints: [{ to: "fetch it without git", run: "use the https:// URL of the repository" }],
        cause: new Error(out.stderr.trim()),
      },
    );
  }
  if (out.code !== 0) {
    const stderr = redactCredentials(out.stderr.trim());
    const missing = /not found|does not exist|no such|not appear to be a git repository/i.test(
      stderr,
    );
    throw new SkillError(
      missing ? "not_found" : "network",
      `Cannot fetch ${redactCredentials(url)}`,
      {
        why: stderr.split("\n").slice(-3).join(" ") || `git ${args[0]} exited with ${out.code}`,
      },
    );
  }
  // A runner that does not stream (a test double) still returns the output whole.
  return sawStdout ? chunks.join("") : out.stdout;
}
