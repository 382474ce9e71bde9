import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import {
  type Capabilities,
  CapabilitiesSchema,
  CapabilityEnforcer,
  readAuditLog,
} from "../capability/mod.ts";
import { SkillError } from "../errors/mod.ts";
import { SystemRunner } from "../process/mod.ts";
import { NonInteractivePrompter } from "../terminal/mod.ts";
import { type ExecutorOptions, RecipeExecutor } from "./executor.ts";
import { parseRecipe } from "./parse.ts";
import type { Recipe } from "./schema.ts";

const SKILL = "custom.demo";

/** Whether a process runs: gone, or a zombie nobody reaped (PID 1 in a container may not), is not. */
/** Whether `pid` is alive and not a zombie (`ps`, as caro's permissions deny /proc). */
function isRunning(pid: number): boolean {
  const ps = new Deno.Command("ps", { args: ["-o", "stat=", "-p", String(pid)] }).outputSync();
  const state = new TextDecoder().decode(ps.stdout).trim();
  return ps.success && state !== "" && !state.startsWith("Z");
}
const GRANTS: Capabilities = CapabilitiesSchema.parse({
  terminal_exec: {
    allowed: true,
    commands: ["mkdir", "touch", "ls", "rm", "rmdir", "printf", "sleep", "false", "cat", "test"],
    blocked: ["sudo"],
  },
  filesystem_write: ["./"],
});

function recipe(yaml: string): Recipe {
  const { recipe, diagnostics } = parseRecipe(yaml, { file: "recipes/t.yaml" });
  if (!recipe) throw new Error(JSON.stringify(diagnostics));
  return recipe;
}

