/** Skill folders written at run time for the store tests. */

/** What a generated skill holds. */
export interface FixtureSkill {
  id: string;
  version?: string;
  /** `[dependencies]` lines, e.g. `"tool.base" = ">=1.0"`. */
  dependencies?: string[];
  /** `[features]` lines, e.g. `extra = { description = "x", default = true }`. */
  features?: string[];
  /** `[capabilities]` lines, e.g. `network = ["api.example.com"]`. */
  capabilities?: string[];
  /** How many extra knowledge files (to widen the install window). */
  extraFiles?: number;
  /** Size of each extra file in bytes. */
  extraFileBytes?: number;
}

/** Writes a valid skill.toml skill into `parent/<id>` and returns its path. */
export async function writeSkill(parent: string, skill: FixtureSkill): Promise<string> {
  const dir = `${parent}/${skill.id}`;
  await Deno.mkdir(`${dir}/knowledge/prompts`, { recursive: true });
  const name = skill.id.split(".")[1];
  const lines = [
    "[skill]",
    `id = "${skill.id}"`,
    `name = "${name}"`,
    `version = "${skill.version ?? "1.0.0"}"`,
    `description = "Knowledge about ${name} for tests"`,
    'api_version = "1.0"',
    'license = "MIT"',
    `keywords = ["${name}"]`,
    "[provides]",
    "knowledge = true",
    "[knowledge]",
    `topics = ["${name}", "testing"]`,
  ];
  if (skill.dependencies) lines.push("[dependencies]", ...skill.dependencies);
  if (skill.features) lines.push("[features]", ...skill.features);
  if (skill.capabilities) lines.push("[capabilities]", ...skill.capabilities);
  await Deno.writeTextFile(`${dir}/skill.toml`, lines.join("\n") + "\n");
  await Deno.writeTextFile(
    `${dir}/knowledge/prompts/context.md`,
    `# ${name}\n\nUse ${name} carefully.\n`,
  );
  if (skill.extraFiles) {
    await Deno.mkdir(`${dir}/knowledge/concepts`, { recursive: true });
    const body = "x".repeat(skill.extraFileBytes ?? 200) + "\n";
    for (let i = 0; i < skill.extraFiles; i++) {
      await Deno.writeTextFile(`${dir}/knowledge/concepts/page-${i}.md`, `# Page ${i}\n${body}`);
    }
  }
  return dir;
}

/** The names in a folder, sorted; none when it does not exist. */
export async function namesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}
