import type { Diagnostic } from "../errors/mod.ts";
import {
  type LoadedSkill,
  type LoadOptions,
  loadSkillFolder,
  type RecipeChecker,
  type RecipeSummary,
  validateSkillFolder,
  type ValidationReport,
} from "../manifest/mod.ts";
import { isDirectory, isFile, readDirOrEmpty } from "../tree/mod.ts";
import { isBundledPath } from "../store/mod.ts";
import { SkillError } from "../errors/mod.ts";

/**
 * Checks a skill's recipe files with the recipe parser (each finding with its
 * file:line:col) and returns what matching needs of each valid recipe: the
 * recipe check the manifest loader is given, so that `manifest/` never
 * imports `recipe/`.
 *
 * @example
 * ```ts
 * import { checkRecipes } from "./validate.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/recipes`);
 * await Deno.writeTextFile(`${dir}/recipes/r.yaml`, "id: r\nname: R\n");
 * const { diagnostics } = await checkRecipes(dir, ["recipes/r.yaml"]);
 * if (!diagnostics.some((d) => d.severity === "error" && d.file === "recipes/r.yaml")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export const checkRecipes: RecipeChecker = async (dir, files) => {
  // Loaded only for skills that have recipes: knowledge-only commands skip the
  // recipe module's start-up cost (~100 ms measured when it was first split out).
  const { parseRecipe } = await import("../recipe/mod.ts");
  const diagnostics: Diagnostic[] = [];
  const recipes: RecipeSummary[] = [];
  for (const file of files) {
    const result = parseRecipe(await Deno.readTextFile(`${dir}/${file}`), { file });
    diagnostics.push(...result.diagnostics);
    if (result.recipe) {
      const { id, name, description, triggers } = result.recipe;
      recipes.push({ id, name, description, triggers: structuredClone(triggers) });
    }
  }
  return { diagnostics, recipes };
};

/**
 * `caro skill validate PATH`: the manifest, the folder's files and every
 * recipe, with every finding located.
 *
 * @throws {SkillError} `not_found` when the folder does not exist or holds no manifest
 * @example
 * ```ts
 * import { validateSkill } from "./validate.ts";
 * import { bundledSkillsDir } from "../store/mod.ts";
 * const report = await validateSkill(`${bundledSkillsDir()}/core.posix`, { isBundled: true, strict: true });
 * if (!report.ok || report.skill!.recipes.length === 0) throw new Error(JSON.stringify(report.diagnostics));
 * ```
 */
export async function validateSkill(
  path: string,
  options: Omit<LoadOptions, "checkRecipes"> = {},
): Promise<ValidationReport> {
  return await validateSkillFolder(path, { ...options, checkRecipes });
}

/**
 * Loads a skill folder with its recipes read, failing on any error: the
 * loader the store is opened with.
 *
 * @throws {SkillError} `validation` naming every error with file:line:col
 * @example
 * ```ts
 * import { loadSkill } from "./validate.ts";
 * import { bundledSkillsDir } from "../store/mod.ts";
 * const skill = await loadSkill(`${bundledSkillsDir()}/core.posix`, { isBundled: true });
 * if (!skill.recipes.some((r) => r.id === "backup-dir")) throw new Error();
 * ```
 */
export async function loadSkill(
  path: string,
  options: Omit<LoadOptions, "checkRecipes"> = {},
): Promise<LoadedSkill> {
  return await loadSkillFolder(path, { ...options, checkRecipes });
}

/**
 * `caro skill validate PATH…`: each path that holds a manifest is validated;
 * a folder of skill folders validates each one. Bundled skills (under caro's
 * own skills folder) may use the reserved `core` namespace.
 *
 * @example
 * ```ts
 * import { validateSkills } from "./validate.ts";
 * import { bundledSkillsDir } from "../store/mod.ts";
 * const reports = await validateSkills([bundledSkillsDir()]);
 * if (reports.length < 2 || !reports.every((r) => r.ok)) throw new Error();
 * ```
 */
export async function validateSkills(
  paths: readonly string[],
  options: { strict?: boolean; caroVersion?: string } = {},
): Promise<ValidationReport[]> {
  const reports: ValidationReport[] = [];
  for (const path of paths) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) && !path.startsWith("file://")) {
      // Install errors name the spec the user gave; validation needs the files.
      throw new SkillError("usage", `${path} is a source, not a folder`, {
        why: "caro skill validate checks skill folders on disk",
        hints: [
          { to: "fetch and check it in one go", run: `caro skill add ${path}` },
          { to: "or check a local copy", run: "caro skill validate ./path/to/skill" },
        ],
      });
    }
  }
  for (const folder of await expandSkillFolders(paths)) {
    // A missing folder is validateSkill's own `not_found`, naming the path.
    const real = await Deno.realPath(folder).catch(() => folder);
    reports.push(
      await validateSkill(folder, {
        strict: options.strict,
        isBundled: isBundledPath(real),
        caroVersion: options.caroVersion,
      }),
    );
  }
  return reports;
}

/**
 * The skill folders among `paths`: a path holding a manifest is one; a folder
 * of such folders stands for each of them; anything else is kept as given (so
 * its validation says what is missing).
 */
async function expandSkillFolders(paths: readonly string[]): Promise<string[]> {
  const folders: string[] = [];
  for (const path of paths) {
    if (await hasManifest(path)) {
      folders.push(path);
      continue;
    }
    const children: string[] = [];
    if (await isDirectory(path)) {
      for (const entry of await readDirOrEmpty(path)) {
        const child = `${path.replace(/\/+$/, "")}/${entry.name}`;
        if (entry.isDirectory && await hasManifest(child)) children.push(child);
      }
    }
    folders.push(...(children.length > 0 ? children.sort() : [path]));
  }
  return folders;
}

async function hasManifest(dir: string): Promise<boolean> {
  if (!(await isDirectory(dir))) return false;
  return await isFile(`${dir}/skill.toml`) || await isFile(`${dir}/SKILL.md`);
}
