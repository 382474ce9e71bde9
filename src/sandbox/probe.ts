/**
 * Whether an OS sandbox can be had on this machine, found once per process.
 *
 * @module
 */
import { type Runner, SystemRunner } from "../process/mod.ts";
import { canMakeNoexec, deviceArgs, HELPER_PERL, helperArgv, NOEXEC_CAPS } from "./_helper.ts";
import { findProgram } from "./_programs.ts";

/** What {@link probeSandbox} found. */
export interface SandboxProbe {
  /** Whether commands can be sandboxed here. */
  available: boolean;
  /** The sandbox this platform uses. */
  kind: "bwrap" | "sandbox-exec" | "none";
  /** Why it is (or is not) available, naming what was tried. */
  reason: string;
  /** The command that makes it available, or null. */
  fix: string | null;
  /** The bubblewrap binary. */
  bwrap: string | null;
  /** `env(1)`, which starts bubblewrap with only the filtered environment. */
  env: string | null;
  /** Perl, which runs the in-sandbox helper (Landlock, network bridge); null without it. */
  perl: string | null;
  /** Whether `--unshare-user` works (a user namespace for the sandbox). */
  userNamespace: boolean;
  /** Whether `--disable-userns` works (bubblewrap ≥ 0.8: no nested user namespaces). */
  disableUserns: boolean;
  /** The Landlock ABI version the kernel offers, 0 without Landlock (or without Perl). */
  landlockAbi: number;
  /** Whether the helper can make writable mounts no-exec (needs Perl and a known architecture). */
  noexec: boolean;
}

/** Options of {@link probeSandbox}. */
export interface ProbeOptions {
  /** Runs the probe commands (default a {@link SystemRunner}). */
  runner?: Runner;
  /** The PATH to look for bwrap, env and perl on (default caro's). */
  path?: string;
  /** Probe again instead of answering from the cache (memory and file). */
  refresh?: boolean;
  /**
   * A file that keeps an available probe between processes (e.g.
   * `$CARO_HOME/cache/sandbox-probe.json`): probing costs 50–120 ms (three
   * sandboxes started), which every `caro skill exec` would pay. It is used
   * while the kernel, the user and the bwrap/perl binaries are the same.
   */
  cacheFile?: string;
}

/** Probes of this process, by PATH and cache file. */
const probes = new Map<string, Promise<SandboxProbe>>();

/**
 * Finds whether a sandbox can be had here, and caches the answer for the
 * process: on Linux, bubblewrap on PATH that can really start (it runs
 * `bwrap --unshare-all --unshare-user … --ro-bind / / true`, which fails
 * without user namespaces), whether it can forbid nested user namespaces,
 * and which Landlock ABI the kernel offers (asked through Perl's `syscall`,
 * the same way the sandbox applies it). When unavailable, `reason` says
 * what is missing and `fix` the command that adds it.
 *
 * @example
 * ```ts
 * import { probeSandbox } from "./probe.ts";
 * if ((await Deno.permissions.query({ name: "run" })).state === "granted") {
 *   const probe = await probeSandbox();
 *   if (!probe.available && probe.fix === null && probe.kind === "bwrap") throw new Error();
 *   if (probe.available && probe.bwrap === null) throw new Error(probe.reason);
 * }
 * ```
 */
export function probeSandbox(options: ProbeOptions = {}): Promise<SandboxProbe> {
  const key = `${options.path ?? Deno.env.get("PATH")}\0${options.cacheFile ?? ""}`;
  let found = probes.get(key);
  if (!found || options.refresh) {
    found = probe(options);
    probes.set(key, found);
  }
  return found;
}

async function probe(options: ProbeOptions): Promise<SandboxProbe> {
  const none: SandboxProbe = {
    available: false,
    kind: "none",
    reason: "",
    fix: null,
    bwrap: null,
    env: null,
    perl: null,
    userNamespace: false,
    disableUserns: false,
    landlockAbi: 0,
    noexec: false,
  };
  if (Deno.build.os === "darwin") {
    return {
      ...none,
      kind: "sandbox-exec",
      reason: "macOS: caro writes a sandbox-exec profile from the grants but does not run it yet",
      fix: "add `[sandbox] required = false` to config.toml to run with the enforcer alone",
    };
  }
  if (Deno.build.os !== "linux") {
    return {
      ...none,
      reason: `${Deno.build.os} has no sandbox caro can use`,
      fix: "add `[sandbox] required = false` to config.toml to run with the enforcer alone",
    };
  }
  const path = options.path ?? Deno.env.get("PATH") ?? "/usr/bin:/bin";
  const bwrap = findProgram("bwrap", path)?.path ?? null;
  const env = findProgram("env", path)?.path ?? null;
  const perl = findProgram("perl", path)?.path ?? null;
  const found = { ...none, kind: "bwrap" as const, bwrap, env, perl };
  if (bwrap === null) {
    return {
      ...found,
      reason: "bubblewrap (bwrap) is not on PATH",
      fix: "sudo apt-get install bubblewrap   (Fedora: sudo dnf install bubblewrap)",
    };
  }
  if (env === null) {
    return { ...found, reason: "env(1) is not on PATH", fix: "sudo apt-get install coreutils" };
  }
  const fingerprint = JSON.stringify({
    v: 1,
    kernel: Deno.osRelease(),
    arch: Deno.build.arch,
    uid: Deno.uid(),
    bwrap: [bwrap, mtime(bwrap)],
    perl: [perl, perl === null ? null : mtime(perl)],
    env,
  });
  if (options.cacheFile && !options.refresh) {
    const kept = await readKept(options.cacheFile, fingerprint);
    if (kept !== null) return kept;
  }
  const result = await run(found, bwrap, perl, options);
  if (options.cacheFile && result.available) await keep(options.cacheFile, fingerprint, result);
  return result;
}

