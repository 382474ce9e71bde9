import { SkillError } from "../errors/mod.ts";

/**
 * `config.toml` as read once by a command: its path and its parsed tables.
 * Each owner reads its own table from `data` (`[skills.capabilities]` in
 * capability/, `[llm]` in agent/, `[sources]` in sources/), so the file is
 * opened and parsed in this one place.
 */
export interface CaroConfig {
  /** The file it was read from (named in findings). */
  file: string;
  /** The parsed TOML; `{}` when the file does not exist. */
  data: Record<string, unknown>;
}

/**
 * Reads and parses `config.toml`; a missing file is an empty config.
 *
 * @throws {SkillError} `validation` when it is not TOML; `io` when it cannot be read
 * @example
 * ```ts
 * import { readConfig } from "./config.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/config.toml`, '[llm]\nmodel = "m"\n');
 * const config = await readConfig(`${dir}/config.toml`);
 * if ((config.data.llm as { model: string }).model !== "m") throw new Error();
 * if (Object.keys((await readConfig(`${dir}/none.toml`)).data).length !== 0) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readConfig(file: string): Promise<CaroConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { file, data: {} };
    throw new SkillError("io", `Cannot read ${file}`, { why: String(error), cause: error });
  }
  // One command asks several owners (policy, sources, the model) for their
  // tables: the text is parsed once, and again only if the file changed.
  const seen = parsed.get(file);
  if (seen?.text === text) return { file, data: structuredClone(seen.data) };
  const config = await parseConfig(text, file);
  parsed.set(file, { text, data: structuredClone(config.data) });
  return config;
}

/** The last text parsed per file, with what it parsed to. */
const parsed = new Map<string, { text: string; data: Record<string, unknown> }>();

/**
 * Parses `config.toml` text.
 *
 * @throws {SkillError} `validation` when it is not TOML
 * @example
 * ```ts
 * import { parseConfig } from "./config.ts";
 * const config = await parseConfig("[sources]\ngit_token_env = 'T'\n");
 * if ((config.data.sources as { git_token_env: string }).git_token_env !== "T") throw new Error();
 * ```
 */
export async function parseConfig(text: string, file = "config.toml"): Promise<CaroConfig> {
  // Loaded on use: commands that never read config.toml skip smol-toml.
  const { parse } = await import("smol-toml");
  try {
    return { file, data: parse(text) as Record<string, unknown> };
  } catch (error) {
    throw new SkillError("validation", `${file} is not valid TOML`, {
      why: error instanceof Error ? error.message : String(error),
      cause: error,
      hints: [{ to: "fix it", run: `$EDITOR ${file}` }],
    });
  }
}
