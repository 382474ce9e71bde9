import type { LoadedSkill } from "../manifest/mod.ts";

/**
 * Loads an installed copy `skills/<id>/`. A skill.toml skill loads as is. An
 * AgentSkills skill's `name` must equal its folder's name, which for the copy
 * is `custom.<name>`, so its SKILL.md is read against the name in its id (it
 * was validated against its source folder's name at install).
 */
export async function loadInstalledSkill(
  dir: string,
  options: { isBundled?: boolean; caroVersion?: string },
): Promise<LoadedSkill> {
  const manifest = await import("../manifest/mod.ts");
  const slash = dir.lastIndexOf("/");
  const folder = dir.slice(slash + 1);
  if (options.isBundled || !folder.startsWith("custom.") || await hasFile(`${dir}/skill.toml`)) {
    return await manifest.loadSkillFolder(dir, options);
  }
  const text = await Deno.readTextFile(`${dir}/SKILL.md`);
  const parsed = manifest.parseAgentSkill(text, { folderName: folder.slice("custom.".length) });
  const walk = await manifest.listSkillFiles(dir);
  const diagnostics = [...parsed.diagnostics, ...walk.diagnostics];
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  if (!parsed.manifest || errors > 0) {
    throw manifest.validationError({
      path: dir,
      ok: false,
      id: parsed.id,
      diagnostics,
      errors,
      warnings: diagnostics.length - errors,
    });
  }
  return {
    dir,
    manifest: parsed.manifest,
    files: walk.files,
    contextFile: "SKILL.md",
    knowledgeFiles: walk.files.filter((f) => /\.(md|markdown)$/i.test(f) && f !== "SKILL.md"),
    recipeFiles: [],
    isBundled: false,
    diagnostics: diagnostics.filter((d) => d.severity === "warning"),
  };
}

async function hasFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
