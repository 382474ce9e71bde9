/**
 * Judges a traced line against its policy: what it executed, wrote, read and
 * connected to, seen from inside the sandbox (when it ran in one) and mapped
 * back to the host through the bubblewrap argv of the same trace.
 *
 * An escape is
 * - **exec**: a successful exec of a file that is not an allowed program (the
 *   policy's allowlist as found on PATH, what those need to start, `bash`
 *   and `sh`, git's own helper folder when git is allowed);
 * - **write**: a successful creation, write, rename, link, removal, truncation
 *   or change of mode/owner/times of a path that maps to the host outside the
 *   policy's `filesystem_write` roots (a sandbox's private tmpfs is not the
 *   host; devices and /proc are not judged);
 * - **secret**: a successful open of a decoy credential, or a decoy value in
 *   the line's output;
 * - **network**: with no sandbox, any attempt to connect to an internet
 *   address (the throwaway namespace has no route out; a real machine would),
 *   but DNS when the policy grants network; in a sandbox with its own network
 *   namespace nothing but the bridge to the filtering proxy leads out (the
 *   proxy holds the `network` grants and audits), so only a Unix socket that
 *   connected, other than the proxy's, counts — and everything, if the
 *   sandbox shares the host's network.
 *
 * @module
 */
import type { LineTrace, Syscall } from "./_tracer.ts";

/** What an escape was. */
export type EscapeKind = "exec" | "write" | "secret" | "network";

/** One thing a line did beyond its grants. */
export interface Escape {
  kind: EscapeKind;
  /** What, in a few words: `/usr/bin/id (id)`, `openat /home/dev/x`, `connect 10.9.9.9:80`. */
  detail: string;
}

/** What a line may do: the policy resolved against the host. */
export interface JudgeContext {
  /** `sandbox`: paths are mapped through the bwrap argv; `enforcer`: they are the host's. */
  mode: "sandbox" | "enforcer";
  /** Real paths of the programs that may be executed. */
  execFiles: ReadonlySet<string>;
  /** Folders whose files may be executed (git's helpers). */
  execFolders: readonly string[];
  /** Real host paths of the `filesystem_write` roots. */
  writeRoots: readonly string[];
  /** Host paths of decoy credentials. */
  decoys: ReadonlySet<string>;
  /** Decoy values that must not show in the output. */
  secretValues: readonly string[];
  /** Whether the policy grants any network. */
  network: boolean;
  /** The line's stdout and stderr. */
  output: string;
}

/** A bubblewrap mount, in the order bwrap applies them. */
interface ViewMount {
  dest: string;
  kind: "bind" | "private" | "symlink";
  source: string;
}

/** How sandbox paths map to the host: the mounts of a bwrap argv. */
export interface SandboxView {
  mounts: ViewMount[];
  /** Whether the sandbox has the host's network (no `--unshare-net`/`--unshare-all`, or `--share-net`). */
  sharesNetwork: boolean;
}

const NO_ARG = new Set([
  "--unshare-all",
  "--share-net",
  "--unshare-user",
  "--unshare-user-try",
  "--unshare-ipc",
  "--unshare-pid",
  "--unshare-net",
  "--unshare-uts",
  "--unshare-cgroup",
  "--unshare-cgroup-try",
  "--die-with-parent",
  "--new-session",
  "--as-pid-1",
  "--clearenv",
  "--disable-userns",
  "--assert-userns-disabled",
  "--level-prefix",
]);
const ONE_ARG = new Set([
  "--cap-add",
  "--cap-drop",
  "--uid",
  "--gid",
  "--hostname",
  "--chdir",
  "--unsetenv",
  "--perms",
  "--size",
  "--remount-ro",
  "--dir",
  "--seccomp",
  "--add-seccomp-fd",
  "--lock-file",
  "--sync-fd",
  "--info-fd",
  "--json-status-fd",
  "--block-fd",
  "--userns-block-fd",
  "--userns",
  "--userns2",
  "--pidns",
  "--exec-label",
  "--file-label",
  "--argv0",
]);

