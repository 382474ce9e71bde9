/**
 * The tracer of the differential test: a command runs under `strace -ff`
 * (one file per process), and this module reads those files back, finds the
 * generated line's own processes and judges what they did.
 *
 * Telling the sandbox's machinery from the line: the machinery is `env -i`,
 * `bwrap`, bwrap's init, the Perl helper (and the network bridge it forks),
 * all of which run before the line starts. The line starts at the first
 * successful `execve` whose argv is exactly `["bash", "-c", LINE]`: the
 * marker. The line's processes are the marker's process from that exec on,
 * plus every process or thread it (transitively) clones afterwards. The
 * bridge is forked before the marker, so it is not a descendant. Clone
 * results inside the sandbox's PID namespace are translated to the tracer's
 * PIDs by `--pidns-translation`.
 *
 * Nothing is injected: strace's `inject=execve:…:when=2+` counts per
 * process, so each child's first exec (`find -exec id`) would still run.
 * Every exec is traced and judged instead.
 *
 * @module
 */

/** System calls traced: process tree, exec, path writes, opens (reads of decoys), network. */
export const TRACED_SYSCALLS = [
  "execve",
  "execveat",
  "clone",
  "clone3",
  "fork",
  "vfork",
  "open",
  "openat",
  "openat2",
  "creat",
  "mkdir",
  "mkdirat",
  "mknod",
  "mknodat",
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
  "truncate",
  "ftruncate",
  "chmod",
  "fchmod",
  "fchmodat",
  "chown",
  "fchown",
  "lchown",
  "fchownat",
  "utime",
  "utimes",
  "utimensat",
  "futimesat",
  "setxattr",
  "lsetxattr",
  "fsetxattr",
  "removexattr",
  "lremovexattr",
  "fremovexattr",
  "chdir",
  "connect",
  "sendto",
  "sendmsg",
] as const;

/**
 * The strace prefix that writes one trace file per process to `prefix.PID`:
 * every string in hex (`-xx`, so any byte decodes exactly), file descriptors
 * with their paths (`-y`; `AT_FDCWD<cwd>` too), PIDs translated out of PID
 * namespaces, and a seccomp filter so untraced calls cost nothing.
 */
export function straceArgv(prefix: string): string[] {
  return [
    "strace",
    "-ff",
    "--seccomp-bpf",
    "--pidns-translation",
    "-qq",
    "-xx",
    "-y",
    "-s",
    "65536",
    "-e",
    "signal=none",
    "-e",
    `trace=${TRACED_SYSCALLS.join(",")}`,
    "-o",
    prefix,
    "--",
  ];
}

/** One traced system call of one process, decoded. */
export interface Syscall {
  pid: number;
  name: string;
  /** The top-level arguments as strace printed them, strings decoded. */
  args: Arg[];
  /** The return value (NaN for `?`). */
  result: number;
  /** The path decorating the result (`= 3</out/x>`), when there is one. */
  resultPath: string | null;
  /** The errno name on failure (`EROFS`). */
  errno: string | null;
  /** For clone/fork: the child's PID in the tracer's namespace. */
  child: number | null;
}

/** A decoded argument: a string, an fd with its path, an array of strings, or raw text. */
export type Arg =
  | { kind: "string"; value: string }
  | { kind: "fd"; fd: string; path: string | null }
  | { kind: "array"; values: string[] }
  | { kind: "raw"; text: string };

/**
 * Reads the per-process files `prefix.PID` and removes them.
 *
 * @returns The decoded calls of every process, in order within each process.
 */
export async function readTraceFiles(prefix: string): Promise<Map<number, Syscall[]>> {
  const dir = prefix.slice(0, prefix.lastIndexOf("/"));
  const base = prefix.slice(prefix.lastIndexOf("/") + 1) + ".";
  const out = new Map<number, Syscall[]>();
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.startsWith(base)) continue;
    const pid = Number(entry.name.slice(base.length));
    if (!Number.isInteger(pid)) continue;
    const path = `${dir}/${entry.name}`;
    const text = await Deno.readTextFile(path);
    await Deno.remove(path);
    out.set(pid, parseTraceText(pid, text));
  }
  return out;
}

/**
 * Decodes the text of one process's trace file.
 *
 * @example
 * ```ts
 * import { parseTraceText } from "./_tracer.ts";
 * const [call] = parseTraceText(7, 'unlinkat(AT_FDCWD<\\x2f\\x77>, "\\x61", 0) = 0\n');
 * if (call.name !== "unlinkat" || call.args[1].kind !== "string" || call.args[1].value !== "a") {
 *   throw new Error();
 * }
 * ```
 */
export function parseTraceText(pid: number, text: string): Syscall[] {
  const calls: Syscall[] = [];
  for (const line of text.split("\n")) {
    const call = parseLine(pid, line);
    if (call !== null) calls.push(call);
  }
  return calls;
}

