/**
 * The macOS sandbox of a skill: the same grants written as a `sandbox-exec`
 * (Seatbelt, SBPL) profile. Written and tested as text; caro does not run
 * it yet (it cannot be exercised on Linux CI).
 *
 * @module
 */
import {
  type Capabilities,
  expandPath,
  type PathContext,
  resolveRealPath,
} from "../capability/mod.ts";
import { SkillError } from "../errors/mod.ts";
import { baseName, findProgram, isBlocked, sandboxPath } from "./_programs.ts";
import { ETC_SECRETS, HOME_CREDENTIALS } from "./_secrets.ts";

/** Options of {@link sandboxExecProfile}. */
export interface SandboxExecOptions extends PathContext {
  /** The private temporary folder of this run (set `TMPDIR` to it); writable. */
  tmpDir: string;
  /**
   * Absolute paths of the programs that may be executed, as they resolve on
   * the Mac (e.g. `/bin/bash`, `/usr/bin/git`). Default: bash, sh and the
   * allowlist found on `env.PATH` here.
   */
  programs?: readonly string[];
  /** The loopback port of the filtering proxy when `network` is granted; else no network. */
  proxyPort?: number | null;
  /** The environment whose PATH finds programs (default caro's). */
  env?: Readonly<Record<string, string>>;
}

/** What every process needs to read: the OS, its libraries and the dyld cache. */
const SYSTEM_READ = [
  "/usr",
  "/bin",
  "/sbin",
  "/System",
  "/Library/Apple",
  "/private/etc",
  "/private/var/db/timezone",
  "/private/var/db/dyld",
  "/dev",
];

/** macOS `/etc` secrets, on top of the Linux list (`master.passwd` is macOS's shadow). */
const MACOS_ETC_SECRETS = ["master.passwd", "ssh/ssh_host_rsa_key", "ssh/ssh_host_ecdsa_key"];

/**
 * Writes the `sandbox-exec` profile for a skill's commands: deny by default;
 * `process-exec` only of the allowed programs (bash, sh and the allowlist;
 * any program outside the write roots and the temporary folder when the
 * allowlist is empty); `file-read*` of system folders and the granted roots;
 * `file-write*` only of `filesystem_write` roots and the private temporary
 * folder; metadata of the grants' parent folders so paths resolve; without
 * `secrets_access`, reads and writes of credential files denied even inside
 * grants (the deny comes last, and the last matching rule wins); network
 * only to the proxy's loopback port when `network` is granted.
 *
 * Paths are resolved as the enforcer resolves them (on macOS `/tmp` is
 * `/private/tmp`; Seatbelt matches real paths).
 *
 * @throws {SkillError} `capability_denied` when `terminal_exec` is not granted.
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema } from "../capability/mod.ts";
 * import { sandboxExecProfile } from "./macos_profile.ts";
 * const grants = CapabilitiesSchema.parse({
 *   terminal_exec: { allowed: true, commands: ["git"] },
 *   filesystem_write: ["./out"],
 * });
 * const profile = sandboxExecProfile(grants, {
 *   home: "/Users/u", projectRoot: "/Users/u/p", cacheDir: "/Users/u/.caro/cache",
 *   cwd: "/Users/u/p", tmpDir: "/private/tmp/caro-1", programs: ["/bin/bash", "/usr/bin/git"],
 * });
 * if (!profile.includes('(deny default)')) throw new Error(profile);
 * const writes = profile.slice(profile.indexOf("(allow file-write*"));
 * if (!writes.startsWith('(allow file-write*\n  (subpath "/Users/u/p/out")')) throw new Error(profile);
 * if (!profile.includes('(literal "/usr/bin/git")') || profile.includes("network-outbound")) {
 *   throw new Error(profile);
 * }
 * ```
 */