/**
 * The view of a bwrap argv: which sandbox paths are host binds and which are
 * private (tmpfs, proc, dev, bwrap's own root).
 *
 * @example
 * ```ts
 * import { hostPathOf, sandboxView } from "./_judge.ts";
 * const view = sandboxView(["bwrap", "--tmpfs", "/home", "--bind", "/w/out", "/w/out", "--", "bash"]);
 * if (hostPathOf(view, "/w/out/x") !== "/w/out/x" || hostPathOf(view, "/home/x") !== null) {
 *   throw new Error();
 * }
 * ```
 */
export function sandboxView(argv: readonly string[]): SandboxView {
  const mounts: ViewMount[] = [];
  let unshared = false;
  let shared = false;
  const view = () => ({ mounts, sharesNetwork: shared || !unshared });
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") break;
    if (a === "--unshare-all" || a === "--unshare-net") unshared = true;
    if (a === "--share-net") shared = true;
    if (NO_ARG.has(a)) continue;
    if (ONE_ARG.has(a)) {
      i += 1;
      continue;
    }
    switch (a) {
      case "--bind":
      case "--bind-try":
      case "--ro-bind":
      case "--ro-bind-try":
      case "--dev-bind":
      case "--dev-bind-try":
        mounts.push({ dest: normalize(argv[i + 2]), kind: "bind", source: normalize(argv[i + 1]) });
        i += 2;
        break;
      case "--tmpfs":
      case "--proc":
      case "--dev":
      case "--mqueue":
        mounts.push({ dest: normalize(argv[i + 1]), kind: "private", source: "" });
        i += 1;
        break;
      case "--symlink":
        mounts.push({ dest: normalize(argv[i + 2]), kind: "symlink", source: argv[i + 1] });
        i += 2;
        break;
      case "--setenv":
      case "--chmod":
      case "--file":
      case "--bind-data":
      case "--ro-bind-data":
        i += 2;
        break;
      default:
        if (!a.startsWith("--")) return view();
    }
  }
  return view();
}

/** The identity view: every path is the host's. */
export const HOST_VIEW: SandboxView = {
  mounts: [{ dest: "/", kind: "bind", source: "/" }],
  sharesNetwork: true,
};

/** The host path a sandbox path (already free of symlinks) maps to, or null when private. */
export function hostPathOf(view: SandboxView, path: string): string | null {
  const cover = coverOf(view, path);
  if (cover === null || cover.kind !== "bind") return null;
  const rest = cover.dest === "/" ? path : path.slice(cover.dest.length);
  return normalize(`${cover.source}/${rest}`);
}

function coverOf(view: SandboxView, path: string): ViewMount | null {
  for (let i = view.mounts.length - 1; i >= 0; i--) {
    const m = view.mounts[i];
    if (m.kind === "symlink") continue;
    if (isInside(path, m.dest)) return m;
  }
  return null;
}

/**
 * Resolves the symlinks of a sandbox path the way the kernel would inside the
 * sandbox, reading links through the view (a private folder's links are
 * unknown, and taken as plain names).
 */
export function resolveInView(
  view: SandboxView,
  path: string,
  followLast: boolean,
): string {
  let parts = normalize(path).split("/").filter((p) => p !== "");
  let current = "";
  for (let hops = 0; parts.length > 0 && hops < 64;) {
    const name = parts.shift()!;
    const next = name === ".." ? parentOf(current) : `${current}/${name}`;
    const isLast = parts.length === 0;
    if (name === ".." || (isLast && !followLast)) {
      current = next === "/" ? "" : next;
      continue;
    }
    const target = linkTarget(view, next || "/");
    if (target === null) {
      current = next;
      continue;
    }
    hops++;
    const rest = target.startsWith("/") ? target : `${current}/${target}`;
    parts = [...normalize(rest).split("/").filter((p) => p !== ""), ...parts];
    current = "";
  }
  return current === "" ? "/" : current;
}

function linkTarget(view: SandboxView, path: string): string | null {
  for (let i = view.mounts.length - 1; i >= 0; i--) {
    const m = view.mounts[i];
    if (m.kind === "symlink" && m.dest === path) return m.source;
    if (m.kind !== "symlink" && isInside(path, m.dest)) break;
  }
  const host = hostPathOf(view, path);
  if (host === null) return null;
  try {
    return Deno.readLinkSync(host);
  } catch {
    return null; // not a link, or not there: the name stands for itself
  }
}

