import { SkillError } from "../errors/mod.ts";
import { type CaroConfig, readConfig } from "../config/mod.ts";

/** Where the model is: an OpenAI-compatible chat-completions endpoint. */
export interface LlmConfig {
  /** Base URL; `/chat/completions` is appended (default Ollama, `http://127.0.0.1:11434/v1`). */
  baseUrl: string;
  model: string;
  /** The environment variable holding the API key (none for a local Ollama). */
  apiKeyEnv?: string;
  /** Where each value came from, for hints: `default`, `config.toml`, or the variable name. */
  origin: { baseUrl: string; model: string };
}

/** The endpoint when nothing is configured: Ollama on this machine. */
export const DEFAULT_LLM_BASE_URL = "http://127.0.0.1:11434/v1";
/** The model when nothing is configured. */
export const DEFAULT_LLM_MODEL = "llama3.2";

/**
 * The LLM settings: `config.toml` `[llm] base_url, model, api_key_env`, then
 * `CARO_LLM_BASE_URL` and `CARO_LLM_MODEL` over them, else Ollama's defaults.
 *
 * @param configFile the path of `config.toml` (missing is fine)
 * @param env the environment to read (default `Deno.env`)
 * @throws {SkillError} `validation` when `config.toml` is not valid TOML or `[llm]` has a wrong type
 * @example
 * ```ts
 * import { readLlmConfig } from "./llm_config.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/config.toml`, '[llm]\nmodel = "qwen2.5-coder"\n');
 * const config = await readLlmConfig(`${dir}/config.toml`, { CARO_LLM_BASE_URL: "http://127.0.0.1:9/v1" });
 * if (config.model !== "qwen2.5-coder" || config.origin.baseUrl !== "CARO_LLM_BASE_URL") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readLlmConfig(
  configFile: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<LlmConfig> {
  return llmConfigOf(await readConfig(configFile), env);
}

/**
 * The `[llm]` table of an already read `config.toml`, with the `CARO_LLM_*`
 * environment overrides (see {@link readLlmConfig}).
 *
 * @throws {SkillError} `validation` when `[llm]` has a wrong type
 * @example
 * ```ts
 * import { llmConfigOf } from "./llm_config.ts";
 * const config = llmConfigOf({ file: "config.toml", data: { llm: { model: "m" } } }, {});
 * if (config.model !== "m" || config.origin.model !== "config.toml") throw new Error();
 * ```
 */
export function llmConfigOf(
  config: CaroConfig,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): LlmConfig {
  const configFile = config.file;
  let llm: Record<string, unknown> = {};
  if (config.data.llm !== undefined) {
    const table = config.data.llm;
    if (typeof table !== "object" || table === null || Array.isArray(table)) {
      throw invalid(configFile, "[llm] must be a table");
    }
    llm = table as Record<string, unknown>;
  }
  for (const key of ["base_url", "model", "api_key_env"]) {
    if (llm[key] !== undefined && typeof llm[key] !== "string") {
      throw invalid(configFile, `[llm] ${key} must be a string`);
    }
  }
  const pick = (variable: string, key: string, fallback: string) => {
    const fromEnv = env[variable];
    if (fromEnv) return { value: fromEnv, origin: variable };
    if (typeof llm[key] === "string" && llm[key] !== "") {
      return { value: llm[key] as string, origin: "config.toml" };
    }
    return { value: fallback, origin: "default" };
  };
  const baseUrl = pick("CARO_LLM_BASE_URL", "base_url", DEFAULT_LLM_BASE_URL);
  const model = pick("CARO_LLM_MODEL", "model", DEFAULT_LLM_MODEL);
  return {
    baseUrl: baseUrl.value.replace(/\/+$/, ""),
    model: model.value,
    apiKeyEnv: typeof llm.api_key_env === "string" && llm.api_key_env !== ""
      ? llm.api_key_env
      : undefined,
    origin: { baseUrl: baseUrl.origin, model: model.origin },
  };
}

function invalid(file: string, why: string): SkillError {
  return new SkillError("validation", `${file}: ${why}`, {
    hints: [{ to: "see the settings", run: "caro ask --help" }],
  });
}
