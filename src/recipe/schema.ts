import { z } from "zod";

const nonEmpty = z.string().min(1);
const words = z.array(nonEmpty);

/** `id` of a recipe or a step: lowercase letters, digits, hyphens (and `_` for steps). */
const RECIPE_ID = /^[a-z0-9][a-z0-9-]*$/;
/** A parameter name: what `{{name}}` refers to. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** How a step is confirmed (SPEC §3): `auto`, `prompt` (y/N), `always` (the word `yes`). */
export const StepConfirmationSchema = z.enum(["auto", "prompt", "always"]);

/** How risky a step is, shown before it runs. */
export const StepRiskSchema = z.enum(["low", "medium", "high", "critical"]);

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** One `parameters` entry. */
export const ParameterSchema = z.strictObject({
  name: z.string().regex(PARAMETER_NAME, "a parameter name is letters, digits and _"),
  type: z.enum(["string", "bool", "number", "enum"]).default("string"),
  /** The allowed values of an `enum`. */
  values: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
  required: z.boolean().default(false),
  default: scalar.optional(),
  description: z.string().optional(),
  /** A regex the whole value must match (checked for catastrophic backtracking). */
  validation: z.string().optional(),
});

/** One `preconditions` entry. */
export const PreconditionSchema = z.strictObject({
  check: z.enum(["command_exists", "env_set", "file_exists", "custom"]),
  args: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  /** `custom` only: a shell command line whose exit code 0 means "ready". */
  script: z.string().optional(),
  message: nonEmpty,
  /** What the user can do instead, shown when the check fails. */
  fallback: z.string().optional(),
});

/** `expect` of a step. */
export const StepExpectSchema = z.strictObject({
  exit_code: z.number().int().min(0).max(255).default(0),
  output_contains: z.string().optional(),
});

/** One `steps` entry. */
export const StepSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "a step id is lowercase letters, digits, - and _"),
  name: nonEmpty,
  command: nonEmpty,
  description: z.string().optional(),
  /** Default: the skill's `[recipes].default_confirmation`. */
  confirmation: StepConfirmationSchema.optional(),
  risk_level: StepRiskSchema.default("low"),
  /** Seconds; the whole process group is killed after it. */
  timeout: z.number().positive().max(86_400).default(300),
  expect: StepExpectSchema.default({ exit_code: 0 }),
});

/** `expect` of a verification. */
export const VerificationExpectSchema = z.strictObject({
  exit_code: z.number().int().min(0).max(255).default(0),
  output_contains: z.string().optional(),
  /** A JSONPath into the check's stdout parsed as JSON (no script expressions). */
  json_path: z.string().optional(),
  /** With `json_path`: some match, as text, contains this. */
  contains: scalar.optional(),
  /** With `json_path`: some match equals this. */
  equals: z.unknown().optional(),
});

/** One `verification` entry. */
export const VerificationSchema = z.strictObject({
  check: nonEmpty,
  expect: VerificationExpectSchema.default({ exit_code: 0 }),
  message: z.string().optional(),
});

/** One `rollback` entry. */
export const RollbackSchema = z.strictObject({
  command: nonEmpty,
  description: z.string().optional(),
  /** Only when this step started (default: whenever any step started). */
  step: z.string().optional(),
});

/** `triggers`: when `caro context` / `caro ask` suggest the recipe. */
export const TriggersSchema = z.strictObject({
  keywords: words.default([]),
  /** Phrases of what the user wants, e.g. "back up a folder". */
  intent: z.union([nonEmpty.transform((s) => [s]), words]).default([]),
  context: z.strictObject({ has_files: words.default([]) }).default({ has_files: [] }),
});

/**
 * A recipe file (SPEC §3): one YAML document. Unknown keys are errors: a
 * misspelt `confirmaton: always` must not silently become the default.
 *
 * @example
 * ```ts
 * import { RecipeSchema } from "./schema.ts";
 * const recipe = RecipeSchema.parse({
 *   id: "hello", name: "Hello", description: "Say hello", version: "1.0.0",
 *   steps: [{ id: "say", name: "Say it", command: "echo hello" }],
 * });
 * if (recipe.steps[0].timeout !== 300 || recipe.steps[0].expect.exit_code !== 0) throw new Error();
 * ```
 */
export const RecipeSchema = z.strictObject({
  id: z.string().regex(RECIPE_ID, "a recipe id is lowercase letters, digits and hyphens"),
  name: nonEmpty,
  description: z.string().default(""),
  version: nonEmpty,
  triggers: TriggersSchema.default({ keywords: [], intent: [], context: { has_files: [] } }),
  parameters: z.array(ParameterSchema).default([]),
  preconditions: z.array(PreconditionSchema).default([]),
  steps: z.array(StepSchema).min(1, "a recipe needs at least one step"),
  verification: z.array(VerificationSchema).default([]),
  rollback: z.array(RollbackSchema).default([]),
});

/** A parsed recipe, defaults filled in. */
export type Recipe = z.infer<typeof RecipeSchema>;
/** One parameter of a {@link Recipe}. */
export type Parameter = z.infer<typeof ParameterSchema>;
/** One precondition of a {@link Recipe}. */
export type Precondition = z.infer<typeof PreconditionSchema>;
/** One step of a {@link Recipe}. */
export type Step = z.infer<typeof StepSchema>;
/** One verification of a {@link Recipe}. */
export type Verification = z.infer<typeof VerificationSchema>;
/** One rollback command of a {@link Recipe}. */
export type RollbackCommand = z.infer<typeof RollbackSchema>;
/** Confirmation level of a step. */
export type StepConfirmation = z.infer<typeof StepConfirmationSchema>;

/**
 * `tests/recipe_test.yaml` (SPEC §3).
 *
 * @example
 * ```ts
 * import { RecipeTestFileSchema } from "./schema.ts";
 * const file = RecipeTestFileSchema.parse({ test_cases: [{ name: "ok", recipe: "r", expected_result: "success" }] });
 * if (file.test_cases[0].mock_commands.length !== 0) throw new Error();
 * ```
 */
export const RecipeTestFileSchema = z.strictObject({
  test_cases: z.array(z.strictObject({
    name: nonEmpty,
    recipe: nonEmpty,
    parameters: z.record(z.string(), scalar.transform(String)).default({}),
    mock_commands: z.array(z.strictObject({
      command: nonEmpty,
      exit_code: z.number().int().min(0).max(255).default(0),
      stdout: z.string().default(""),
      stderr: z.string().default(""),
    })).default([]),
    expected_result: z.enum(["success", "partial", "failed", "precondition_failed"]),
    /** Text the result's message must contain. */
    expected_message: z.string().optional(),
    /** Whether rollback must have run (optional). */
    expected_rolled_back: z.boolean().optional(),
  })),
});

/** A parsed `tests/recipe_test.yaml`. */
export type RecipeTestFile = z.infer<typeof RecipeTestFileSchema>;