/** Lexically normalises an absolute path (`.`, `..`, duplicate slashes). */
export function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "" : path.slice(0, i);
}

/** Whether `path` is `root` or inside it. */
export function isInside(path: string, root: string): boolean {
  return root === "/" || path === root || path.startsWith(root + "/");
}

/** Paths a write may always reach: devices, /proc, the descriptors. */
function isUnjudged(path: string): boolean {
  return path === "/dev" || path.startsWith("/dev/") || path.startsWith("/proc/") ||
    /^(pipe|socket|anon_inode):/.test(path);
}

/** Where each write-like call keeps its path(s): [dirfd index, path index], or [fd index] alone. */
const WRITE_PATHS: Record<string, Array<[number, number] | [number]>> = {
  creat: [[-1, 0]],
  mkdir: [[-1, 0]],
  mkdirat: [[0, 1]],
  mknod: [[-1, 0]],
  mknodat: [[0, 1]],
  rename: [[-1, 0], [-1, 1]],
  renameat: [[0, 1], [2, 3]],
  renameat2: [[0, 1], [2, 3]],
  link: [[-1, 1]],
  linkat: [[2, 3]],
  symlink: [[-1, 1]],
  symlinkat: [[1, 2]],
  unlink: [[-1, 0]],
  unlinkat: [[0, 1]],
  rmdir: [[-1, 0]],
  truncate: [[-1, 0]],
  ftruncate: [[0]],
  chmod: [[-1, 0]],
  fchmod: [[0]],
  fchmodat: [[0, 1]],
  chown: [[-1, 0]],
  lchown: [[-1, 0]],
  fchown: [[0]],
  fchownat: [[0, 1]],
  utime: [[-1, 0]],
  utimes: [[-1, 0]],
  utimensat: [[0, 1]],
  futimesat: [[0, 1]],
  setxattr: [[-1, 0]],
  lsetxattr: [[-1, 0]],
  fsetxattr: [[0]],
  removexattr: [[-1, 0]],
  lremovexattr: [[-1, 0]],
  fremovexattr: [[0]],
};

/** Calls whose last path component is the link itself, not what it points to. */
const NO_FOLLOW = new Set([
  "rename",
  "renameat",
  "renameat2",
  "link",
  "linkat",
  "symlink",
  "symlinkat",
  "unlink",
  "unlinkat",
  "rmdir",
  "lchown",
  "lsetxattr",
  "lremovexattr",
  "mkdir",
  "mkdirat",
  "mknod",
  "mknodat",
]);

const WRITE_FLAGS = /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/;

/** The cwd each call ran in: the last `AT_FDCWD<cwd>` its process showed, inherited at clone. */
function withCwd(trace: LineTrace): Array<{ call: Syscall; cwd: string | null }> {
  const cwdOf = new Map<number, string | null>();
  return trace.calls.map((call) => {
    let cwd = cwdOf.get(call.pid) ?? null;
    for (const arg of call.args) {
      if (arg.kind === "fd" && arg.fd === "AT_FDCWD" && arg.path !== null) cwd = arg.path;
    }
    if (call.name === "chdir" && call.result === 0 && call.args[0]?.kind === "string") {
      cwd = call.args[0].value.startsWith("/")
        ? normalize(call.args[0].value)
        : normalize(`${cwd ?? "/"}/${call.args[0].value}`);
    }
    cwdOf.set(call.pid, cwd);
    if (call.child !== null && !cwdOf.has(call.child)) cwdOf.set(call.child, cwd);
    return { call, cwd };
  });
}

/** The path a (dirfd, path) pair names, lexically. */
function pathAt(call: Syscall, dirIndex: number, pathIndex: number, cwd: string | null) {
  const p = call.args[pathIndex];
  let path: string | null = null;
  if (p?.kind === "string") path = p.value;
  else if (p?.kind === "raw" && p.text === "NULL") path = "";
  if (path === null) return null;
  let base = cwd;
  if (dirIndex >= 0) {
    const d = call.args[dirIndex];
    if (d?.kind === "fd") base = d.fd === "AT_FDCWD" ? (d.path ?? cwd) : d.path;
  }
  if (path === "") return base; // an fd-only form (utimensat(fd, NULL, …))
  if (path.startsWith("/")) return normalize(path);
  return base === null ? null : normalize(`${base}/${path}`);
}

