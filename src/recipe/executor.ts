import { SkillError } from "../errors/mod.ts";
import type { Runner, RunResult } from "../process/mod.ts";
import { type Prompter, visibleCommand } from "../terminal/mod.ts";
import type { Recipe, Step, StepConfirmation, Verification } from "./schema.ts";
import { applicableRollback, type RenderedRecipe, renderRecipe } from "./plan.ts";
import { expectProblem } from "./_expect.ts";

/** What judges each command before it runs: `CapabilityEnforcer.checkCommand` (audited). */
export interface CommandGate {
  checkCommand(skillId: string, command: string): Promise<{ allowed: boolean; reason: string }>;
}

/** The outcome of a recipe run (SPEC §3). */
export type RecipeStatus = "success" | "partial" | "failed" | "precondition_failed";

/** One command that ran (a step, a verification, a rollback command). */
export interface CommandRecord {
  /** Step id (steps), or `verify-N` / `rollback-N`. */
  id: string;
  name: string;
  /** The rendered command line, parameters shell-quoted. */
  command: string;
  /** Null when it never ran (declined). */
  exit_code: number | null;
  stdout: string;
  stderr: string;
  duration_ms: number;
  timed_out: boolean;
  interrupted: boolean;
  /** Met its `expect`. */
  ok: boolean;
  /** Why it is not ok. */
  error?: string;
  /** How it was allowed to run: `auto`, `prompt`, `always` (answered) or `--yes`. */
  confirmed_by?: "auto" | "prompt" | "always" | "--yes";
}

/** One precondition's outcome. */
export interface PreconditionRecord {
  check: string;
  /** What was checked (a program, variable, path or command). */
  target: string;
  ok: boolean;
  message?: string;
  fallback?: string;
}

/** The result object (`--format json` prints it). */
export interface RecipeResult {
  /** `skill.id/recipe-id`. */
  recipe: string;
  status: RecipeStatus;
  /** One sentence saying what happened. */
  message: string;
  parameters: Record<string, string>;
  preconditions: PreconditionRecord[];
  steps: CommandRecord[];
  verification: CommandRecord[];
  /** Rollback ran and every rollback command succeeded. */
  rolled_back: boolean;
  rollback: CommandRecord[];
  /** The step or verification that failed. */
  failed_step?: string;
  /** Stopped by Ctrl-C. */
  interrupted: boolean;
  started_at: string;
  duration_ms: number;
}

/** Progress of a run, for the CLI and the run log. */
export type RecipeEvent =
  | { type: "precondition"; record: PreconditionRecord }
  | {
    type: "step_start";
    index: number;
    total: number;
    id: string;
    name: string;
    command: string;
    /** Whether a person was just shown the command at a prompt. */
    asked: boolean;
  }
  | { type: "output"; chunk: string; stream: "stdout" | "stderr" }
  | { type: "step_end"; index: number; total: number; record: CommandRecord }
  | { type: "verification"; index: number; total: number; record: CommandRecord }
  | { type: "rollback_start"; count: number; reason: string }
  | { type: "rollback_end"; record: CommandRecord }
  | { type: "declined"; id: string; command: string }
  | { type: "interrupted"; id: string };

/** Options of {@link RecipeExecutor}. */
export interface ExecutorOptions {
  /** The process edge. */
  runner: Runner;
  /** The terminal edge, for confirmation gates and the rollback offer after Ctrl-C. */
  prompter: Prompter;
  /** Judges every command for `skillId` before anything runs. */
  enforcer: CommandGate;
  /** The skill the recipe belongs to. */
  skillId: string;
  /** The skill's `[recipes].default_confirmation` (default `prompt`). */
  defaultConfirmation?: StepConfirmation;
  /** `--yes`: every gate is answered yes. */
  assumeYes?: boolean;
  /** The command line that adds `--yes`, for the error without a terminal. */
  yesHint?: string;
  /** Aborting (Ctrl-C) kills the running step. */
  signal?: AbortSignal;
  cwd?: string;
  env?: Record<string, string>;
  onEvent?: (event: RecipeEvent) => void;
  now?: () => number;
}