async function run(
  found: SandboxProbe,
  bwrap: string,
  perl: string | null,
  options: ProbeOptions,
): Promise<SandboxProbe> {
  const runner = options.runner ?? new SystemRunner();
  const base = ["--ro-bind", "/", "/", "--proc", "/proc", ...deviceArgs()];
  const flags = ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"];
  const full = await runner.run(
    [bwrap, ...flags, "--unshare-user", "--disable-userns", ...base, "true"],
    { timeoutMs: 10_000 },
  );
  let userNamespace = full.code === 0;
  const disableUserns = full.code === 0;
  if (!userNamespace) {
    const plain = await runner.run([bwrap, ...flags, "--unshare-user", ...base, "true"], {
      timeoutMs: 10_000,
    });
    userNamespace = plain.code === 0;
  }
  if (!userNamespace) {
    // As root, bubblewrap can build the namespaces without a user namespace.
    const root = await runner.run([bwrap, ...flags, ...base, "true"], { timeoutMs: 10_000 });
    if (root.code !== 0) {
      const why = (root.stderr || full.stderr).trim().split("\n")[0] || `exit ${root.code}`;
      return { ...found, reason: `bwrap cannot create namespaces: ${why}`, fix: usernsFix(why) };
    }
  }
  let landlockAbi = perl === null ? 0 : await landlockVersion(runner, perl);
  let noexec = false;
  if (perl !== null) {
    // The helper's whole chain, once: no-exec remounts, Landlock, dropping
    // capabilities. Whatever fails here is left out of every plan.
    const namespaces = [...flags, ...(userNamespace ? ["--unshare-user"] : [])];
    const mounts = [...base, "--tmpfs", "/tmp", "--tmpfs", "/run", "--ro-bind", perl, HELPER_PERL];
    const tries: Array<[boolean, number]> = [[canMakeNoexec(), landlockAbi], [false, landlockAbi]];
    for (const [withNoexec, abi] of tries) {
      const helper = helperArgv({
        landlockAbi: abi,
        bridge: false,
        executable: ["/"],
        noexec: withNoexec,
      });
      const result = await runner.run(
        [
          bwrap,
          ...namespaces,
          ...(withNoexec ? NOEXEC_CAPS : []),
          ...mounts,
          "--",
          ...helper,
          "true",
        ],
        { timeoutMs: 10_000 },
      );
      if (result.code === 0) {
        noexec = withNoexec;
        break;
      }
      if (!withNoexec) landlockAbi = 0;
    }
  }
  const parts = [
    `bubblewrap at ${bwrap}`,
    userNamespace ? "user namespaces" : "no user namespace (running as root)",
    disableUserns ? "nested user namespaces refused" : "nested user namespaces allowed",
    landlockAbi > 0 ? `Landlock ABI ${landlockAbi}` : "no Landlock",
    noexec ? "no-exec writable mounts" : "writable mounts can hold programs",
  ];
  if (perl === null) parts.push("no perl: no Landlock, no network bridge");
  return {
    ...found,
    available: true,
    reason: parts.join(", "),
    userNamespace,
    disableUserns,
    landlockAbi,
    noexec,
  };
}

async function landlockVersion(runner: Runner, perl: string): Promise<number> {
  // landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) returns
  // the ABI version, or -1 (ENOSYS, or EOPNOTSUPP when disabled at boot).
  const result = await runner.run([perl, "-e", "print syscall(444, 0, 0, 1)"], {
    timeoutMs: 10_000,
  });
  const abi = Number.parseInt(result.stdout.trim(), 10);
  return result.code === 0 && Number.isInteger(abi) && abi > 0 ? abi : 0;
}

function usernsFix(why: string): string {
  if (/apparmor|permission denied/i.test(why)) {
    return "sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0   (Ubuntu ≥ 23.10), " +
      "or sudo sysctl kernel.unprivileged_userns_clone=1";
  }
  return "sudo sysctl kernel.unprivileged_userns_clone=1   (and user.max_user_namespaces > 0)";
}

function mtime(path: string): number | null {
  return Deno.statSync(path).mtime?.getTime() ?? null;
}

async function readKept(file: string, fingerprint: string): Promise<SandboxProbe | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  // A file from another version or a torn write is probed again, not trusted.
  const kept = (() => {
    try {
      return JSON.parse(text) as { fingerprint?: string; probe?: SandboxProbe };
    } catch (error) {
      if (error instanceof SyntaxError) return null;
      throw error;
    }
  })();
  return kept?.fingerprint === fingerprint && kept.probe?.available === true ? kept.probe : null;
}

async function keep(file: string, fingerprint: string, probe: SandboxProbe): Promise<void> {
  const temp = `${file}.${Deno.pid}.tmp`;
  try {
    await Deno.mkdir(file.slice(0, file.lastIndexOf("/")) || "/", { recursive: true });
    await Deno.writeTextFile(temp, JSON.stringify({ fingerprint, probe }));
    await Deno.rename(temp, file);
  } catch (error) {
    // Without a writable cache the probe still holds for this process; the
    // next one probes again.
    if (!(error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotFound)) {
      throw error;
    }
  }
}
