/**
 * Finding the programs a sandbox lets a command run: where an allowed name
 * lives on the host PATH, what a script needs to start (its `#!`
 * interpreter) and what an ELF binary needs (its dynamic loader), and the
 * helper folders some programs run their own parts from.
 *
 * @module
 */

import { isInsideRoot } from "../capability/mod.ts";

/** Programs every command needs: bash runs the line; sh runs what programs start with system(3). */
export const BASE_PROGRAMS = ["bash", "sh"];

/** PATH when the host has none. */
const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/**
 * The PATH inside the sandbox: the host's absolute entries, in order. An
 * empty or relative entry would mean the working folder, where a skill can
 * write a program named like an allowed one.
 */
export function sandboxPath(hostPath: string | undefined): string {
  const entries = (hostPath ?? "").split(":").filter((e) => e.startsWith("/"));
  return entries.length > 0 ? [...new Set(entries)].join(":") : DEFAULT_PATH;
}

/**
 * Folders whose programs are hidden when the allowlist is not empty: an
 * empty tmpfs over each, with only the allowed programs bound back in.
 * `/bin` and `/sbin` count only where they are real folders (not merged-usr
 * symlinks).
 */
export const PROGRAM_FOLDERS: readonly string[] = [
  "/usr/bin",
  "/usr/sbin",
  "/usr/local/bin",
  "/usr/local/sbin",
  "/usr/games",
  "/usr/local/games",
  "/bin",
  "/sbin",
];

/**
 * Folders a program runs its own parts from, which must stay executable
 * when the program is allowed: git's subcommands (`git-remote-https`,
 * `git-upload-pack`) live in its exec path, not on PATH. What they run in
 * turn (a pager, an editor, ssh) is held to the allowlist like anything else.
 */
export const HELPER_FOLDERS: Readonly<Record<string, readonly string[]>> = {
  git: ["/usr/lib/git-core", "/usr/libexec/git-core"],
};

/** One program found on the host PATH. */
export interface FoundProgram {
  /** The name it is run by. */
  name: string;
  /** Where it sits on PATH, with the folder resolved (`/bin/tar` → `/usr/bin/tar`). */
  path: string;
  /** The real file (symlinks followed), bound at {@link path}. */
  file: string;
}

/**
 * Finds `name` on `path` the way `execvp` does: the first folder holding an
 * executable regular file of that name. Null when there is none.
 */
export function findProgram(name: string, path: string): FoundProgram | null {
  if (name.includes("/") || name === "" || name === "." || name === "..") return null;
  const key = `${path}\0${name}`;
  const known = foundPrograms.get(key);
  // Remembered for the process (a PATH search throws on every folder that
  // lacks the name); a program removed since is looked up again.
  if (known !== undefined && exists(known.path)) return known;
  const program = searchPath(name, path);
  if (program !== null) foundPrograms.set(key, program);
  return program;
}

const foundPrograms = new Map<string, FoundProgram>();

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function searchPath(name: string, path: string): FoundProgram | null {
  for (const dir of path.split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = `${dir}/${name}`;
    try {
      const info = Deno.statSync(candidate);
      if (!info.isFile || ((info.mode ?? 0o755) & 0o111) === 0) continue;
      return {
        name,
        path: `${Deno.realPathSync(dir)}/${name}`,
        file: Deno.realPathSync(candidate),
      };
    } catch (error) {
      if (isMissing(error)) continue;
      throw error;
    }
  }
  return null;
}

/** What the kernel needs to start a program file. */
export interface Starters {
  /** A script's `#!` interpreter (absolute), or null. */
  interpreter: string | null;
  /** For `#!/usr/bin/env NAME`, the NAME looked up on PATH, or null. */
  envName: string | null;
  /** An ELF binary's dynamic loader (`PT_INTERP`), or null (static, or not ELF). */
  loader: string | null;
}

/**
 * What the kernel runs a file with: the `#!` interpreter of a script (and,
 * for `#!/usr/bin/env NAME`, that name), or the dynamic loader of an ELF
 * binary. Nulls for a static binary or an unreadable file.
 */