/**
 * Runs a recipe (SPEC §3): renders every command with shell-quoted values,
 * checks each with the capability enforcer before anything runs, checks the
 * preconditions, then runs each step behind its confirmation gate with its
 * timeout and `expect`, then the verification; a failed step or verification
 * rolls back the started steps in reverse order.
 *
 * @example
 * ```ts
 * import { RecipeExecutor, RecipeSchema } from "./mod.ts";
 * import { MockRunner } from "../process/mod.ts";
 * import { NonInteractivePrompter } from "../terminal/mod.ts";
 * const recipe = RecipeSchema.parse({
 *   id: "tag", name: "Tag", version: "1.0.0",
 *   parameters: [{ name: "tag", required: true }],
 *   steps: [{ id: "tag", name: "Tag", command: "git tag {{tag}}", confirmation: "auto" }],
 *   verification: [{ check: "git tag --list {{tag}}", expect: { output_contains: "v9" } }],
 *   rollback: [{ command: "git tag -d {{tag}}" }],
 * });
 * const runner = new MockRunner([{ command: "git tag *", exit_code: 0, stdout: "v1" }]);
 * const executor = new RecipeExecutor({
 *   runner, prompter: new NonInteractivePrompter(), skillId: "core.git",
 *   enforcer: { checkCommand: () => Promise.resolve({ allowed: true, reason: "test" }) },
 * });
 * const result = await executor.execute(recipe, { tag: "v1" });
 * if (result.status !== "failed" || !result.rolled_back) throw new Error(result.message);
 * if (runner.calls.at(-1)?.command !== "git tag -d 'v1'") throw new Error();
 * ```
 */
export class RecipeExecutor {
  readonly #o: ExecutorOptions;
  constructor(options: ExecutorOptions) {
    this.#o = options;
  }