/** A temp project, a real runner, a real enforcer writing a real audit log. */
async function setup(options: Partial<ExecutorOptions> = {}, grants = GRANTS) {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const audit = `${dir}/.audit.log`;
  const executor = new RecipeExecutor({
    runner: new SystemRunner(),
    prompter: new NonInteractivePrompter(),
    enforcer: new CapabilityEnforcer({
      grants: new Map([[SKILL, grants]]),
      auditLog: audit,
      paths: { home: dir, projectRoot: dir, cacheDir: `${dir}/.cache`, cwd: dir },
    }),
    skillId: SKILL,
    defaultConfirmation: "auto",
    cwd: dir,
    ...options,
  });
  const exists = async (path: string) => {
    try {
      await Deno.lstat(`${dir}/${path}`);
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  };
  return { dir, audit, executor, exists, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

const MAKE_TREE = `id: tree
name: Make a tree
version: 1.0.0
parameters:
  - { name: name, required: true }
  - { name: marker, default: done }
steps:
  - { id: dir, name: Make the folder, command: "mkdir -- {{name}}" }
  - { id: file, name: Make the file, command: "touch -- {{name}}/{{marker}}" }
verification:
  - { check: "ls -- {{name}}/{{marker}}", message: "the marker is missing" }
rollback:
  - { command: "rmdir -- {{name}}", description: remove the folder, step: dir }
  - { command: "rm -f -- {{name}}/{{marker}}", description: remove the file, step: file }
`;

Deno.test("RecipeExecutor with real processes", async (t) => {
  await t.step(
    "success: steps run in order, verification passes, every command audited",
    async () => {
      const s = await setup();
      try {
        const result = await s.executor.execute(recipe(MAKE_TREE), {
          name: "a dir; x",
          marker: "m",
        });
        equal(result.status, "success", result.message);
        ok(await s.exists("a dir; x/m"));
        deepStrictEqual(result.steps.map((r) => r.command), [
          "mkdir -- 'a dir; x'",
          "touch -- 'a dir; x'/'m'",
        ]);
        const entries = await readAuditLog(s.audit);
        equal(entries.length, 5, "2 steps + 1 verification + 2 rollback commands are checked");
        ok(entries.every((e) => e.skill_id === SKILL && e.result === "allowed"));
      } finally {
        await s.cleanup();
      }
    },
  );

  await t.step(
    "a failing verification rolls back in reverse order: failed, rolled_back",
    async () => {
      const s = await setup();
      try {
        const broken = MAKE_TREE.replace(
          'check: "ls -- {{name}}/{{marker}}"',
          'check: "ls -- {{name}}/nope"',
        );
        const result = await s.executor.execute(recipe(broken), { name: "d", marker: "m" });
        equal(result.status, "failed");
        equal(result.rolled_back, true);
        equal(result.failed_step, "verify-1");
        match(result.message, /the marker is missing/);
        deepStrictEqual(result.rollback.map((r) => r.command), [
          "rm -f -- 'd'/'m'",
          "rmdir -- 'd'",
        ]);
        equal(await s.exists("d"), false, "the rollback removed what the steps made");
      } finally {
        await s.cleanup();
      }
    },
  );

  await t.step("a failing step rolls back only the completed steps", async () => {
    const s = await setup();
    try {
      const failing = MAKE_TREE.replace(
        'command: "touch -- {{name}}/{{marker}}"',
        'command: "false"',
      );
      const result = await s.executor.execute(recipe(failing), { name: "d", marker: "m" });
      equal(result.status, "failed");
      equal(result.rolled_back, true);
      deepStrictEqual(result.rollback.map((r) => r.command), ["rmdir -- 'd'"]);
      match(result.message, /step "file" failed: exit code 1, expected 0/);
      equal(await s.exists("d"), false);
    } finally {
      await s.cleanup();
    }
  });

  await t.step("a failed step without rollback after a completed one is partial", async () => {
    const s = await setup();
    try {
      const yaml = MAKE_TREE.replace('command: "touch -- {{name}}/{{marker}}"', 'command: "false"')
        .replace(/rollback:[\s\S]*$/, "");
      const result = await s.executor.execute(recipe(yaml), { name: "d", marker: "m" });
      equal(result.status, "partial");
      equal(result.rolled_back, false);
      ok(await s.exists("d"), "nothing undid the first step");
    } finally {
      await s.cleanup();
    }
  });

  await t.step("a step timeout kills its whole process group", async () => {
    const s = await setup();
    try {
      const yaml = `id: slow
name: Slow
version: 1.0.0
steps:
  - id: wait
    name: Wait
    command: sleep 30 & printf '%s' "$!" > bg.pid; sleep 30
    timeout: 1
`;
      const begin = Date.now();
      const result = await s.executor.execute(recipe(yaml), {});
      ok(Date.now() - begin < 10_000, "did not wait for sleep 30");
      equal(result.status, "failed");
      equal(result.steps[0].timed_out, true);
      match(result.message, /timed out after 1s/);
      const pid = Number(await Deno.readTextFile(`${s.dir}/bg.pid`));
      ok(pid > 0);
      await new Promise((r) => setTimeout(r, 200));
      ok(!isRunning(pid), `the background sleep ${pid} survived the timeout`);
    } finally {
      await s.cleanup();
    }
  });

  await t.step("Ctrl-C (abort) stops the step; without a terminal nothing is undone", async () => {
    const controller = new AbortController();
    const s = await setup({ signal: controller.signal });
    try {
      const yaml = MAKE_TREE.replace(
        'command: "touch -- {{name}}/{{marker}}"',
        'command: "sleep 30"',
      );
      setTimeout(() => controller.abort(), 500);
      const result = await s.executor.execute(recipe(yaml), { name: "d", marker: "m" });
      equal(result.status, "failed");
      equal(result.interrupted, true);
      equal(result.rolled_back, false);
      match(result.message, /interrupted during "file"; no terminal to confirm a rollback/);
      ok(await s.exists("d"));
    } finally {
      await s.cleanup();
    }
  });

  await t.step("verification by json_path: equals and contains", async () => {
    {
      const yaml = (expect: string) =>
        `id: j
name: J
version: 1.0.0
steps: [{ id: s, name: S, command: "true" }]
verification:
  - { check: "printf '%s' '{\\"status\\":\\"ok\\",\\"tags\\":[\\"v1\\",\\"v2\\"]}'", expect: ${expect} }
`;
      const grants = CapabilitiesSchema.parse({
        terminal_exec: { allowed: true, commands: ["printf", "true"] },
      });
      const s2 = await setup({}, grants);
      try {
        for (
          const [expect, status] of [
            ["{ json_path: $.status, equals: ok }", "success"],
            ["{ json_path: $.tags, contains: v2 }", "success"],
            ["{ json_path: $.status, equals: broken }", "partial"],
            ["{ json_path: $.missing, equals: 1 }", "partial"],
          ] as const
        ) {
          const result = await s2.executor.execute(recipe(yaml(expect)), {});
          equal(result.status, status, `${expect}: ${result.message}`);
        }
      } finally {
        await s2.cleanup();
      }
    }
  });

  await t.step(
    "an unmet precondition stops before any step, with message and fallback",
    async () => {
      const s = await setup();
      try {
        const yaml = MAKE_TREE.replace(
          "steps:",
          "preconditions:\n  - { check: command_exists, args: [no-such-program-xyz], message: it is required, fallback: install it }\n  - { check: env_set, args: [CARO_TEST_UNSET_VAR], message: set it }\nsteps:",
        );
        const result = await s.executor.execute(recipe(yaml), { name: "d", marker: "m" });
        equal(result.status, "precondition_failed");
        equal(result.message, "it is required (install it); set it");
        equal(result.steps.length, 0);
        equal(await s.exists("d"), false);
      } finally {
        await s.cleanup();
      }
    },
  );
});

Deno.test("RecipeExecutor fails closed before running anything", async (t) => {
  await t.step("a prompt step without a terminal and without --yes", async () => {
    const s = await setup({
      defaultConfirmation: "prompt",
      yesHint: "caro recipe run custom.demo/tree --yes",
    });
    try {
      await rejects(
        s.executor.execute(recipe(MAKE_TREE), { name: "d", marker: "m" }),
        (e) =>
          e instanceof SkillError && e.code === "usage" &&
          e.hints[0].run === "caro recipe run custom.demo/tree --yes" &&
          /step "dir" needs confirmation \(prompt\)/.test(e.message),
      );
      equal(await s.exists("d"), false, "nothing ran");
    } finally {
      await s.cleanup();
    }
  });

  await t.step("--yes answers the gates", async () => {
    const s = await setup({ defaultConfirmation: "always", assumeYes: true });
    try {
      const result = await s.executor.execute(recipe(MAKE_TREE), { name: "d", marker: "m" });
      equal(result.status, "success");
      deepStrictEqual(result.steps.map((r) => r.confirmed_by), ["--yes", "--yes"]);
    } finally {
      await s.cleanup();
    }
  });

  await t.step(
    "a denied command (even a rollback one) stops the recipe before step 1",
    async () => {
      const s = await setup();
      try {
        const yaml = MAKE_TREE.replace(
          'command: "rmdir -- {{name}}"',
          'command: "sudo rmdir -- {{name}}"',
        );
        await rejects(
          s.executor.execute(recipe(yaml), { name: "d", marker: "m" }),
          (e) =>
            e instanceof SkillError && e.code === "capability_denied" &&
            /sudo is blocked/.test(e.why ?? ""),
        );
        equal(await s.exists("d"), false, "nothing ran");
        const denied = (await readAuditLog(s.audit)).filter((e) => e.result === "denied");
        equal(denied.length, 1);
      } finally {
        await s.cleanup();
      }
    },
  );

  await t.step("a skill without terminal_exec runs nothing", async () => {
    const s = await setup({}, CapabilitiesSchema.parse({}));
    try {
      await rejects(
        s.executor.execute(recipe(MAKE_TREE), { name: "d", marker: "m" }),
        (e) => e instanceof SkillError && e.code === "capability_denied",
      );
      equal(await s.exists("d"), false);
    } finally {
      await s.cleanup();
    }
  });
});
