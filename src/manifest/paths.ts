/**
 * Why a path written in a manifest would leave the skill folder, or `null` when
 * it stays inside: absolute paths, drive letters, backslashes and `..`
 * components are refused (SPEC §2).
 *
 * @example
 * ```ts
 * import { checkRelativePath } from "./paths.ts";
 * if (checkRelativePath("bin/skill.wasm") !== null) throw new Error();
 * if (checkRelativePath("../outside.md") === null) throw new Error();
 * if (checkRelativePath("/etc/passwd") === null) throw new Error();
 * ```
 */
export function checkRelativePath(path: string): string | null {
  if (path.startsWith("/") || path.startsWith("~")) {
    return `"${path}" is absolute; paths are relative to the skill folder`;
  }
  if (/^[a-zA-Z]:/.test(path) || path.includes("\\")) {
    return `"${path}" is a Windows path; use / separators relative to the skill folder`;
  }
  if (path.split("/").includes("..")) return `"${path}" leaves the skill folder with ".."`;
  if (path.includes("\0")) return `"${path}" contains a NUL byte`;
  return null;
}
