import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { SkillError } from "../errors/mod.ts";
import { DEFAULT_LLM_BASE_URL, DEFAULT_LLM_MODEL, readLlmConfig } from "./llm_config.ts";

Deno.test("readLlmConfig: defaults, config.toml, then environment", async (t) => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/config.toml`;
  const cases = [
    {
      name: "nothing configured: Ollama",
      toml: null,
      env: {},
      want: { baseUrl: DEFAULT_LLM_BASE_URL, model: DEFAULT_LLM_MODEL, origin: "default" },
    },
    {
      name: "config.toml [llm]",
      toml: '[llm]\nbase_url = "http://127.0.0.1:8080/v1/"\nmodel = "m1"\n',
      env: {},
      want: { baseUrl: "http://127.0.0.1:8080/v1", model: "m1", origin: "config.toml" },
    },
    {
      name: "CARO_LLM_* override the file",
      toml: '[llm]\nbase_url = "http://127.0.0.1:8080/v1"\nmodel = "m1"\n',
      env: { CARO_LLM_BASE_URL: "http://127.0.0.1:9999/v1", CARO_LLM_MODEL: "m2" },
      want: { baseUrl: "http://127.0.0.1:9999/v1", model: "m2", origin: "CARO_LLM_BASE_URL" },
    },
    {
      name: "other sections are ignored",
      toml: '[skills]\ndefault = ["core.shell"]\n',
      env: {},
      want: { baseUrl: DEFAULT_LLM_BASE_URL, model: DEFAULT_LLM_MODEL, origin: "default" },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      await Deno.remove(file).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
      if (c.toml !== null) await Deno.writeTextFile(file, c.toml);
      const config = await readLlmConfig(file, c.env);
      deepStrictEqual(
        { baseUrl: config.baseUrl, model: config.model, origin: config.origin.baseUrl },
        c.want,
      );
    });
  }
  await t.step("invalid TOML and wrong types are validation errors", async () => {
    for (const toml of ["[llm\n", "[llm]\nmodel = 3\n", "llm = 1\n"]) {
      await Deno.writeTextFile(file, toml);
      const error = await readLlmConfig(file, {}).then(() => null, (e) => e);
      ok(error instanceof SkillError && error.code === "validation", `${toml}: ${error}`);
    }
  });
  await t.step("api_key_env names the variable", async () => {
    await Deno.writeTextFile(file, '[llm]\napi_key_env = "OPENAI_API_KEY"\n');
    equal((await readLlmConfig(file, {})).apiKeyEnv, "OPENAI_API_KEY");
  });
  await Deno.remove(dir, { recursive: true });
});
