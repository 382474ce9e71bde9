import type { LoadedSkill } from "../manifest/mod.ts";

/**
 * Loads an installed copy `skills/<id>/`. An AgentSkills skill's `name` must
 * equal its folder's name, which for the copy is `custom.<name>`, so its
 * SKILL.md is checked against the name in its id (the source folder's name was
 * checked at install).
 */
export async function loadInstalledSkill(
  dir: string,
  options: { isBundled?: boolean; caroVersion?: string },
): Promise<LoadedSkill> {
  const { loadSkillFolder } = await import("../manifest/mod.ts");
  const folder = dir.slice(dir.lastIndexOf("/") + 1);
  const folderName = !options.isBundled && folder.startsWith("custom.")
    ? folder.slice("custom.".length)
    : undefined;
  return await loadSkillFolder(dir, { ...options, folderName });
}