export function sandboxExecProfile(grants: Capabilities, options: SandboxExecOptions): string {
  const exec = grants.terminal_exec;
  if (!exec?.allowed) {
    throw new SkillError("capability_denied", "Cannot sandbox a command of this skill", {
      why: "terminal_exec is not granted",
    });
  }
  const resolve = (path: string) => resolveRealPath(expandPath(path, options, options.projectRoot));
  const reads = grants.filesystem_read.map(resolve);
  const writes = grants.filesystem_write.map(resolve);
  const tmp = resolveRealPath(options.tmpDir);
  const home = resolveRealPath(options.home);
  const q = (path: string) => JSON.stringify(path);
  const lines = [
    "(version 1)",
    "; caro skills: a skill's command, held to its grants (SPEC §6).",
    "(deny default)",
    "",
    "; Processes: its own, and what libSystem asks of the OS.",
    "(allow process-fork)",
    "(allow signal (target same-sandbox))",
    "(allow process-info* (target same-sandbox))",
    "(allow sysctl-read)",
    "(allow mach-lookup",
    '  (global-name "com.apple.system.opendirectoryd.libinfo")',
    '  (global-name "com.apple.system.logger")',
    '  (global-name "com.apple.system.notification_center"))',
    '(allow ipc-posix-shm-read-data (ipc-posix-name "apple.shm.notification_center"))',
    "",
  ];

  const allowlist = exec.commands.map(baseName).filter((c) => !isBlocked(c, exec.blocked));
  if (allowlist.length > 0) {
    const programs = options.programs ?? findPrograms(["bash", "sh", ...allowlist], options.env);
    lines.push("; Programs: only the allowlist, so no child of theirs runs anything else.");
    lines.push("(allow process-exec*", ...programs.map((p) => `  (literal ${q(p)})`), ")");
  } else {
    lines.push("; Programs: any, but none the command could have written.");
    lines.push("(allow process-exec*)");
    lines.push(
      "(deny process-exec*",
      ...[...writes, tmp].map((p) => `  (subpath ${q(p)})`),
      ")",
    );
  }
  lines.push("");

  lines.push("; Reads: the system, the granted roots, the private temporary folder.");
  lines.push(
    "(allow file-read*",
    ...[...SYSTEM_READ, ...reads, ...writes, tmp].map((p) => `  (subpath ${q(p)})`),
    ")",
  );
  const parents = new Set<string>();
  for (const root of [...reads, ...writes, tmp, resolveRealPath(options.cwd)]) {
    for (let p = root; p !== "/" && p !== ""; p = p.slice(0, p.lastIndexOf("/")) || "/") {
      parents.add(p);
    }
  }
  lines.push(
    "; Metadata of the folders above them, so paths resolve (names only, no contents).",
    '(allow file-read-metadata (literal "/")',
    ...[...parents].sort().map((p) => `  (literal ${q(p)})`),
    ")",
    "",
  );

  lines.push("; Writes: only the filesystem_write roots and the private temporary folder.");
  lines.push(
    "(allow file-write*",
    ...[...writes, tmp].map((p) => `  (subpath ${q(p)})`),
    '  (literal "/dev/null") (literal "/dev/tty") (literal "/dev/dtracehelper"))',
    '(allow file-ioctl (literal "/dev/null") (literal "/dev/tty"))',
    "",
  );

  if (grants.network.length > 0 && options.proxyPort) {
    lines.push(
      "; Network: only the filtering proxy, which allows the granted hosts.",
      `(allow network-outbound (remote ip ${q(`localhost:${options.proxyPort}`)}))`,
      "",
    );
  } else {
    lines.push("; Network: none.", "");
  }

  const secrets = [
    ...ETC_SECRETS.map((s) => `/private/etc/${s.path}`),
    ...MACOS_ETC_SECRETS.map((s) => `/private/etc/${s}`),
  ];
  if (!grants.secrets_access) {
    secrets.push(...HOME_CREDENTIALS.map((c) => resolveRealPath(`${home}/${c.path}`)));
  }
  lines.push(
    "; Secrets, even inside a granted folder" +
      (grants.secrets_access ? " (secrets_access: only the system's)." : "."),
    "(deny file-read* file-write*",
    ...secrets.map((p) => `  (subpath ${q(p)})`),
    ")",
  );
  return `${lines.join("\n")}\n`;
}

function findPrograms(
  names: readonly string[],
  env: Readonly<Record<string, string>> | undefined,
): string[] {
  const path = sandboxPath((env ?? Deno.env.toObject()).PATH);
  const found = new Set<string>();
  for (const name of names) {
    const program = findProgram(name, path);
    if (program) found.add(program.file);
  }
  return [...found];
}
