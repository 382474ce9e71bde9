/**
 * What of the host a sandbox shows: the granted roots (resolved as the
 * enforcer resolves them), the credential files under the home, the secrets
 * under /etc.
 *
 * @module
 */
import { posix } from "node:path";
import {
  type Capabilities,
  expandPath,
  isInsideRoot,
  type PathContext,
  resolveRealPath,
} from "../capability/mod.ts";
import { SkillError } from "../errors/mod.ts";
import { isMissing, lstat } from "./_programs.ts";
import { ETC_SECRETS, HOME_CREDENTIALS, SSH_HOST_KEY } from "./_secrets.ts";
import type { SandboxMount } from "./plan.ts";

/** Host folders a grant may never bring in: the sandbox has its own. */
export const OWN_FOLDERS = ["/proc", "/dev", "/sys", "/run"];

/** A granted root as mounted: its real path, and whether it is writable. */
export interface Root {
  real: string;
  write: boolean;
  written: string[];
}

/**
 * The granted roots, resolved as the enforcer resolves them (relative to the
 * project root, symlinks followed), each once (writable wins); the ones left
 * out get a note saying why.
 */
export function grantRoots(
  grants: Capabilities,
  context: PathContext,
  credentials: readonly Credential[],
  notes: string[],
): Root[] {
  const roots = new Map<string, Root>();
  const lists: Array<[readonly string[], boolean]> = [
    [grants.filesystem_write, true],
    [grants.filesystem_read, false],
  ];
  const resolved: Array<
    { written: string; kind: string; write: boolean; lexical: string; path: string }
  > = [];
  for (const [list, write] of lists) {
    const kind = write ? "filesystem_write" : "filesystem_read";
    for (const written of list) {
      try {
        // As the enforcer resolves a root: relative to the project root.
        const lexical = posix.normalize(expandPath(written, context, context.projectRoot));
        resolved.push({ written, kind, write, lexical, path: resolveRealPath(lexical) });
      } catch (error) {
        if (!(error instanceof SkillError)) throw error;
        notes.push(`${kind} ${written} is left out: ${error.why ?? error.message}`);
      }
    }
  }
  const writable = resolved.filter((r) => r.write).map((r) => r.path);
  for (const { written, kind, write, lexical, path } of resolved) {
    if (OWN_FOLDERS.some((f) => isInsideRoot(path, f))) {
      notes.push(`${kind} ${written} is left out: the sandbox has its own ${path}`);
      continue;
    }
    const secret = credentials.find((c) => isInsideRoot(path, c.real));
    if (secret) {
      notes.push(`${kind} ${written} is left out: ${secret.why} (no secrets_access)`);
      continue;
    }
    const planted = lexical === path ? null : symlinkInside(lexical, writable);
    if (planted !== null) {
      // A command could have made that link on an earlier run, to point a
      // grant (read-only, say) at any folder it likes.
      notes.push(
        `${kind} ${written} is left out: it goes through the symlink ${planted}, in a writable grant`,
      );
      continue;
    }
    if (lstat(path) === null) {
      notes.push(
        `${kind} ${written} is left out: ${path} does not exist` +
          (write ? " (createWriteRoots makes it)" : ""),
      );
      continue;
    }
    const root = roots.get(path) ?? { real: path, write: false, written: [] };
    root.write ||= write;
    root.written.push(written);
    roots.set(path, root);
  }
  return [...roots.values()];
}

/** The first symlink on `lexical`'s way that sits inside one of `writable` (real paths), or null. */
function symlinkInside(lexical: string, writable: readonly string[]): string | null {
  const parts = lexical.split("/").filter((p) => p !== "");
  for (let i = 1; i <= parts.length; i++) {
    const path = `/${parts.slice(0, i).join("/")}`;
    if (lstat(path)?.isSymlink !== true) continue;
    const parent = resolveRealPath(`/${parts.slice(0, i - 1).join("/")}`);
    if (writable.some((w) => isInsideRoot(parent, w))) return path;
  }
  return null;
}

/** A credential path under the home, resolved, and what it holds. */
export interface Credential {
  real: string;
  why: string;
}

/**
 * The credential paths under the home, resolved. One listing of the home
 * tells which of them can exist: resolving each one (most are missing)
 * costs more than the listing.
 */
export function credentialPaths(home: string): Credential[] {
  const present = new Set<string>();
  try {
    for (const entry of Deno.readDirSync(home)) present.add(entry.name);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  return HOME_CREDENTIALS
    .filter((c) => present.has(c.path.split("/")[0]))
    .map((c) => ({ real: resolveRealPath(`${home}/${c.path}`), why: c.why }));
}

/** Masks for the secrets under /etc this user could read. */
export function etcSecretMasks(): SandboxMount[] {
  const masks: SandboxMount[] = [];
  const paths = ETC_SECRETS.map((s) => ({ path: `/etc/${s.path}`, why: s.why }));
  try {
    for (const entry of Deno.readDirSync("/etc/ssh")) {
      if (SSH_HOST_KEY.test(entry.name)) {
        paths.push({ path: `/etc/ssh/${entry.name}`, why: "an SSH host private key" });
      }
    }
  } catch (error) {
    if (!isMissing(error) && !(error instanceof Deno.errors.PermissionDenied)) throw error;
  }
  for (const { path, why } of paths) {
    const info = lstat(path);
    // A symlink would be followed by the mount to wherever it points; only
    // files and folders that are really under /etc are masked.
    if (info === null || info.isSymlink) continue;
    // What this user cannot read needs no mask (each mask is a mount, ~0.4 ms):
    // as a normal user, /etc/shadow and /etc/ssl/private are closed already.
    if (!isReadableByMe(info)) continue;
    if (info.isDirectory) {
      masks.push({ op: "tmpfs", path, why }, { op: "remount-ro", path, why });
    } else masks.push({ op: "mask", path, why });
  }
  return masks;
}

/** Whether this process's user could read (or, for a folder, enter) a file. */
function isReadableByMe(info: Deno.FileInfo): boolean {
  const uid = Deno.uid();
  if (uid === null || uid === 0) return true;
  const mode = info.mode ?? 0o777;
  const bits = info.isDirectory ? 0o5 : 0o4;
  if (info.uid === uid) return (mode & (bits << 6)) !== 0;
  if (info.gid !== null && myGroups().has(info.gid)) return (mode & (bits << 3)) !== 0;
  return (mode & bits) !== 0;
}

let groups: Set<number> | undefined;

function myGroups(): Set<number> {
  if (groups) return groups;
  groups = new Set([Deno.gid() ?? -1]);
  const status = Deno.readTextFileSync("/proc/self/status");
  for (const id of status.match(/^Groups:(.*)$/m)?.[1].trim().split(/\s+/) ?? []) {
    if (id !== "") groups.add(Number(id));
  }
  return groups;
}