  /**
   * Every command of the recipe rendered with `values`, nothing run: see {@link renderRecipe}.
   *
   * @throws {SkillError} `validation` for a NUL byte in a value
   */
  render(recipe: Recipe, values: Readonly<Record<string, string>>): RenderedRecipe {
    return renderRecipe(recipe, values, this.#o.defaultConfirmation);
  }

  /**
   * Runs the recipe with resolved parameter values (see `resolveParameters`).
   *
   * @throws {SkillError} `usage` when a step needs confirmation, there is no
   *   terminal and no `--yes` (nothing has run); `capability_denied` when the
   *   enforcer refuses any of its commands (nothing has run)
   */
  async execute(recipe: Recipe, values: Readonly<Record<string, string>>): Promise<RecipeResult> {
    const o = this.#o;
    const now = o.now ?? Date.now;
    const started = now();
    const ref = `${o.skillId}/${recipe.id}`;
    const plan = this.render(recipe, values);

    // SPEC §3: without a terminal, prompt and always steps fail closed unless --yes,
    // and they fail before anything runs rather than half way through.
    if (!o.assumeYes && !o.prompter.isInteractive) {
      const gated = plan.steps.filter((s) => s.confirmation !== "auto");
      if (gated.length > 0) {
        throw new SkillError(
          "usage",
          `Cannot run ${ref} without a terminal: ${
            gated.map((s) => `step "${s.step.id}" needs confirmation (${s.confirmation})`).join(
              ", ",
            )
          }`,
          {
            why: "stdin is not a terminal, so nobody can confirm; nothing was run",
            hints: [{
              to: "confirm every step up front",
              run: o.yesHint ?? `caro recipe run ${ref} --yes`,
            }],
          },
        );
      }
    }

    // Every command is judged (and audited) before the first one runs, so a
    // denied rollback or verification never surfaces after a step changed things.
    const commands = [
      ...plan.preconditions.filter((p) => p.custom).map((p) => p.command),
      ...plan.steps.map((s) => s.command),
      ...plan.verification.map((v) => v.command),
      ...plan.rollback.map((r) => r.command),
    ];
    for (const command of commands) {
      const decision = await o.enforcer.checkCommand(o.skillId, command);
      if (!decision.allowed) {
        throw new SkillError(
          "capability_denied",
          `Cannot run ${ref}: ${o.skillId} may not run a command of it`,
          {
            why: `${command}\n${decision.reason}\nnothing was run`,
            hints: [
              { to: "see what it may run", run: `caro skill info ${o.skillId}` },
              {
                to: "grant it commands",
                run: `caro skill capabilities ${o.skillId} grant terminal_exec`,
              },
            ],
          },
        );
      }
    }

    const result: RecipeResult = {
      recipe: ref,
      status: "success",
      message: "",
      parameters: { ...values },
      preconditions: [],
      steps: [],
      verification: [],
      rolled_back: false,
      rollback: [],
      interrupted: false,
      started_at: new Date(started).toISOString(),
      duration_ms: 0,
    };
    const finish = (status: RecipeStatus, message: string) => {
      result.status = status;
      result.message = message;
      result.duration_ms = now() - started;
      return result;
    };

    for (const pre of plan.preconditions) {
      const run = await this.#run(pre.command, 60);
      const record: PreconditionRecord = {
        check: pre.check,
        target: pre.target,
        ok: run.code === 0 && !run.timedOut && !run.interrupted,
      };
      if (!record.ok) {
        record.message = pre.message;
        if (pre.fallback) record.fallback = pre.fallback;
      }
      result.preconditions.push(record);
      o.onEvent?.({ type: "precondition", record });
      if (run.interrupted) {
        result.interrupted = true;
        return finish("failed", "interrupted while checking preconditions; nothing was run");
      }
    }
    const unmet = result.preconditions.filter((p) => !p.ok);
    if (unmet.length > 0) {
      return finish(
        "precondition_failed",
        unmet.map((p) => p.message + (p.fallback ? ` (${p.fallback})` : "")).join("; "),
      );
    }

    const started_ids = new Map<string, boolean>(); // step id → completed
    const total = plan.steps.length;
    for (const [i, { step, command, confirmation, expect }] of plan.steps.entries()) {
      const index = i + 1;
      if (o.signal?.aborted) {
        return await this.#interrupted(result, plan, started_ids, step.id, finish);
      }
      let confirmedBy: CommandRecord["confirmed_by"] = "auto";
      if (confirmation !== "auto") {
        let answer: boolean;
        if (o.assumeYes) {
          answer = true;
          confirmedBy = "--yes";
        } else {
          // The whole command, with anything that could hide part of it made
          // visible: the user confirms exactly what runs.
          const question = `Step ${index}/${total}: ${step.name} (risk: ${step.risk_level})\n  $ ${
            visibleCommand(command).text
          }\n  Run it?`;
          try {
            answer = confirmation === "always"
              ? await o.prompter.confirmWord(question, "yes", { signal: o.signal })
              : await o.prompter.confirm(question, { signal: o.signal });
          } catch (error) {
            if (error instanceof SkillError && error.code === "interrupted") {
              return await this.#interrupted(result, plan, started_ids, step.id, finish);
            }
            throw error;
          }
          confirmedBy = confirmation;
        }
        if (!answer) {
          o.onEvent?.({ type: "declined", id: step.id, command });
          result.failed_step = step.id;
          const rolled = await this.#rollback(
            result,
            plan,
            started_ids,
            `step "${step.id}" was declined`,
          );
          return finish(
            rolled === null && result.steps.length > 0 ? "partial" : "failed",
            `step "${step.id}" was declined${
              rolled === null
                ? result.steps.length > 0
                  ? "; earlier steps were kept (no rollback)"
                  : "; nothing was run"
                : rolled
                ? "; the completed steps were rolled back"
                : "; rollback failed"
            }`,
          );
        }
      }
      o.onEvent?.({
        type: "step_start",
        index,
        total,
        id: step.id,
        name: step.name,
        command,
        asked: confirmedBy === "prompt" || confirmedBy === "always",
      });
      started_ids.set(step.id, false);
      const record = await this.#record(step.id, step.name, command, step.timeout, expect);
      started_ids.set(step.id, record.ok);
      record.confirmed_by = confirmedBy;
      result.steps.push(record);
      o.onEvent?.({ type: "step_end", index, total, record });
      if (record.interrupted) {
        return await this.#interrupted(result, plan, started_ids, step.id, finish);
      }
      if (!record.ok) {
        result.failed_step = step.id;
        const why = `step "${step.id}" failed: ${record.error}`;
        const rolled = await this.#rollback(result, plan, started_ids, why);
        return finish(
          rolled === null && result.steps.length > 1 ? "partial" : "failed",
          rolled === null ? why : `${why}; ${rolled ? "rolled back" : "rollback failed"}`,
        );
      }
    }

    for (const [i, { command, message, expect }] of plan.verification.entries()) {
      const id = `verify-${i + 1}`;
      const record = await this.#record(
        id,
        `verification ${i + 1}`,
        command,
        300,
        expect,
      );
      result.verification.push(record);
      o.onEvent?.({ type: "verification", index: i + 1, total: plan.verification.length, record });
      if (record.interrupted) {
        return await this.#interrupted(result, plan, started_ids, id, finish);
      }
      if (!record.ok) {
        result.failed_step = id;
        const why = `verification failed: ${message ?? command} (${record.error})`;
        const rolled = await this.#rollback(result, plan, started_ids, why);
        return finish(
          rolled === null ? "partial" : "failed",
          rolled === null ? why : `${why}; ${rolled ? "rolled back" : "rollback failed"}`,
        );
      }
    }
    return finish(
      "success",
      `${result.steps.length} step(s) completed${
        result.verification.length > 0
          ? `, ${result.verification.length} verification(s) passed`
          : ""
      }`,
    );
  }

  async #interrupted(
    result: RecipeResult,
    plan: RenderedRecipe,
    started: Map<string, boolean>,
    id: string,
    finish: (status: RecipeStatus, message: string) => RecipeResult,
  ): Promise<RecipeResult> {
    const o = this.#o;
    result.interrupted = true;
    result.failed_step = id;
    o.onEvent?.({ type: "interrupted", id });
    let message = `interrupted during "${id}"`;
    const pending = applicableRollback(plan, started);
    if (pending.length > 0 && o.prompter.isInteractive) {
      // The run's signal is spent; this question gets none so it can be answered.
      const wanted = await o.prompter.confirm(
        `Interrupted. Roll back the ${started.size} started step(s) (${pending.length} command(s))?`,
      ).catch((error) => {
        if (error instanceof SkillError && error.code === "interrupted") return false;
        throw error;
      });
      if (wanted) {
        const rolled = await this.#rollback(result, plan, started, "interrupted", false);
        message += rolled ? "; rolled back" : "; rollback failed";
      } else {
        message += "; rollback declined, the started steps were kept";
      }
    } else if (pending.length > 0) {
      message += "; no terminal to confirm a rollback, so nothing was undone";
    }
    return finish("failed", message);
  }

  /** Runs the rollback for the started steps; null when there was nothing to run. */
  async #rollback(
    result: RecipeResult,
    plan: RenderedRecipe,
    started: Map<string, boolean>,
    reason: string,
    useSignal = true,
  ): Promise<boolean | null> {
    const pending = applicableRollback(plan, started);
    if (pending.length === 0) return null;
    this.#o.onEvent?.({ type: "rollback_start", count: pending.length, reason });
    let allOk = true;
    for (const [i, r] of pending.entries()) {
      const record = await this.#record(
        `rollback-${i + 1}`,
        r.description ?? "rollback",
        r.command,
        300,
        { exit_code: 0 },
        useSignal,
      );
      result.rollback.push(record);
      this.#o.onEvent?.({ type: "rollback_end", record });
      if (!record.ok) allOk = false;
    }
    result.rolled_back = allOk;
    return allOk;
  }

  async #run(command: string, timeoutSeconds: number, useSignal = true): Promise<RunResult> {
    const o = this.#o;
    return await o.runner.run(command, {
      cwd: o.cwd,
      env: o.env,
      timeoutMs: timeoutSeconds * 1000,
      signal: useSignal ? o.signal : undefined,
      onOutput: (chunk, stream) => o.onEvent?.({ type: "output", chunk, stream }),
    });
  }

  async #record(
    id: string,
    name: string,
    command: string,
    timeoutSeconds: number,
    expect: Verification["expect"] | Step["expect"],
    useSignal = true,
  ): Promise<CommandRecord> {
    const now = this.#o.now ?? Date.now;
    const begin = now();
    const run = await this.#run(command, timeoutSeconds, useSignal);
    const error = run.interrupted
      ? "interrupted"
      : run.timedOut
      ? `timed out after ${timeoutSeconds}s (its process group was killed)`
      : await expectProblem(run, expect);
    return {
      id,
      name,
      command,
      exit_code: run.code,
      stdout: tail(run.stdout),
      stderr: tail(run.stderr),
      duration_ms: now() - begin,
      timed_out: run.timedOut,
      interrupted: run.interrupted,
      ok: error === null,
      ...(error === null ? {} : { error }),
    };
  }
}

const TAIL = 4000;
function tail(text: string): string {
  return text.length > TAIL ? `…${text.slice(-TAIL)}` : text;
}
