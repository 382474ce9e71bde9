/**
 * The Linux sandbox of one skill, planned from its grants: the bubblewrap
 * command line, the environment and the Landlock rules, as data. Planning
 * reads the filesystem (real paths, which programs exist) and runs nothing.
 *
 * @module
 */
import {
  type Capabilities,
  expandPath,
  isInsideRoot,
  type PathContext,
  resolveRealPath,
} from "../capability/mod.ts";
import { SkillError } from "../errors/mod.ts";
import { sandboxEnvironment, type WithheldVariable } from "./environment.ts";
import {
  BRIDGE_PORT,
  DEVICE_LINKS,
  DEVICES,
  HELPER_PERL,
  helperArgv,
  NOEXEC_CAPS,
  PROXY_SOCKET,
} from "./_helper.ts";
import { credentialPaths, etcSecretMasks, grantRoots, OWN_FOLDERS } from "./_host_paths.ts";
import {
  allowedPrograms,
  BASE_PROGRAMS,
  baseName,
  executableList,
  findProgram,
  HELPER_FOLDERS,
  isBlocked,
  isEmptyFolder,
  lstat,
  PROGRAM_FOLDERS,
  sandboxPath,
} from "./_programs.ts";
import type { SandboxProbe } from "./probe.ts";

/** Folders bound read-only into every sandbox (symlinks are recreated as symlinks). */
const SYSTEM_FOLDERS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];

/** One step of the sandbox's filesystem, in the order bubblewrap applies it. */
export interface SandboxMount {
  /**
   * `ro-bind`/`bind`: a host path read-only/writable; `dev-bind`: a device;
   * `tmpfs`: an empty in-memory folder; `mask`: `/dev/null` over a file;
   * `proc`: a fresh /proc; `symlink`; `dir`: an empty folder; `remount-ro`:
   * make read-only.
   */
  op:
    | "ro-bind"
    | "bind"
    | "dev-bind"
    | "tmpfs"
    | "mask"
    | "proc"
    | "symlink"
    | "dir"
    | "remount-ro";
  /** Where, inside the sandbox. */
  path: string;
  /** The host path bound, or a symlink's target. */
  source?: string;
  /** The mode of a `tmpfs` (default 0755). */
  mode?: string;
  /** Why this step is there. */
  why: string;
}

/** Options of {@link sandboxPlan}: what the path variables mean, and the probe. */
export interface SandboxPlanOptions extends PathContext {
  /** What {@link probeSandbox} found; planning refuses when it is not available. */
  probe: SandboxProbe;
  /** The host environment to filter (default caro's own). */
  env?: Readonly<Record<string, string>>;
  /** The Unix socket of a running {@link startNetworkProxy}; without it there is no network. */
  proxySocket?: string | null;
}

/** A sandbox, planned: run `[...prefix, ...argv]` (see {@link wrapCommand}). */
export interface SandboxPlan {
  /** `env -i VARS… bwrap ARGS… --` (then the helper, when used); the command's argv follows. */
  prefix: string[];
  /** Exactly the environment the command sees. */
  env: Record<string, string>;
  /** The filesystem, step by step. */
  mounts: SandboxMount[];
  /** Files and folders whose programs may be executed. */
  executable: string[];
  /** Whether Landlock holds the executable list (else only the mounts do). */
  landlock: boolean;
  /** Whether every writable mount is no-exec (nothing the command writes can run). */
  noexec: boolean;
  /** `none`: no network at all; `proxy`: only the filtering proxy, through the bridge. */
  network: "none" | "proxy";
  /** Granted variables withheld as credentials. */
  withheld: WithheldVariable[];
  /** What a user should know: grants skipped, programs not found, walls missing. */
  notes: string[];
}

