import picomatch from "picomatch";
import { parse as parseToml } from "smol-toml";
import { type Capabilities, CapabilitiesSchema } from "../capability/mod.ts";
import { SkillError } from "../errors/mod.ts";
import { type StepConfirmation, StepConfirmationSchema } from "./schema.ts";

/**
 * The few `skill.toml` fields recipes need. Read here with smol-toml instead
 * of through src/manifest, because the manifest validator imports this
 * concept to check recipe files and the two must not import each other.
 */
export interface RecipeSkillInfo {
  id: string;
  dir: string;
  recipeGlobs: string[];
  defaultConfirmation: StepConfirmation;
  requested: Capabilities;
}

/** Reads `<dir>/skill.toml`; null for a folder without one (an AgentSkills SKILL.md has no recipes). */
export async function readRecipeSkillInfo(dir: string): Promise<RecipeSkillInfo | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/skill.toml`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new SkillError("validation", `${dir}/skill.toml is not valid TOML`, {
      why: error instanceof Error ? error.message : String(error),
      hints: [{ to: "see every finding", run: `caro skill validate ${dir}` }],
    });
  }
  const table = (key: string) =>
    (typeof data[key] === "object" && data[key] !== null ? data[key] : {}) as Record<
      string,
      unknown
    >;
  const recipes = table("recipes");
  const files = Array.isArray(recipes.files)
    ? recipes.files.filter((f): f is string => typeof f === "string")
    : ["recipes/*.yaml"];
  const requested = CapabilitiesSchema.safeParse(table("capabilities"));
  return {
    id: String(table("skill").id ?? ""),
    dir,
    recipeGlobs: files,
    defaultConfirmation: StepConfirmationSchema.catch("prompt").parse(
      recipes.default_confirmation,
    ),
    requested: requested.success ? requested.data : CapabilitiesSchema.parse({}),
  };
}

/** The recipe files of a skill folder matching its globs, `/`-separated and sorted. */
export async function findRecipeFiles(dir: string, globs: readonly string[]): Promise<string[]> {
  const isMatch = picomatch([...globs]);
  const out: string[] = [];
  const walk = async (relative: string) => {
    for await (const entry of Deno.readDir(relative ? `${dir}/${relative}` : dir)) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.name === ".git") continue;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && isMatch(path)) out.push(path);
    }
  };
  await walk("");
  return out.sort();
}
