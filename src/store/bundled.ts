import { fromFileUrl } from "./_path.ts";

/**
 * The folder of the `core.*` skills that ship inside caro: `skills/` beside the
 * sources, which `deno compile --include skills` embeds in the binary.
 *
 * @example
 * ```ts
 * import { bundledSkillsDir } from "./bundled.ts";
 * if (!bundledSkillsDir().endsWith("/skills")) throw new Error();
 * ```
 */
export function bundledSkillsDir(): string {
  return fromFileUrl(new URL("../../skills", import.meta.url));
}

/**
 * Whether a real (symlink-resolved) folder is one of the bundled skills.
 *
 * @example
 * ```ts
 * import { bundledSkillsDir, isBundledPath } from "./bundled.ts";
 * if (!isBundledPath(`${bundledSkillsDir()}/core.shell`)) throw new Error();
 * if (isBundledPath("/tmp/core.shell")) throw new Error();
 * ```
 */
export function isBundledPath(realDir: string): boolean {
  const root = bundledSkillsDir();
  return realDir.startsWith(`${root}/`) && !realDir.slice(root.length + 1).includes("/");
}
