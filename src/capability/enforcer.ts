/**
 * The capability enforcer: one method per capability, each judging a request
 * of a skill against what the user granted it and writing one audit line.
 *
 * @module
 */
import { analyzeCommand, type FileAccess, type ProgramUse } from "./analyze_command.ts";
import { AuditLog } from "./audit_log.ts";
import { matchEnvName } from "./env_rules.ts";
import { matchNetwork } from "./host_rules.ts";
import { expandPath, isInsideRoot, type PathContext, resolveRealPath } from "./path_rules.ts";
import type { Capabilities, CapabilityName } from "./schema.ts";
import { SkillError } from "../errors/mod.ts";

/** The verdict of one check. */
export interface Decision {
  /** Whether the skill may do it. */
  allowed: boolean;
  /** Why, naming the value that decided (shown to users and written to the audit log). */
  reason: string;
  /** The capability checked. */
  capability: CapabilityName;
  /** What was asked for: the command, path, URL or variable name. */
  resource: string;
}

/** The verdict of {@link CapabilityEnforcer.checkCommand}, with what the analysis found. */
export interface CommandDecision extends Decision {
  /** Every program the line would run. */
  programs: ProgramUse[];
  /** Every file the line would open. */
  files: FileAccess[];
}

/** Options of {@link CapabilityEnforcer}. */
export interface EnforcerOptions {
  /** The GRANTED capabilities per skill id (from skills.lock), or a lookup. */
  grants: ReadonlyMap<string, Capabilities> | ((skillId: string) => Capabilities | undefined);
  /** The audit log file, or null to not log. */
  auditLog: string | null;
  /** Rotate the audit log past this size (bytes); default 10 MiB. */
  auditMaxBytes?: number;
  /** What `~`, `./`, `$CARO_PROJECT_ROOT` and `$CARO_CACHE` mean. */
  paths: PathContext;
  /** The clock for audit timestamps; default `Date.now`. */
  now?: () => number;
}

/** Device files a redirection may always use. */
const HARMLESS_DEVICES = new Set(["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin"]);

/**
 * Judges every capability use of every skill against its grants (SPEC §6).
 * Every check, allowed or denied, appends a line to the audit log.
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema, CapabilityEnforcer } from "./mod.ts";
 * const enforcer = new CapabilityEnforcer({
 *   grants: new Map([["cloud.aws", CapabilitiesSchema.parse({ network: ["*.amazonaws.com"] })]]),
 *   auditLog: null,
 *   paths: { home: "/home/u", projectRoot: "/p", cacheDir: "/c", cwd: "/p" },
 * });
 * const net = await enforcer.checkNetwork("cloud.aws", "https://s3.amazonaws.com/b");
 * if (!net.allowed) throw new Error(net.reason);
 * // terminal_exec was not granted: refused before any parsing.
 * const cmd = await enforcer.checkCommand("cloud.aws", "aws s3 ls");
 * if (cmd.allowed || !cmd.reason.includes("terminal_exec")) throw new Error(cmd.reason);
 * ```
 */
export class CapabilityEnforcer {
  readonly #grants: (skillId: string) => Capabilities | undefined;
  readonly #log: AuditLog | null;
  readonly #paths: PathContext;
  readonly #now: () => number;
  /** Real paths of grant roots, resolved once: a later symlink swap cannot move a grant. */
  readonly #roots = new Map<string, string | null>();