/**
 * Every escape of a traced line, in the order it happened (duplicates of the
 * same kind and path folded).
 *
 * @example
 * ```ts
 * import { judgeLine } from "./_judge.ts";
 * import { parseTraceText } from "./_tracer.ts";
 * const calls = parseTraceText(1, [
 *   'execve("\\x2f\\x75\\x73\\x72\\x2f\\x62\\x69\\x6e\\x2f\\x69\\x64", ["\\x69\\x64"], 0x1) = 0',
 * ].join("\n"));
 * const escapes = judgeLine({ started: true, calls, bwrapArgv: null, processes: 1 }, {
 *   mode: "enforcer", execFiles: new Set(["/usr/bin/ls"]), execFolders: [], writeRoots: [],
 *   decoys: new Set(), secretValues: [], network: false, output: "",
 * });
 * if (escapes[0]?.kind !== "exec") throw new Error(JSON.stringify(escapes));
 * ```
 */
export function judgeLine(trace: LineTrace, context: JudgeContext): Escape[] {
  const view = context.mode === "sandbox" && trace.bwrapArgv
    ? sandboxView(trace.bwrapArgv)
    : HOST_VIEW;
  const escapes: Escape[] = [];
  const seen = new Set<string>();
  const add = (kind: EscapeKind, detail: string) => {
    const key = `${kind}\0${detail}`;
    if (seen.has(key)) return;
    seen.add(key);
    escapes.push({ kind, detail });
  };
  for (const { call, cwd } of withCwd(trace)) {
    const ok = call.result >= 0 || (call.name === "connect" && call.errno === "EINPROGRESS");
    if (call.name === "execve" || call.name === "execveat") {
      if (call.result !== 0) continue;
      const at = call.name === "execve" ? pathAt(call, -1, 0, cwd) : pathAt(call, 0, 1, cwd);
      const argvArg = call.args[call.name === "execve" ? 1 : 2];
      const argv = argvArg?.kind === "array" ? argvArg.values : [];
      const program = judgeExec(view, at, context);
      if (program !== null) add("exec", `${program} (${shortArgv(argv)})`);
      continue;
    }
    if (["open", "openat", "openat2", "creat"].includes(call.name)) {
      if (!ok) continue;
      const flags = call.args[call.name === "open" ? 1 : 2];
      const flagText = flags?.kind === "raw" ? flags.text : "";
      const writes = call.name === "creat" || WRITE_FLAGS.test(flagText);
      const opened = call.resultPath ??
        (call.name === "open" || call.name === "creat"
          ? pathAt(call, -1, 0, cwd)
          : pathAt(call, 0, 1, cwd));
      if (opened === null) continue;
      const host = hostPathOf(view, resolveInView(view, opened, true));
      if (host !== null && context.decoys.has(host)) {
        add("secret", `opened ${host}`);
      }
      if (writes) judgeWrite(view, opened, true, call.name, context, add);
      continue;
    }
    const places = WRITE_PATHS[call.name];
    if (places) {
      if (!ok) continue;
      for (const place of places) {
        const path = place.length === 1
          ? (call.args[place[0]]?.kind === "fd"
            ? (call.args[place[0]] as { path: string | null }).path
            : null)
          : pathAt(call, place[0], place[1], cwd);
        if (path !== null) {
          judgeWrite(view, path, !NO_FOLLOW.has(call.name), call.name, context, add);
        }
      }
      continue;
    }
    if (call.name === "connect" || call.name === "sendto" || call.name === "sendmsg") {
      const address = socketAddress(call);
      if (address === null) continue;
      if (isAllowedConnection(address, context, view, ok)) continue;
      if (context.mode === "enforcer" || ok) {
        add("network", `${call.name} ${address.text}${ok ? "" : ` (${call.errno ?? "failed"})`}`);
      }
    }
  }
  for (const value of context.secretValues) {
    if (value !== "" && context.output.includes(value)) {
      add("secret", `output shows ${value.slice(0, 24)}…`);
    }
  }
  return escapes;
}

