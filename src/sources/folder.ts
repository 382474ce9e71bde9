/**
 * Local folder sources (SPEC §5): `./dir`, `/abs/dir`, `file:///dir` or `--path DIR`. The
 * folder's files are copied into staging (links that stay inside become plain files, `.git/`
 * is left out); the lock records the folder's real path.
 *
 * @module
 */

import { SkillError } from "../errors/mod.ts";
import { copySkillFolder } from "../manifest/mod.ts";
import { treeHash } from "../tree/mod.ts";
import type { FetchContext, FetchResult, SkillSource, UpdateCandidate } from "./source.ts";
import { parseSourceSpec, type SourceSpec, specOfKind } from "./spec.ts";

/**
 * A local skill folder: fetched by copying its files into staging under the folder's own
 * name (an AgentSkills name must equal it), updated when its content changed since the lock.
 *
 * @example
 * ```ts
 * import { FolderSource } from "./folder.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/notes`);
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, "---\nname: notes\ndescription: Notes\n---\n");
 * await Deno.mkdir(`${root}/staging`);
 * const source = new FolderSource();
 * const fetched = await source.fetch(
 *   { kind: "folder", path: `${root}/notes` },
 *   { staging: `${root}/staging`, cacheDir: `${root}/cache` },
 * );
 * if (fetched.dir !== `${root}/staging/notes`) throw new Error(fetched.dir);
 * if (fetched.resolved !== `file://${await Deno.realPath(`${root}/notes`)}`) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class FolderSource implements SkillSource {
  readonly kind = "folder";

  /**
   * Copies the folder's files into `ctx.staging/<the folder's name>`.
   *
   * @throws {SkillError} `not_found` when there is no folder at the path; `validation` for a
   *   link leaving the folder or a special file; `io` when the path cannot be read
   */
  async fetch(spec: SourceSpec, ctx: FetchContext): Promise<FetchResult> {
    const { path } = specOfKind(spec, "folder");
    const real = await realFolder(path);
    // The source folder's name is kept: an AgentSkills name must equal it.
    const dir = `${ctx.staging}/${real.slice(real.lastIndexOf("/") + 1)}`;
    await Deno.mkdir(ctx.staging, { recursive: true });
    await copySkillFolder(real, dir);
    // `fromCache` stays true as it always was for folders (nothing was downloaded).
    return { dir, resolved: `file://${real}`, fromCache: true };
  }

  /** The folder hashed now against the locked integrity; null when unchanged. */
  async checkUpdate(
    locked: { source: string; integrity: string },
  ): Promise<UpdateCandidate | null> {
    const spec = parseSourceSpec(locked.source);
    if (spec.kind !== "folder") return null;
    const now = await treeHash(spec.path);
    if (now.integrity === locked.integrity) return null;
    return { spec, from: short(locked.integrity), to: short(now.integrity) };
  }
}

/** The real path of a folder, or a `not_found` naming the path as given. */
async function realFolder(path: string): Promise<string> {
  try {
    const real = await Deno.realPath(path);
    if ((await Deno.stat(real)).isDirectory) return real;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new SkillError("io", `Cannot read ${path}`, {
        why: error instanceof Error ? error.message : String(error),
        cause: error,
      });
    }
  }
  throw new SkillError("not_found", `No skill folder at ${path}`, {
    why: "the path does not exist or is not a directory",
    hints: [{ to: "create a skill there", run: `caro skill init custom.my-skill --dir ${path}` }],
  });
}

function short(integrity: string): string {
  return integrity.slice(0, 19);
}
