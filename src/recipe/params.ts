import { SkillError } from "../errors/mod.ts";
import { didYouMean } from "../suggest/mod.ts";
import type { Prompter } from "../terminal/mod.ts";
import { valueProblem } from "./parse.ts";
import type { Parameter, Recipe } from "./schema.ts";

/** Options of {@link resolveParameters}. */
export interface ResolveParametersOptions {
  /** Asks for missing required values when it is interactive. */
  prompter?: Prompter;
  /** The command that passes the missing values, for the error hint. */
  commandLine?: string;
  signal?: AbortSignal;
}

/**
 * The value of every parameter, as text ready to render: given values (from
 * `--param k=v`), then defaults, then answers typed on a terminal (re-asked
 * until valid). Bools become `true`/`false`, numbers their canonical form.
 *
 * @throws {SkillError} `usage` for an unknown name, an invalid value, or
 *   required values missing without a terminal (all listed at once)
 * @example
 * ```ts
 * import { RecipeSchema } from "./schema.ts";
 * import { resolveParameters } from "./params.ts";
 * const recipe = RecipeSchema.parse({
 *   id: "r", name: "R", version: "1.0.0", steps: [{ id: "s", name: "S", command: "true" }],
 *   parameters: [
 *     { name: "source", required: true },
 *     { name: "level", type: "number", default: 6 },
 *     { name: "dry", type: "bool", default: "no" },
 *   ],
 * });
 * const values = await resolveParameters(recipe, { source: "/data" });
 * if (values.level !== "6" || values.dry !== "false") throw new Error(JSON.stringify(values));
 * const missing = await resolveParameters(recipe, {}).then(() => "", (e) => e.message);
 * if (!missing.includes("source")) throw new Error(missing);
 * ```
 */
export async function resolveParameters(
  recipe: Recipe,
  given: Readonly<Record<string, string>>,
  options: ResolveParametersOptions = {},
): Promise<Record<string, string>> {
  const known = recipe.parameters.map((p) => p.name);
  for (const name of Object.keys(given)) {
    if (!known.includes(name)) {
      const near = didYouMean(name, known);
      throw new SkillError("usage", `Recipe ${recipe.id} has no parameter "${name}"`, {
        why: `its parameters are ${known.join(", ") || "none"}`,
        hints: near.length > 0
          ? [{ to: "use the nearest name", run: `--param ${near[0]}=...` }]
          : [{ to: "see its parameters", run: `caro recipe show ${recipe.id}` }],
      });
    }
  }
  const values: Record<string, string> = {};
  const missing: Parameter[] = [];
  for (const p of recipe.parameters) {
    const raw = Object.hasOwn(given, p.name)
      ? given[p.name]
      : p.default !== undefined
      ? String(p.default)
      : undefined;
    if (raw === undefined) {
      if (p.required) missing.push(p);
      else values[p.name] = "";
      continue;
    }
    const problem = valueProblem(p, raw);
    if (problem) {
      throw new SkillError("usage", `Invalid value for parameter "${p.name}"`, {
        why: problem,
        hints: [{ to: "pass a valid value", run: `--param ${p.name}=${example(p)}` }],
      });
    }
    values[p.name] = canonical(p, raw);
  }
  if (missing.length === 0) return values;
  const prompter = options.prompter;
  if (!prompter?.isInteractive) {
    const flags = missing.map((p) => `--param ${p.name}=${example(p)}`).join(" ");
    throw new SkillError(
      "usage",
      `Recipe ${recipe.id} needs ${missing.map((p) => p.name).join(", ")}`,
      {
        why: missing.map((p) => `${p.name} (${p.type}): ${p.description ?? "required"}`).join(
          "\n",
        ) + "\nstdin is not a terminal, so caro cannot ask for them",
        hints: [{
          to: "pass them",
          run: options.commandLine ? `${options.commandLine} ${flags}` : flags,
        }],
      },
    );
  }
  for (const p of missing) {
    values[p.name] = canonical(p, await ask(prompter, p, options.signal));
  }
  return values;
}

async function ask(prompter: Prompter, p: Parameter, signal?: AbortSignal): Promise<string> {
  const label = `${p.name}${p.description ? ` (${p.description})` : ""}`;
  if (p.type === "bool") return String(await prompter.confirm(label, { signal }));
  if (p.type === "enum" && p.values) {
    return await prompter.select(label, p.values.map((v) => ({ name: v, value: v })), { signal });
  }
  return await prompter.input(label, {
    signal,
    validate: (value) => value === "" ? `${p.name} is required` : valueProblem(p, value),
  });
}

function canonical(p: Parameter, raw: string): string {
  if (p.type === "bool") return String(["true", "yes", "1"].includes(raw.toLowerCase()));
  if (p.type === "number") return String(Number(raw));
  return raw;
}

function example(p: Parameter): string {
  if (p.type === "enum" && p.values) return p.values[0];
  if (p.type === "bool") return "true";
  if (p.type === "number") return "1";
  return "<value>";
}