/**
 * Plans the sandbox for a command of a skill, from its grants (issue 12):
 *
 * - system folders (`/usr`, `/bin`, `/lib*`, `/etc`) read-only, with the
 *   secrets of `/etc` (`shadow`, SSH host keys, TLS private keys…) masked;
 * - the home an empty tmpfs; `filesystem_read` roots bound read-only and
 *   `filesystem_write` roots writable, at their real paths, resolved as the
 *   enforcer resolves them; a private `/tmp`; `/dev` minimal; `/proc` fresh;
 * - without `secrets_access`, credential files (`~/.ssh`, `~/.aws/credentials`,
 *   `~/.kube/config`, …) masked even inside granted folders;
 * - every namespace unshared (network, PID, IPC, UTS, user, cgroup), no
 *   capabilities, no new privileges, a new session, killed with caro;
 * - with a non-empty allowlist, the program folders are empty tmpfs with only
 *   the allowed programs (and bash, sh, their interpreters) bound back; with
 *   Landlock, only those files may be executed at all, so a program's own
 *   children (`find -exec`, `tar --to-command`, git hooks) and programs the
 *   skill writes cannot run;
 * - the environment of {@link sandboxEnvironment}, given to bubblewrap
 *   through `env -i` so not even bubblewrap holds the rest;
 * - no network, or, when `network` is granted and `proxySocket` is given,
 *   only the proxy, reached through a bridge on `127.0.0.1:3128`.
 *
 * @param grants The skill's granted capabilities.
 * @param options What the path variables mean, the probe, the host environment, the proxy socket.
 * @throws {SkillError} `capability_denied` when no sandbox can be had here or `terminal_exec` is not granted.
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema } from "../capability/mod.ts";
 * import { sandboxPlan, wrapCommand } from "./plan.ts";
 * if ((await Deno.permissions.query({ name: "read" })).state === "granted") {
 *   const project = await Deno.realPath(await Deno.makeTempDir());
 *   await Deno.mkdir(`${project}/out`);
 *   const grants = CapabilitiesSchema.parse({
 *     terminal_exec: { allowed: true, commands: ["ls"] },
 *     filesystem_write: ["./out"],
 *   });
 *   const probe = {
 *     available: true, kind: "bwrap" as const, reason: "", fix: null, bwrap: "/usr/bin/bwrap",
 *     env: "/usr/bin/env", perl: null, userNamespace: true, disableUserns: true, landlockAbi: 0,
 *     noexec: false,
 *   };
 *   const plan = sandboxPlan(grants, {
 *     home: "/home/u", projectRoot: project, cacheDir: "/c", cwd: project, probe,
 *     env: { PATH: "/usr/bin:/bin", GITHUB_TOKEN: "x" },
 *   });
 *   const argv = wrapCommand(plan, ["bash", "-c", "ls out"]);
 *   if (!argv.includes("--unshare-all") || argv.at(-1) !== "ls out") throw new Error();
 *   if (!plan.mounts.some((m) => m.op === "bind" && m.path === `${project}/out`)) throw new Error();
 *   if ("GITHUB_TOKEN" in plan.env) throw new Error();
 *   await Deno.remove(project, { recursive: true });
 * }
 * ```
 */
