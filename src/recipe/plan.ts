/**
 * A recipe rendered into what would run: every command with its parameters
 * shell-quoted, each step's confirmation level, and the rollback that applies
 * after a failure. `--dry-run` prints it; the executor runs it.
 *
 * @module
 */
import { renderCommand, renderText, shellQuote } from "./render.ts";
import type { Recipe, Step, StepConfirmation, Verification } from "./schema.ts";

/** A recipe with every command rendered (parameters shell-quoted). */
export interface RenderedRecipe {
  preconditions: Array<
    {
      check: string;
      target: string;
      command: string;
      message: string;
      fallback?: string;
      custom: boolean;
    }
  >;
  steps: Array<
    { step: Step; command: string; confirmation: StepConfirmation; expect: Step["expect"] }
  >;
  verification: Array<
    {
      verification: Verification;
      command: string;
      message?: string;
      expect: Verification["expect"];
    }
  >;
  rollback: Array<{ command: string; description?: string; step?: string }>;
}

/**
 * Every command of a recipe rendered with `values` (parameters shell-quoted),
 * with the gate of each step; nothing runs. What `--dry-run` prints.
 *
 * @param defaultConfirmation the skill's `[recipes].default_confirmation` (default `prompt`)
 * @throws {SkillError} `validation` for a NUL byte in a value
 * @example
 * ```ts
 * import { RecipeSchema, renderRecipe } from "./mod.ts";
 * const recipe = RecipeSchema.parse({
 *   id: "r", name: "R", version: "1.0.0", parameters: [{ name: "dir" }],
 *   steps: [{ id: "rm", name: "Remove", command: "rm -r -- {{dir}}" }],
 * });
 * const plan = renderRecipe(recipe, { dir: "a b; c" });
 * if (plan.steps[0].command !== "rm -r -- 'a b; c'" || plan.steps[0].confirmation !== "prompt") {
 *   throw new Error(JSON.stringify(plan.steps[0]));
 * }
 * ```
 */
export function renderRecipe(
  recipe: Recipe,
  values: Readonly<Record<string, string>>,
  defaultConfirmation?: StepConfirmation,
): RenderedRecipe {
  const fallbackLevel = defaultConfirmation ?? "prompt";
  return {
    preconditions: recipe.preconditions.flatMap((pre): RenderedRecipe["preconditions"] => {
      const message = renderText(pre.message, values);
      const fallback = pre.fallback === undefined ? undefined : renderText(pre.fallback, values);
      if (pre.check === "custom") {
        const command = pre.script !== undefined
          ? renderCommand(pre.script, values)
          : pre.args.map((a) => shellQuote(renderText(a, values))).join(" ");
        return [{ check: "custom", target: command, command, message, fallback, custom: true }];
      }
      return pre.args.map((arg) => {
        const target = renderText(arg, values);
        const quoted = shellQuote(target);
        const command = pre.check === "command_exists"
          ? `command -v ${quoted}`
          : pre.check === "env_set"
          ? `printenv ${quoted}`
          : `test -e ${quoted}`;
        return { check: pre.check, target, command, message, fallback, custom: false };
      });
    }),
    steps: recipe.steps.map((step) => ({
      step,
      command: renderCommand(step.command, values),
      confirmation: step.confirmation ?? fallbackLevel,
      expect: renderExpect(step.expect, values),
    })),
    verification: recipe.verification.map((verification) => ({
      verification,
      command: renderCommand(verification.check, values),
      message: verification.message === undefined
        ? undefined
        : renderText(verification.message, values),
      expect: renderExpect(verification.expect, values),
    })),
    rollback: recipe.rollback.map((r) => ({
      command: renderCommand(r.command, values),
      description: r.description,
      step: r.step,
    })),
  };
}

/** `output_contains` may name parameters; it is compared as plain text. */
function renderExpect<T extends { output_contains?: string }>(
  expect: T,
  values: Readonly<Record<string, string>>,
): T {
  return expect.output_contains === undefined
    ? expect
    : { ...expect, output_contains: renderText(expect.output_contains, values) };
}

/** The rollback commands that undo what started, last first. */
export function applicableRollback(
  plan: RenderedRecipe,
  started: Map<string, boolean>,
): RenderedRecipe["rollback"] {
  if (started.size === 0) return [];
  // A rollback tied to a step undoes only a completed step (the step may have failed
  // because its target already existed); one tied to none cleans up after any start.
  return plan.rollback.filter((r) => r.step === undefined || started.get(r.step) === true)
    .reverse();
}