export function startersOf(file: string): Starters {
  const none: Starters = { interpreter: null, envName: null, loader: null };
  let fd: Deno.FsFile | undefined;
  try {
    fd = Deno.openSync(file, { read: true });
    const buffer = new Uint8Array(512);
    const head = buffer.subarray(0, readFully(fd, buffer));
    if (head[0] === 0x23 && head[1] === 0x21) return { ...none, ...shebang(head) };
    if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
      return { ...none, loader: elfInterpreter(fd, head) };
    }
    return none;
  } catch (error) {
    if (isMissing(error) || error instanceof Deno.errors.PermissionDenied) return none;
    throw error;
  } finally {
    fd?.close();
  }
}

function shebang(head: Uint8Array): { interpreter: string | null; envName: string | null } {
  const text = new TextDecoder().decode(head);
  const line = text.slice(2, text.includes("\n") ? text.indexOf("\n") : undefined).trim();
  const [interpreter, ...args] = line.split(/[ \t]+/);
  if (!interpreter?.startsWith("/")) return { interpreter: null, envName: null };
  // `#!/usr/bin/env -S python3 -u` and `#!/usr/bin/env python3` both name a program.
  const envName = interpreter.endsWith("/env")
    ? args.find((a) => !a.startsWith("-") && !a.includes("=")) ?? null
    : null;
  return { interpreter, envName };
}

/** The `PT_INTERP` string of an ELF file (its dynamic loader), or null. */
function elfInterpreter(fd: Deno.FsFile, head: Uint8Array): string | null {
  if (head.length < 64) return null;
  const is64 = head[4] === 2;
  const little = head[5] === 1;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const phoff = is64 ? Number(view.getBigUint64(0x20, little)) : view.getUint32(0x1c, little);
  const phentsize = view.getUint16(is64 ? 0x36 : 0x2a, little);
  const phnum = view.getUint16(is64 ? 0x38 : 0x2c, little);
  if (phnum === 0 || phnum > 256 || phentsize < (is64 ? 56 : 32)) return null;
  const table = new Uint8Array(phentsize * phnum);
  fd.seekSync(phoff, Deno.SeekMode.Start);
  if (readFully(fd, table) < table.length) return null;
  const tv = new DataView(table.buffer);
  for (let i = 0; i < phnum; i++) {
    const at = i * phentsize;
    if (tv.getUint32(at, little) !== 3) continue; // PT_INTERP
    const offset = is64 ? Number(tv.getBigUint64(at + 8, little)) : tv.getUint32(at + 4, little);
    const size = is64 ? Number(tv.getBigUint64(at + 32, little)) : tv.getUint32(at + 16, little);
    if (size <= 1 || size > 4096) return null;
    const bytes = new Uint8Array(size);
    fd.seekSync(offset, Deno.SeekMode.Start);
    if (readFully(fd, bytes) < size) return null;
    return new TextDecoder().decode(
      bytes.subarray(0, bytes.indexOf(0) < 0 ? size : bytes.indexOf(0)),
    );
  }
  return null;
}

function readFully(fd: Deno.FsFile, into: Uint8Array): number {
  let done = 0;
  while (done < into.length) {
    const n = fd.readSync(into.subarray(done));
    if (n === null || n === 0) break;
    done += n;
  }
  return done;
}

/** Whether an error means the path is not there (or a component is not a folder). */
export function isMissing(error: unknown): boolean {
  return error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory;
}

/** The last component of a program name or path. */
export function baseName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/** The enforcer's blocklist rule: the name, any case, or `name.<suffix>` (`mkfs.ext4`). */
export function isBlocked(name: string, blocked: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return blocked.some((entry) => {
    const b = baseName(entry).toLowerCase();
    return lower === b || lower.startsWith(`${b}.`);
  });
}

/**
 * The allowed programs found on PATH, and what they need to start (a
 * script's interpreter, `env NAME`'s NAME); what is missing gets a note.
 */