export function sandboxPlan(grants: Capabilities, options: SandboxPlanOptions): SandboxPlan {
  const probe = options.probe;
  if (!probe.available || probe.kind !== "bwrap" || probe.bwrap === null || probe.env === null) {
    throw new SkillError("capability_denied", "Cannot run skill commands in a sandbox here", {
      why: probe.reason,
      hints: [
        ...(probe.fix ? [{ to: "make the sandbox available", run: probe.fix }] : []),
        {
          to: "run with the enforcer alone (a warning on every run)",
          run: "add `[sandbox] required = false` to config.toml",
        },
      ],
    });
  }
  const exec = grants.terminal_exec;
  if (!exec?.allowed) {
    throw new SkillError("capability_denied", "Cannot sandbox a command of this skill", {
      why: "terminal_exec is not granted",
    });
  }
  const hostEnv = options.env ?? Deno.env.toObject();
  const notes: string[] = [];
  const real = (path: string) => resolveRealPath(path);
  const home = real(options.home);
  const projectRoot = real(options.projectRoot);
  const cacheDir = real(options.cacheDir);
  const cwd = real(options.cwd);
  const context: PathContext = { home, projectRoot, cacheDir, cwd };
  const credentials = grants.secrets_access ? [] : credentialPaths(home);

  // 1. The layout: system folders, fresh /dev /proc /tmp, the hidden home, the grants.
  const roots = grantRoots(grants, options, credentials, notes);
  const layout: Array<{ mount: SandboxMount; rank: number }> = [];
  const system: string[] = [];
  for (const dir of SYSTEM_FOLDERS) {
    const info = lstat(dir);
    if (info === null) continue;
    if (info.isSymlink) {
      if (roots.some((r) => isInsideRoot(dir, r.real))) continue; // already there, as a symlink
      layout.push({
        mount: { op: "symlink", path: dir, source: Deno.readLinkSync(dir), why: "merged /usr" },
        rank: 0,
      });
    } else if (info.isDirectory) {
      system.push(dir);
      layout.push({
        mount: { op: "ro-bind", path: dir, source: dir, why: "system folder, read-only" },
        rank: 0,
      });
    }
  }
  layout.push(
    { mount: { op: "tmpfs", path: "/dev", why: "a /dev of harmless devices only" }, rank: 0 },
    ...DEVICES.map((d) => ({
      mount: { op: "dev-bind" as const, path: `/dev/${d}`, source: `/dev/${d}`, why: "device" },
      rank: 0,
    })),
    ...Object.entries(DEVICE_LINKS).map(([name, target]) => ({
      mount: { op: "symlink" as const, path: `/dev/${name}`, source: target, why: "descriptors" },
      rank: 0,
    })),
    { mount: { op: "dir", path: "/dev/shm", why: "POSIX shared memory" }, rank: 0 },
    { mount: { op: "proc", path: "/proc", why: "a /proc of the sandbox's own PIDs" }, rank: 0 },
    { mount: { op: "tmpfs", path: "/tmp", why: "a private /tmp" }, rank: 0 },
  );
  const homeGrant = roots.find((r) => isInsideRoot(home, r.real));
  if (homeGrant) {
    notes.push(`the home is visible through the grant ${homeGrant.written.join(", ")}`);
  } else if (home !== "/" && !system.some((s) => isInsideRoot(home, s))) {
    layout.push({
      mount: { op: "tmpfs", path: home, why: "the home, hidden: an empty, throwaway folder" },
      rank: 1,
    });
  }
  for (const root of roots) {
    layout.push({
      mount: {
        op: root.write ? "bind" : "ro-bind",
        path: root.real,
        source: root.real,
        why: `${root.write ? "filesystem_write" : "filesystem_read"} ${root.written.join(", ")}`,
      },
      rank: 2,
    });
  }
  for (const own of ["/run", "/sys"]) {
    // A grant of "/" would bring the host's sockets (docker, D-Bus, agents) and sysfs.
    if (roots.some((r) => isInsideRoot(own, r.real))) {
      layout.push({
        mount: { op: "tmpfs", path: own, why: "not the host's, whatever the grants" },
        rank: 3,
      });
    }
  }
  layout.sort((a, b) => depth(a.mount.path) - depth(b.mount.path) || a.rank - b.rank);
  const mounts = layout.map((l) => l.mount);
  // The deepest step covering the working folder decides whether it is the
  // host's there; if not, an empty one stands in so relative paths mean what
  // the enforcer judged (and bubblewrap can chdir).
  const cover = mounts.findLast((m) => isInsideRoot(cwd, m.path));
  if (cover?.op !== "bind" && cover?.op !== "ro-bind") {
    mounts.push({ op: "dir", path: cwd, why: "the working folder (empty)" });
  }

  // 2. Programs: the allowlist at the OS level.
  const path = sandboxPath(hostEnv.PATH);
  const allowlist = exec.commands.map(baseName).filter((n) => !isBlocked(n, exec.blocked));
  const programs = allowlist.length > 0
    ? allowedPrograms([...BASE_PROGRAMS, ...allowlist], exec.blocked, path, notes)
    : [];
  const masked = allowlist.length > 0
    ? PROGRAM_FOLDERS.filter((f) =>
      lstat(f)?.isDirectory && system.some((s) => isInsideRoot(f, s)) && !isEmptyFolder(f)
    )
    : [];
  const noexec = probe.noexec && probe.perl !== null;
  for (const folder of masked) {
    mounts.push({
      op: "tmpfs",
      path: folder,
      why: "program folder: only allowed programs",
      // With the no-exec helper nothing put there could run anyway; mode
      // 0555 saves a remount per folder.
      ...(noexec ? { mode: "0555" } : {}),
    });
  }
  for (const program of programs) {
    mounts.push({
      op: "ro-bind",
      path: program.path,
      source: program.file,
      why: "allowed program",
    });
  }
  if (!noexec) {
    for (const folder of masked) {
      mounts.push({ op: "remount-ro", path: folder, why: "no program can be added" });
    }
  }
  const boundNames = new Set(programs.map((p) => p.name));
  for (const [name, folders] of Object.entries(HELPER_FOLDERS)) {
    // A program's own parts are whole programs (git-core holds a git): out of
    // PATH, but `ld.so FILE` would run them. Hidden unless the program is allowed.
    if (allowlist.length === 0 ? !isBlocked(name, exec.blocked) : boundNames.has(name)) continue;
    for (const folder of folders) {
      if (lstat(folder)?.isDirectory) {
        mounts.push({
          op: "tmpfs",
          path: folder,
          why: `${name}'s helpers (${name} is not allowed)`,
        });
        if (!noexec) mounts.push({ op: "remount-ro", path: folder, why: "nothing can be added" });
      }
    }
  }
  if (allowlist.length === 0) {
    for (const name of exec.blocked.map(baseName)) {
      const found = findProgram(name, path);
      if (found) mounts.push({ op: "mask", path: found.path, why: `${name} is blocked` });
    }
  }
  for (const root of roots) {
    if (masked.some((f) => isInsideRoot(root.real, f))) {
      notes.push(
        `${root.written.join(", ")} is inside a program folder, hidden but for allowed programs`,
      );
    }
  }

  // 3. Secrets: /etc always, credential files without secrets_access.
  mounts.push(...etcSecretMasks());
  for (const credential of credentials) {
    const visible = roots.some((r) => isInsideRoot(credential.real, r.real));
    const info = visible ? lstat(credential.real) : null;
    if (info === null) continue;
    const why = `${credential.why} (no secrets_access)`;
    if (info.isDirectory) {
      mounts.push({ op: "tmpfs", path: credential.real, why }, {
        op: "remount-ro",
        path: credential.real,
        why,
      });
    } else mounts.push({ op: "mask", path: credential.real, why });
  }

  // 4. Network and the helper.
  const env = sandboxEnvironment(grants, { ...context, env: hostEnv });
  let network: SandboxPlan["network"] = "none";
  if (grants.network.length > 0) {
    if (!options.proxySocket) {
      notes.push("network is granted but no proxy is running: the command has no network");
    } else if (probe.perl === null) {
      notes.push("network is granted but perl is missing for the bridge: no network");
    } else {
      network = "proxy";
      mounts.push({
        op: "bind",
        path: PROXY_SOCKET,
        source: options.proxySocket,
        why: "the filtering proxy, the only way out",
      });
      const url = `http://127.0.0.1:${BRIDGE_PORT}`;
      for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"]) {
        env.env[name] = url;
        env.env[name.toLowerCase()] = url;
      }
      for (const name of ["NO_PROXY", "no_proxy"]) delete env.env[name];
    }
  }
  const landlock = probe.landlockAbi > 0 && probe.perl !== null;
  const executable = executableList(programs, allowlist.length > 0, system, path, roots);
  if (!landlock) {
    notes.push(
      "no Landlock" + (probe.perl === null ? " (perl is missing)" : " on this kernel") +
        ": programs found outside the program folders (/usr/lib/…) can run",
    );
  }
  if (!noexec) {
    notes.push("writable folders are not no-exec here: a program the skill writes can run");
  }
  const useHelper = landlock || noexec || network === "proxy";
  if (useHelper && !landlock && !noexec) {
    notes.push("the bridge's perl stays runnable by the command (neither Landlock nor no-exec)");
  }
  if (useHelper) {
    mounts.push({
      op: "ro-bind",
      path: HELPER_PERL,
      source: Deno.realPathSync(probe.perl!),
      why: "the helper: no-exec mounts, Landlock, the network bridge",
    });
  }
  mounts.push({
    op: "remount-ro",
    path: "/",
    why: "the sandbox's root: writes only to grants, /tmp",
  });

  const flags = [
    "--unshare-all",
    ...(probe.userNamespace ? ["--unshare-user"] : []),
    // The helper refuses nested user namespaces itself when it runs no-exec.
    ...(probe.userNamespace && probe.disableUserns && !noexec ? ["--disable-userns"] : []),
    "--die-with-parent",
    "--new-session",
    "--cap-drop",
    "ALL",
    // Only for the helper, which drops them before the command starts.
    ...(noexec ? NOEXEC_CAPS : []),
  ];
  const variables = Object.entries(env.env)
    .filter(([name]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    .map(([name, value]) => `${name}=${value}`);
  const prefix = [
    probe.env,
    "-i",
    ...variables,
    probe.bwrap,
    ...flags,
    ...mounts.flatMap(mountArgs),
    "--chdir",
    cwd,
    "--",
    ...(useHelper
      ? helperArgv({
        landlockAbi: landlock ? probe.landlockAbi : 0,
        bridge: network === "proxy",
        executable,
        noexec,
      })
      : []),
  ];
  return {
    prefix,
    env: env.env,
    mounts,
    executable,
    landlock,
    noexec,
    network,
    withheld: env.withheld,
    notes,
  };
}

/**
 * The argv that runs `argv` inside a planned sandbox.
 *
 * @throws {SkillError} `internal` for an empty argv.
 *
 * @example
 * ```ts
 * import { wrapCommand } from "./plan.ts";
 * const plan = {
 *   prefix: ["/usr/bin/env", "-i", "/usr/bin/bwrap", "--", ], env: {}, mounts: [], executable: [],
 *   landlock: false, noexec: false, network: "none" as const, withheld: [], notes: [],
 * };
 * const argv = wrapCommand(plan, ["bash", "-c", "true"]);
 * if (argv.join(" ") !== "/usr/bin/env -i /usr/bin/bwrap -- bash -c true") throw new Error();
 * ```
 */
export function wrapCommand(plan: SandboxPlan, argv: readonly string[]): string[] {
  if (argv.length === 0) throw new SkillError("internal", "Cannot sandbox an empty command");
  return [...plan.prefix, ...argv];
}

/**
 * Creates the `filesystem_write` roots that do not exist yet, so they can be
 * bound into the sandbox (a root that is missing is left out of it, and the
 * command could not create it: its parent is not writable there).
 *
 * @returns The real paths created.
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema } from "../capability/mod.ts";
 * import { createWriteRoots } from "./plan.ts";
 * if ((await Deno.permissions.query({ name: "write" })).state === "granted") {
 *   const project = await Deno.realPath(await Deno.makeTempDir());
 *   const grants = CapabilitiesSchema.parse({ filesystem_write: ["./out/reports"] });
 *   const ctx = { home: "/home/u", projectRoot: project, cacheDir: "/c", cwd: project };
 *   const created = await createWriteRoots(grants, ctx);
 *   if (created[0] !== `${project}/out/reports`) throw new Error(created.join());
 *   await Deno.remove(project, { recursive: true });
 * }
 * ```
 */
export async function createWriteRoots(
  grants: Capabilities,
  context: PathContext,
): Promise<string[]> {
  const created: string[] = [];
  for (const root of grants.filesystem_write) {
    const expanded = expandPath(root, context, context.projectRoot);
    // The sandbox's own folders (/proc, /dev, …) are never made; checked before
    // resolving, which the shipped binary's permissions do not allow there.
    if (OWN_FOLDERS.some((f) => isInsideRoot(expanded, f))) continue;
    const path = resolveRealPath(expanded);
    if (OWN_FOLDERS.some((f) => isInsideRoot(path, f)) || lstat(path) !== null) continue;
    await Deno.mkdir(path, { recursive: true });
    created.push(path);
  }
  return created;
}

function mountArgs(mount: SandboxMount): string[] {
  switch (mount.op) {
    case "ro-bind":
      return ["--ro-bind", mount.source!, mount.path];
    case "bind":
      return ["--bind", mount.source!, mount.path];
    case "tmpfs":
      return [...(mount.mode ? ["--perms", mount.mode] : []), "--tmpfs", mount.path];
    case "mask":
      return ["--ro-bind", "/dev/null", mount.path];
    case "dev-bind":
      return ["--dev-bind", mount.source!, mount.path];
    case "proc":
      return ["--proc", mount.path];
    case "symlink":
      return ["--symlink", mount.source!, mount.path];
    case "dir":
      return ["--dir", mount.path];
    case "remount-ro":
      return ["--remount-ro", mount.path];
  }
}

function depth(path: string): number {
  return path === "/" ? 0 : path.split("/").length - 1;
}