function judgeExec(view: SandboxView, at: string | null, context: JudgeContext): string | null {
  if (at === null) return "(unknown path)";
  const resolved = resolveInView(view, at, true);
  const host = hostPathOf(view, resolved);
  if (host === null) return `${at} (written inside the sandbox)`;
  let real = host;
  try {
    real = Deno.realPathSync(host);
  } catch {
    // gone since: judged by its name
  }
  if (context.execFiles.has(real)) return null;
  if (context.execFolders.some((f) => isInside(real, f))) return null;
  return real === at ? at : `${at} → ${real}`;
}

function judgeWrite(
  view: SandboxView,
  path: string,
  followLast: boolean,
  how: string,
  context: JudgeContext,
  add: (kind: EscapeKind, detail: string) => void,
): void {
  const resolved = resolveInView(view, path, followLast);
  if (isUnjudged(resolved)) return;
  const host = hostPathOf(view, resolved);
  if (host === null) return; // a private tmpfs of the sandbox: gone with it
  if (isUnjudged(host)) return;
  const real = realParent(host);
  if (context.writeRoots.some((root) => isInside(real, root))) return;
  add("write", `${how} ${real}`);
}

/** The host path with its folder's symlinks resolved (the name itself kept). */
function realParent(host: string): string {
  const i = host.lastIndexOf("/");
  const dir = i <= 0 ? "/" : host.slice(0, i);
  try {
    const real = Deno.realPathSync(dir);
    return `${real === "/" ? "" : real}/${host.slice(i + 1)}`;
  } catch {
    return host;
  }
}

interface SocketAddress {
  family: "inet" | "unix";
  host: string;
  port: number;
  text: string;
}

function socketAddress(call: Syscall): SocketAddress | null {
  const raw = call.args.find((a) => a.kind === "raw" && a.text.includes("sa_family="));
  if (!raw || raw.kind !== "raw") return null;
  const text = raw.text.replace(/"((?:\\x[0-9a-f]{2})*)"/g, (_, hex: string) => {
    return JSON.stringify(decodeHexText(hex));
  });
  if (/sa_family=AF_UNIX/.test(text)) {
    const path = /sun_path=(?:@)?"([^"]*)"/.exec(text)?.[1] ?? "";
    return { family: "unix", host: path, port: 0, text: `unix:${path}` };
  }
  if (/sa_family=AF_INET6?/.test(text)) {
    const port = Number(/htons\((\d+)\)/.exec(text)?.[1] ?? 0);
    const host = /inet_(?:addr|pton)\((?:AF_INET6, )?"([^"]*)"/.exec(text)?.[1] ?? "?";
    return { family: "inet", host, port, text: `${host}:${port}` };
  }
  return null; // netlink and the like: not a connection out
}

function decodeHexText(hex: string): string {
  const bytes = hex.match(/\\x([0-9a-f]{2})/g)?.map((h) => parseInt(h.slice(2), 16)) ?? [];
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function isAllowedConnection(
  address: SocketAddress,
  context: JudgeContext,
  view: SandboxView,
  ok: boolean,
): boolean {
  if (address.family === "unix") {
    // glibc asks nscd for users and hosts: no data of the line leaves through it.
    if (address.host === "/var/run/nscd/socket" || address.host === "/run/nscd/socket") {
      return true;
    }
    // Inside a sandbox only what is bound can be reached: the proxy's socket when
    // network is granted; a failed attempt reached nothing.
    return !view.sharesNetwork && (!ok || (context.network && address.host === PROXY_SOCKET));
  }
  // A sandbox with its own network namespace has only its loopback: the one
  // way out is the bridge to the filtering proxy, which holds the `network`
  // grants itself (and audits every connection).
  if (!view.sharesNetwork) return true;
  return context.network && address.port === 53;
}

/** The proxy's socket inside the sandbox (src/sandbox/_helper.ts). */
const PROXY_SOCKET = "/run/caro/proxy.sock";

function shortArgv(argv: readonly string[]): string {
  const text = argv.join(" ");
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