function parseLine(pid: number, line: string): Syscall | null {
  const open = line.indexOf("(");
  if (open <= 0 || !/^[a-z_0-9]+$/.test(line.slice(0, open))) return null;
  const name = line.slice(0, open);
  const close = matchingParen(line, open);
  if (close < 0) return null;
  const rest = line.slice(close + 1);
  const m =
    /^\s+=\s+(\?|-?\d+|0x[0-9a-f]+)(<([^>]*)>)?(?:\s+([A-Z][A-Z0-9_]+))?(?:.*\/\* (\d+) in strace's PID NS \*\/)?/
      .exec(rest);
  if (!m) return null;
  const result = m[1] === "?" ? NaN : Number(m[1]);
  const isClone = ["clone", "clone3", "fork", "vfork"].includes(name);
  return {
    pid,
    name,
    args: splitArgs(line.slice(open + 1, close)).map(decodeArg),
    result,
    resultPath: m[3] !== undefined ? decodeHex(m[3]) : null,
    errno: m[4] ?? null,
    child: isClone && result > 0 ? Number(m[5] ?? result) : null,
  };
}

/** The index of the `)` closing the `(` at `open`, skipping strings and nested brackets. */
function matchingParen(line: string, open: number): number {
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      i = endOfString(line, i);
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) return c === ")" ? i : -1;
    }
  }
  return -1;
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = endOfString(text, i);
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      args.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  if (text.slice(from).trim() !== "") args.push(text.slice(from).trim());
  return args;
}

function decodeArg(text: string): Arg {
  const string = /^"((?:\\x[0-9a-f]{2})*)"(\.\.\.)?$/.exec(text);
  if (string) return { kind: "string", value: decodeHex(string[1]) };
  const fd = /^(AT_FDCWD|-?\d+)(?:<([^>]*)>)?$/.exec(text);
  if (fd) return { kind: "fd", fd: fd[1], path: fd[2] !== undefined ? decodeHex(fd[2]) : null };
  if (text.startsWith("[")) {
    const values = [...text.matchAll(/"((?:\\x[0-9a-f]{2})*)"/g)].map((s) => decodeHex(s[1]));
    return { kind: "array", values };
  }
  return { kind: "raw", text };
}

/** Decodes strace's `\xNN` escapes (printable text, e.g. `socket:[5]`, passes through). */
export function decodeHex(text: string): string {
  if (!text.includes("\\x")) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\" && text[i + 1] === "x") {
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** The line's own calls, and what ran before it. */
export interface LineTrace {
  /** Whether the marker exec (`bash -c LINE`) was found. */
  started: boolean;
  /** Calls of the line's processes, from the marker on. */
  calls: Syscall[];
  /** The argv of the `bwrap` exec before the marker, if the line was sandboxed. */
  bwrapArgv: string[] | null;
  /** How many processes the whole trace had (machinery included). */
  processes: number;
}

/**
 * Finds the line's processes in a trace: the marker exec, its process from
 * there on and everything it cloned after it.
 */
export function lineCalls(trace: Map<number, Syscall[]>, line: string): LineTrace {
  let marker: { pid: number; index: number } | null = null;
  let bwrapArgv: string[] | null = null;
  for (const [pid, calls] of trace) {
    calls.forEach((call, index) => {
      if (call.name !== "execve" || call.result !== 0) return;
      const argv = call.args[1]?.kind === "array" ? call.args[1].values : [];
      const path = call.args[0]?.kind === "string" ? call.args[0].value : "";
      if (path.endsWith("/bwrap") && bwrapArgv === null) bwrapArgv = argv;
      if (argv.length === 3 && argv[0] === "bash" && argv[1] === "-c" && argv[2] === line) {
        // The first such exec: a line that itself runs `bash -c LINE` comes later
        // in a descendant, and the machinery never runs bash.
        if (marker === null || isEarlier(trace, pid, index, marker)) marker = { pid, index };
      }
    });
  }
  if (marker === null) return { started: false, calls: [], bwrapArgv, processes: trace.size };
  const { pid, index } = marker as { pid: number; index: number };
  const calls: Syscall[] = [];
  const pending: Array<[number, number]> = [[pid, index]];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const [p, from] = pending.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    for (const call of (trace.get(p) ?? []).slice(from)) {
      calls.push(call);
      if (call.child !== null) pending.push([call.child, 0]);
    }
  }
  return { started: true, calls, bwrapArgv, processes: trace.size };
}

/** With two candidate markers, the one whose process is an ancestor (or earlier in it) wins. */
function isEarlier(
  trace: Map<number, Syscall[]>,
  pid: number,
  index: number,
  than: { pid: number; index: number },
): boolean {
  if (pid === than.pid) return index < than.index;
  // pid is earlier if `than` descends from it.
  const stack = [pid];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    for (const call of trace.get(p) ?? []) {
      if (call.child === than.pid) return true;
      if (call.child !== null) stack.push(call.child);
    }
  }
  return false;
}