  /**
   * Creates an enforcer over fixed grants.
   *
   * @param options The grants, the audit log and what path variables mean.
   */
  constructor(options: EnforcerOptions) {
    const grants = options.grants;
    this.#grants = typeof grants === "function" ? grants : (id) => grants.get(id);
    this.#log = options.auditLog === null
      ? null
      : new AuditLog(options.auditLog, { maxBytes: options.auditMaxBytes });
    this.#paths = options.paths;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Whether the skill may run a shell command line: `terminal_exec` must be
   * granted, the line must parse and be fully analysable, every program it
   * would run must pass the allowlist (empty = all) and the blocklist, and
   * every file it redirects to must pass {@link checkFilesystem}.
   *
   * @example
   * ```ts
   * import { CapabilitiesSchema, CapabilityEnforcer } from "./mod.ts";
   * if ((await Deno.permissions.query({ name: "read" })).state === "granted") {
   *   const caps = CapabilitiesSchema.parse({
   *     terminal_exec: { allowed: true, commands: ["aws"], blocked: ["rm"] },
   *   });
   *   const enforcer = new CapabilityEnforcer({
   *     grants: new Map([["cloud.aws", caps]]),
   *     auditLog: null,
   *     paths: { home: "/home/u", projectRoot: "/p", cacheDir: "/c", cwd: "/p" },
   *   });
   *   const ok = await enforcer.checkCommand("cloud.aws", "aws s3 ls | xargs -n1 echo");
   *   if (!ok.allowed) throw new Error(ok.reason);
   *   const bad = await enforcer.checkCommand("cloud.aws", "aws s3 ls && sudo \\rm -rf /");
   *   if (bad.allowed || !bad.reason.includes("rm is blocked")) throw new Error(bad.reason);
   * }
   * ```
   */
  async checkCommand(skillId: string, command: string): Promise<CommandDecision> {
    const caps = this.#grants(skillId);
    const exec = caps?.terminal_exec;
    if (!caps || !exec?.allowed) {
      const reason = caps
        ? `terminal_exec is not granted to ${skillId}`
        : `${skillId} has no granted capabilities`;
      return await this.#record(skillId, "terminal_exec", command, {
        allowed: false,
        reason,
        programs: [],
        files: [],
      });
    }
    const analysis = await analyzeCommand(command);
    const reasons = [...analysis.problems];
    const allow = new Set(exec.commands.map(baseName));
    for (const program of analysis.programs) {
      const via = program.via ? ` (via ${program.via})` : "";
      const blocked = blockedBy(program.name, exec.blocked);
      // `cp /bin/rm x && ./x` would run a blocked program under another name.
      for (const arg of program.args) {
        const target = arg !== null && arg.includes("/")
          ? blockedBy(baseName(arg), exec.blocked)
          : null;
        if (target !== null) {
          reasons.push(
            `${program.name} ${arg} uses the file of the blocked program ${target}${via}`,
          );
        }
      }
      const pathProblem = this.#programPathProblem(program.written);
      if (pathProblem !== null) reasons.push(`${pathProblem}${via}`);
      if (blocked !== null) {
        reasons.push(
          `${program.name} is blocked${blocked === program.name ? "" : ` (as ${blocked})`}${via}`,
        );
      } else if (allow.size > 0 && program.kind === "program" && !allow.has(program.name)) {
        reasons.push(
          `${program.name} is not in the allowed commands (${[...allow].join(", ")})${via}`,
        );
      }
    }
    for (const file of analysis.files) {
      if (file.path === null) {
        reasons.push(
          `the ${file.via ?? "redirection"} target ${file.written} is computed at run time`,
        );
      } else if (!HARMLESS_DEVICES.has(file.path)) {
        const verdict = this.#judgePath(caps, file.path, file.write);
        if (!verdict.allowed) reasons.push(verdict.reason);
      }
    }
    const unique = [...new Set(reasons)];
    const allowed = unique.length === 0;
    const names = [...new Set(analysis.programs.map((p) => p.name))];
    return await this.#record(skillId, "terminal_exec", command, {
      allowed,
      reason: allowed
        ? `every program it runs is allowed (${names.join(", ") || "none"})`
        : unique.join("; "),
      programs: analysis.programs,
      files: analysis.files,
    });
  }

  /**
   * Whether the skill may read (or write) a path: after expanding `~`, `./`,
   * `$CARO_PROJECT_ROOT`, `$CARO_CACHE` and resolving `..` and symlinks, it must
   * sit inside a granted root. Write needs `filesystem_write`; read is
   * allowed by either list.
   *
   * @example
   * ```ts
   * import { CapabilitiesSchema, CapabilityEnforcer } from "./mod.ts";
   * if ((await Deno.permissions.query({ name: "read" })).state === "granted") {
   *   const project = await Deno.makeTempDir();
   *   const enforcer = new CapabilityEnforcer({
   *     grants: new Map([["custom.x", CapabilitiesSchema.parse({ filesystem_write: ["./out"] })]]),
   *     auditLog: null,
   *     paths: { home: "/nonexistent", projectRoot: project, cacheDir: "/c", cwd: project },
   *   });
   *   if (!(await enforcer.checkFilesystem("custom.x", "out/a.txt", true)).allowed) throw new Error();
   *   if ((await enforcer.checkFilesystem("custom.x", "out/../a.txt", true)).allowed) throw new Error();
   *   await Deno.remove(project, { recursive: true });
   * }
   * ```
   */
  async checkFilesystem(skillId: string, path: string, write: boolean): Promise<Decision> {
    const capability = write ? "filesystem_write" : "filesystem_read";
    const caps = this.#grants(skillId);
    const verdict = caps
      ? this.#judgePath(caps, path, write)
      : { allowed: false, reason: `${skillId} has no granted capabilities` };
    return await this.#record(skillId, capability, path, verdict);
  }

  /**
   * Whether the skill may reach a URL (or bare host), per the `network` grants.
   *
   * @example
   * ```ts
   * import { CapabilitiesSchema, CapabilityEnforcer } from "./mod.ts";
   * const enforcer = new CapabilityEnforcer({
   *   grants: new Map([["x.y", CapabilitiesSchema.parse({ network: ["api.github.com"] })]]),
   *   auditLog: null,
   *   paths: { home: "/h", projectRoot: "/p", cacheDir: "/c", cwd: "/p" },
   * });
   * if ((await enforcer.checkNetwork("x.y", "https://api.github.com.evil.com/")).allowed) {
   *   throw new Error();
   * }
   * ```
   */
  async checkNetwork(skillId: string, url: string): Promise<Decision> {
    const caps = this.#grants(skillId);
    const verdict = caps
      ? matchNetwork(url, caps.network)
      : { allowed: false, reason: `${skillId} has no granted capabilities` };
    return await this.#record(skillId, "network", url, verdict);
  }

  /**
   * Whether the skill may read an environment variable (`env_read`: `NAME` or
   * `PREFIX_*`). Only the name is logged, never the value.
   *
   * @example
   * ```ts
   * import { CapabilitiesSchema, CapabilityEnforcer } from "./mod.ts";
   * const enforcer = new CapabilityEnforcer({
   *   grants: new Map([["x.y", CapabilitiesSchema.parse({ env_read: ["AWS_*"] })]]),
   *   auditLog: null,
   *   paths: { home: "/h", projectRoot: "/p", cacheDir: "/c", cwd: "/p" },
   * });
   * if (!(await enforcer.checkEnv("x.y", "AWS_REGION")).allowed) throw new Error();
   * if ((await enforcer.checkEnv("x.y", "GITHUB_TOKEN")).allowed) throw new Error();
   * ```
   */
  async checkEnv(skillId: string, name: string): Promise<Decision> {
    const caps = this.#grants(skillId);
    const allowed = caps !== undefined && matchEnvName(name, caps.env_read);
    const reason = !caps
      ? `${skillId} has no granted capabilities`
      : allowed
      ? `${name} is granted by env_read`
      : `${name} is not in the granted env_read (${caps.env_read.join(", ") || "none"})`;
    return await this.#record(skillId, "env_read", name, { allowed, reason });
  }

  /**
   * Whether the skill may use secrets (`secrets_access`, denied unless granted).
   * `name` says which secret, for the log; its value is never passed here.
   *
   * @example
   * ```ts
   * import { CapabilitiesSchema, CapabilityEnforcer } from "./mod.ts";
   * const enforcer = new CapabilityEnforcer({
   *   grants: new Map([["x.y", CapabilitiesSchema.parse({})]]),
   *   auditLog: null,
   *   paths: { home: "/h", projectRoot: "/p", cacheDir: "/c", cwd: "/p" },
   * });
   * if ((await enforcer.checkSecrets("x.y", "github")).allowed) throw new Error();
   * ```
   */
  async checkSecrets(skillId: string, name = "secrets"): Promise<Decision> {
    const caps = this.#grants(skillId);
    const allowed = caps?.secrets_access === true;
    const reason = !caps
      ? `${skillId} has no granted capabilities`
      : allowed
      ? "secrets_access is granted"
      : `secrets_access is not granted to ${skillId}`;
    return await this.#record(skillId, "secrets_access", name, { allowed, reason });
  }

  #judgePath(
    caps: Capabilities,
    path: string,
    write: boolean,
  ): { allowed: boolean; reason: string } {
    const roots = write
      ? caps.filesystem_write
      : [...caps.filesystem_read, ...caps.filesystem_write];
    const kind = write ? "write" : "read";
    let real: string;
    try {
      real = resolveRealPath(expandPath(path, this.#paths));
    } catch (error) {
      if (!(error instanceof SkillError)) throw error;
      return { allowed: false, reason: `${error.message}: ${error.why ?? ""}`.trim() };
    }
    for (const root of roots) {
      const realRoot = this.#realRoot(root);
      if (realRoot !== null && isInsideRoot(real, realRoot)) {
        return { allowed: true, reason: `${real} is inside the granted ${kind} root ${root}` };
      }
    }
    const shown = real === path ? path : `${path} (${real})`;
    return {
      allowed: false,
      reason: roots.length === 0
        ? `no filesystem ${kind} access is granted for ${shown}`
        : `${shown} is outside the granted ${kind} roots (${roots.join(", ")})`,
    };
  }

  #realRoot(root: string): string | null {
    let real = this.#roots.get(root);
    if (real === undefined) {
      try {
        real = resolveRealPath(expandPath(root, this.#paths, this.#paths.projectRoot));
      } catch (error) {
        if (!(error instanceof SkillError)) throw error;
        real = null; // a grant that cannot be resolved grants nothing
      }
      this.#roots.set(root, real);
    }
    return real;
  }

  /**
   * Why a program written as a path (`./aws`, `/tmp/x/aws`) may not count as
   * the program its file name says: the allowlist names programs found on
   * PATH, and a skill can ship or write an executable called `aws` anywhere
   * else. Null when the name has no `/` or its real folder is on PATH.
   */
  #programPathProblem(written: string): string | null {
    const path = written.replace(/['"\\]/g, "");
    if (!path.includes("/")) return null;
    const folder = path.slice(0, path.lastIndexOf("/")) || "/";
    if (!folder.startsWith("/")) {
      return `${path} runs a program by a relative path, which a skill could have put there`;
    }
    let real: string;
    try {
      real = Deno.realPathSync(folder);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotCapable)) {
        throw error;
      }
      return `${path} runs a program from ${folder}, which cannot be resolved`;
    }
    return this.#pathFolders().has(real)
      ? null
      : `${path} runs a program from ${real}, which is not a PATH folder`;
  }

  #pathFolderSet?: Set<string>;
  #pathFolders(): Set<string> {
    if (this.#pathFolderSet) return this.#pathFolderSet;
    const folders = new Set<string>();
    for (const entry of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
      if (!entry.startsWith("/")) continue; // "." or "" on PATH would mean the cwd
      try {
        folders.add(Deno.realPathSync(entry));
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotCapable)) {
          throw error;
        }
      }
    }
    this.#pathFolderSet = folders;
    return folders;
  }

  async #record<T extends { allowed: boolean; reason: string }>(
    skillId: string,
    capability: CapabilityName,
    resource: string,
    verdict: T,
  ): Promise<T & { capability: CapabilityName; resource: string }> {
    if (this.#log) {
      await this.#log.append({
        timestamp: new Date(this.#now()).toISOString(),
        skill_id: skillId,
        capability,
        resource,
        result: verdict.allowed ? "allowed" : "denied",
        reason: verdict.reason,
        user_confirmed: null,
        execution_result: null,
      });
    }
    return { ...verdict, capability, resource };
  }
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/** The blocklist entry that blocks a program: exact, any case, or `entry.<suffix>` (`mkfs.ext4`). */
function blockedBy(name: string, blocked: readonly string[]): string | null {
  const lower = name.toLowerCase();
  for (const entry of blocked) {
    const b = baseName(entry).toLowerCase();
    if (lower === b || lower.startsWith(`${b}.`)) return b;
  }
  return null;
}
