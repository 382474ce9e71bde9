/**
 * Path rules of `filesystem_read` / `filesystem_write` (SPEC §2, §6): expand
 * `~`, `./`, `$CARO_PROJECT_ROOT`, `$CARO_CACHE`, resolve `..` and symlinks,
 * then require the real path inside a granted root.
 *
 * @module
 */
import { posix } from "node:path";
import { SkillError } from "../errors/mod.ts";

/** What `~`, `./`, `$CARO_PROJECT_ROOT` and `$CARO_CACHE` mean, as absolute paths. */
export interface PathContext {
  /** The user's home folder (`~`, `$HOME`). */
  home: string;
  /** The project root (`$CARO_PROJECT_ROOT`; `./` in grants). */
  projectRoot: string;
  /** The caro cache folder (`$CARO_CACHE`). */
  cacheDir: string;
  /** The folder relative paths being checked start from. */
  cwd: string;
}

const VARIABLE = /^\$(\{)?([A-Za-z_][A-Za-z0-9_]*)(\})?(?=\/|$)/;

/**
 * Makes a path absolute: `~` and `$HOME` → home, `$CARO_PROJECT_ROOT` and
 * `$CARO_CACHE` (also `${…}`), relative paths from `base`. `..` is kept for
 * {@link resolveRealPath}, which must see it after the symlinks before it.
 *
 * @param path The path as written.
 * @param context The folders the variables stand for.
 * @param base Where a relative path starts (the cwd for checked paths, the project root for grants).
 * @throws {SkillError} `validation` for an empty path, a NUL byte, `~user` or any other variable.
 *
 * @example
 * ```ts
 * import { expandPath } from "./path_rules.ts";
 * const ctx = { home: "/home/u", projectRoot: "/p", cacheDir: "/c", cwd: "/p/sub" };
 * if (expandPath("~/.kube/config", ctx) !== "/home/u/.kube/config") throw new Error();
 * if (expandPath("${CARO_CACHE}/git", ctx) !== "/c/git") throw new Error();
 * if (expandPath("../x", ctx) !== "/p/sub/../x") throw new Error();
 * ```
 */
export function expandPath(path: string, context: PathContext, base = context.cwd): string {
  const refuse = (why: string) =>
    new SkillError("validation", `Cannot check the path ${JSON.stringify(path)}`, { why });
  if (path === "") throw refuse("the path is empty");
  if (path.includes("\0")) throw refuse("the path contains a NUL byte");
  let expanded = path;
  if (path === "~" || path.startsWith("~/")) expanded = context.home + path.slice(1);
  else if (path.startsWith("~")) throw refuse("~user paths are not expanded");
  const m = expanded.match(VARIABLE);
  if (m) {
    if (Boolean(m[1]) !== Boolean(m[3])) throw refuse("an unbalanced ${…}");
    const value = ({
      HOME: context.home,
      CARO_PROJECT_ROOT: context.projectRoot,
      CARO_CACHE: context.cacheDir,
    } as Record<string, string | undefined>)[m[2]];
    if (value === undefined) throw refuse(`$${m[2]} is not a variable paths may use`);
    expanded = value + expanded.slice(m[0].length);
  }
  if (expanded.includes("$")) {
    throw refuse("only a leading $CARO_PROJECT_ROOT, $CARO_CACHE or $HOME expands");
  }
  return expanded.startsWith("/") ? expanded : `${base.replace(/\/+$/, "")}/${expanded}`;
}

/** Most symlinks followed while resolving one path, as Linux's MAXSYMLINKS. */
const MAX_LINKS = 40;

/**
 * The real path of an absolute path: symlinks are followed component by
 * component (so `link/..` leaves the link's target, as the kernel does) up to
 * the longest existing prefix; the part that does not exist yet is joined
 * lexically.
 *
 * @throws {SkillError} `validation` on a symlink loop or a component that cannot be read.
 *
 * @example
 * ```ts
 * import { resolveRealPath } from "./path_rules.ts";
 * if ((await Deno.permissions.query({ name: "read" })).state === "granted") {
 *   const dir = await Deno.makeTempDir();
 *   await Deno.symlink("/etc", `${dir}/l`);
 *   const real = resolveRealPath(`${dir}/l/../nope/x`);
 *   if (real !== "/nope/x") throw new Error(real);
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export function resolveRealPath(absolute: string): string {
  // Fast path: the folder exists (one native realpath), and the last
  // component is a plain file, a new file, or a symlink that resolves.
  // realpath(3) resolves components in order, so `link/..` behaves as below.
  // Everything else (missing folders, dangling links, `..` last) takes the
  // component-by-component walk.
  const slash = absolute.lastIndexOf("/");
  const last = absolute.slice(slash + 1);
  if (slash <= 0 || last === "" || last === "." || last === "..") return walkRealPath(absolute);
  let parent: string;
  try {
    parent = Deno.realPathSync(absolute.slice(0, slash));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return walkRealPath(absolute);
    }
    return walkRealPath(absolute);
  }
  const candidate = parent === "/" ? `/${last}` : `${parent}/${last}`;
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(candidate);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return candidate;
    return walkRealPath(absolute);
  }
  if (!info.isSymlink) return candidate;
  return walkRealPath(absolute);
}

/** Component-by-component resolution, for paths whose tail does not exist. */
function walkRealPath(absolute: string): string {
  const pending = absolute.split("/").reverse();
  let current = "/";
  let links = 0;
  let exists = true;
  while (pending.length > 0) {
    const part = pending.pop()!;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      current = posix.dirname(current);
      continue;
    }
    const next = current === "/" ? `/${part}` : `${current}/${part}`;
    if (!exists) {
      current = next;
      continue;
    }
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(next);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
        exists = false;
        current = next;
        continue;
      }
      throw new SkillError("validation", `Cannot resolve ${absolute}`, {
        why: `${next}: ${String(error)}`,
        cause: error,
      });
    }
    if (!info.isSymlink) {
      current = next;
      continue;
    }
    if (++links > MAX_LINKS) {
      throw new SkillError("validation", `Cannot resolve ${absolute}`, {
        why: `more than ${MAX_LINKS} symlinks (a loop?)`,
      });
    }
    const target = Deno.readLinkSync(next);
    if (target.startsWith("/")) current = "/";
    pending.push(...target.split("/").reverse());
  }
  return current;
}

/**
 * Whether `path` is `root` or inside it (both real, absolute, normalised).
 *
 * @example
 * ```ts
 * import { isInsideRoot } from "./path_rules.ts";
 * if (!isInsideRoot("/p/out/x", "/p/out") || isInsideRoot("/p/out-evil", "/p/out")) throw new Error();
 * ```
 */
export function isInsideRoot(path: string, root: string): boolean {
  if (root === "/") return true;
  return path === root || path.startsWith(`${root}/`);
}