export function allowedPrograms(
  names: readonly string[],
  blocked: readonly string[],
  path: string,
  notes: string[],
): FoundProgram[] {
  const found = new Map<string, FoundProgram>();
  const pending = [...new Set(names)];
  const seen = new Set(pending);
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name !== "bash" && isBlocked(name, blocked)) continue;
    const program = findProgram(name, path);
    if (program === null) {
      if (!BASE_PROGRAMS.includes(name) || name === "bash") {
        notes.push(`${name} is not on PATH`);
      }
      continue;
    }
    found.set(program.path, program);
    // A script starts its interpreter: `#!/usr/bin/env python3` needs env and python3.
    const { interpreter, envName } = startersOf(program.file);
    if (interpreter !== null && !seen.has(interpreter)) {
      seen.add(interpreter);
      const file = realFile(interpreter);
      if (file !== null) {
        const dir = interpreter.slice(0, interpreter.lastIndexOf("/")) || "/";
        const at = `${realFile(dir) ?? dir}/${baseName(interpreter)}`;
        found.set(at, { name: baseName(interpreter), path: at, file });
        notes.push(`${interpreter} is bound because ${name} is a script it runs`);
        pending.push(...starterNames(file, seen));
      }
    }
    if (envName !== null && !seen.has(envName)) {
      seen.add(envName);
      pending.push(envName);
      notes.push(`${envName} is bound because ${name} is a script it runs`);
    }
  }
  return [...found.values()];
}

/**
 * What Landlock lets the command execute: the bound programs, their helper
 * folders and ELF loaders; with an empty allowlist the system folders and
 * the PATH folders outside the write roots.
 */
export function executableList(
  programs: readonly FoundProgram[],
  hasAllowlist: boolean,
  system: readonly string[],
  path: string,
  roots: ReadonlyArray<{ real: string; write: boolean }>,
): string[] {
  const list = new Set<string>();
  if (hasAllowlist) {
    for (const program of programs) {
      list.add(program.path);
      for (const folder of HELPER_FOLDERS[program.name] ?? []) {
        if (lstat(folder)?.isDirectory) list.add(folder);
      }
    }
  } else {
    // Every program, but none the skill can write: system folders and the
    // PATH folders outside the write roots.
    for (const folder of system) if (folder !== "/etc") list.add(folder);
    for (const dir of path.split(":")) {
      let realDir: string;
      try {
        realDir = Deno.realPathSync(dir);
      } catch (error) {
        if (isMissing(error)) continue;
        throw error;
      }
      if (!roots.some((r) => r.write && isInsideRoot(realDir, r.real))) list.add(realDir);
    }
  }
  // The loader of each ELF program must be executable too: the kernel opens
  // it for execution. (So `ld.so FILE` can run any ELF file it can read;
  // see docs/sandbox-research.md.)
  const bash = findProgram("bash", path);
  for (const program of bash ? [...programs, bash] : programs) {
    const { loader } = startersOf(program.file);
    if (loader !== null) list.add(loader);
  }
  return [...list];
}

/** An interpreter that is itself `#!/usr/bin/env NAME` (rare) brings NAME. */
function starterNames(file: string, seen: Set<string>): string[] {
  const { envName } = startersOf(file);
  if (envName === null || seen.has(envName)) return [];
  seen.add(envName);
  return [envName];
}

function realFile(path: string): string | null {
  try {
    return Deno.realPathSync(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

const emptyFolders = new Map<string, boolean>();

/**
 * An empty folder needs no mask: it is bound read-only, so nothing can be
 * put there. Remembered for the process: listing /usr/bin costs ~1 ms.
 */
export function isEmptyFolder(path: string): boolean {
  let empty = emptyFolders.get(path);
  if (empty === undefined) {
    empty = Deno.readDirSync(path)[Symbol.iterator]().next().done === true;
    emptyFolders.set(path, empty);
  }
  return empty;
}

/** The file's information without following a last symlink, or null when it is not there. */
export function lstat(path: string): Deno.FileInfo | null {
  try {
    return Deno.lstatSync(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}
