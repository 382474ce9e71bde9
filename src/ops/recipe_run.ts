/**
 * `caro recipe run`: a recipe run with the home's grants, its audit log and a
 * run log under `runs/`.
 *
 * @module
 */
import type { Capabilities } from "../capability/mod.ts";
import type { Runner } from "../process/mod.ts";
import type { SkillStore } from "../store/mod.ts";
import type { Prompter } from "../terminal/mod.ts";
import {
  type CommandRecord,
  type RecipeEvent,
  RecipeExecutor,
  type RecipeResult,
} from "../recipe/mod.ts";
import type { RecipeEntry } from "./recipe_catalog.ts";
import { auditLogFor, enforcerFor } from "./grants.ts";
import { SkillCommandRunner } from "./exec.ts";

/** Options of {@link runRecipe}. */
export interface RunRecipeOptions {
  /** The store the recipe came from: its home holds `audit.log` and `runs/`. */
  store: SkillStore;
  entry: RecipeEntry;
  /** Resolved parameter values. */
  values: Record<string, string>;
  /**
   * Runs the commands (default: the skill's {@link SkillCommandRunner}, the
   * one sandboxed path; recipe tests pass a `MockRunner`).
   */
  runner?: Runner;
  /** Told when commands run without an OS sandbox (`[sandbox] required = false`). */
  warn?: (message: string) => void;
  prompter: Prompter;
  assumeYes?: boolean;
  yesHint?: string;
  signal?: AbortSignal;
  cwd?: string;
  onEvent?: (event: RecipeEvent) => void;
  /**
   * The grants to judge the recipe's commands with. Default: bundled `core.*`
   * skills are trusted with what their skill.toml requests (they ship inside
   * caro); any other skill gets what skills.lock grants it, which is nothing
   * until the user grants it (SPEC §6: deny by default).
   */
  grants?: Capabilities;
}

/** A run's result and the file its log was written to. */
export interface RecipeRun {
  result: RecipeResult;
  /** `$CARO_HOME/runs/<time>-<skill>-<recipe>.jsonl`: every event, then the result. */
  logFile: string;
}

/**
 * Runs a recipe of an installed or bundled skill: builds the capability
 * enforcer from the skill's grants (audit log in the home), runs the
 * {@link RecipeExecutor}, and writes a run log under `$CARO_HOME/runs/`.
 *
 * @throws {SkillError} as {@link RecipeExecutor.execute}
 * @example
 * ```ts
 * import { MockRunner } from "../process/mod.ts";
 * import { NonInteractivePrompter } from "../terminal/mod.ts";
 * import { findRecipe, openStore, runRecipe } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const store = await openStore(`${root}/home`);
 * const entry = await findRecipe(store, "core.posix/disk-usage");
 * const { result, logFile } = await runRecipe({
 *   store, entry, values: { path: "/var", top: "5" },
 *   runner: new MockRunner([{ command: "*", exit_code: 0 }]),
 *   prompter: new NonInteractivePrompter(),
 * });
 * if (result.status !== "success" || !logFile.startsWith(`${root}/home/runs/`)) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function runRecipe(options: RunRecipeOptions): Promise<RecipeRun> {
  const { store, entry } = options;
  const cwd = options.cwd ?? Deno.cwd();
  // Grants from skills.lock; bundled core.* skills hold what they request.
  const enforcer = await enforcerFor(store, {
    cwd,
    override: options.grants ? new Map([[entry.skillId, options.grants]]) : undefined,
  });
  const runsDir = `${store.home.root}/runs`;
  await Deno.mkdir(runsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const logFile = `${runsDir}/${stamp}-${entry.skillId}-${entry.recipe.id}-${
    crypto.randomUUID().slice(0, 8)
  }.jsonl`;
  const log = await Deno.open(logFile, { create: true, append: true });
  const encoder = new TextEncoder();
  const write = (value: unknown) => log.writeSync(encoder.encode(`${JSON.stringify(value)}\n`));
  // SPEC §6: the audit line of a check has no outcome; each command that ran
  // (or was declined) gets a second line saying whether a person confirmed it
  // and how it ended. Appends are chained to keep their order.
  const audit = await auditLogFor(store.home);
  let audited = Promise.resolve();
  const auditRun = (command: string, confirmed: boolean | null, outcome: string) => {
    audited = audited.then(() =>
      audit.append({
        timestamp: new Date().toISOString(),
        skill_id: entry.skillId,
        capability: "terminal_exec",
        resource: command,
        result: "allowed",
        reason: `run by recipe ${entry.ref}`,
        user_confirmed: confirmed,
        execution_result: outcome,
      })
    );
  };
  try {
    write({
      type: "start",
      recipe: entry.ref,
      file: entry.file,
      parameters: options.values,
      at: new Date().toISOString(),
    });
    const executor = new RecipeExecutor({
      runner: options.runner ??
        await SkillCommandRunner.create(store, entry.skillId, {
          cwd,
          grants: options.grants,
          warn: options.warn,
        }),
      prompter: options.prompter,
      enforcer,
      skillId: entry.skillId,
      defaultConfirmation: entry.defaultConfirmation,
      assumeYes: options.assumeYes,
      yesHint: options.yesHint,
      signal: options.signal,
      cwd,
      onEvent: (event) => {
        write({ ...event, at: new Date().toISOString() });
        if (
          event.type === "step_end" || event.type === "verification" ||
          event.type === "rollback_end"
        ) {
          const r = event.record;
          auditRun(r.command, confirmedBy(r), outcomeOf(r));
        } else if (event.type === "declined") {
          auditRun(event.command, false, "declined");
        }
        options.onEvent?.(event);
      },
    });
    try {
      const result = await executor.execute(entry.recipe, options.values);
      await audited;
      write({ type: "result", result });
      return { result, logFile };
    } catch (error) {
      write({ type: "error", message: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  } finally {
    log.close();
  }
}

function confirmedBy(record: CommandRecord): boolean | null {
  return record.confirmed_by === "prompt" || record.confirmed_by === "always" ? true : null;
}

function outcomeOf(record: CommandRecord): string {
  if (record.interrupted) return "interrupted";
  if (record.timed_out) return "timeout";
  return `exit ${record.exit_code}`;
}
