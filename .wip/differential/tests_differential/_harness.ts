/**
 * The in-namespace side of the differential test (started by `_run.ts`
 * through `_namespace.ts`; never run it on a machine directly). It reads a
 * job (JSON) from stdin, builds the world, installs the policies' skills with
 * consent granting what they request, then for each line asks the enforcer
 * and runs every allowed line for real, traced, in the requested modes:
 *
 * - `sandbox`: the whole path, `execForSkill` (enforcer → sandbox → run →
 *   audit) with a {@link Runner} that puts strace (and the line's user) in
 *   front of the sandbox's argv;
 * - `enforcer`: the enforcer alone, then plain `bash -c LINE` with the
 *   environment caro gives an unsandboxed command (`[sandbox] required =
 *   false`), in its own PID namespace so that it cannot outlive its run;
 * - `sandbox-alone`: every line, allowed or not, through the same runner and
 *   sandbox without the gate (`SkillCommandRunner`): the wall on its own;
 * - `cli`: the real `caro skill exec ID --yes -- LINE`, traced whole.
 *
 * `--prepare` runs first, as the namespace's root (it builds the world); the
 * harness proper then runs as the line user ({@link LINE_UID}), like caro for
 * a user. Results go to stdout, one JSON record per line; progress to stderr.
 *
 * @module
 */
import {
  enforcerFor,
  execForSkill,
  installSkill,
  openStore,
  SkillCommandRunner,
} from "../../src/ops/mod.ts";
import type { Capabilities, CapabilityEnforcer } from "../../src/capability/mod.ts";
import {
  type Runner,
  type RunOptions,
  type RunResult,
  SystemRunner,
} from "../../src/process/mod.ts";
import { probeSandbox, sandboxEnvironment } from "../../src/sandbox/mod.ts";
import type { SkillStore } from "../../src/store/mod.ts";
import { writeSkill } from "../store/_fixtures.ts";
import { CARO_PERMISSIONS } from "../support/cli.ts";
import type { GeneratedLine } from "./_generator.ts";
import { type Escape, type JudgeContext, judgeLine } from "./_judge.ts";
import { LINE_UID, WORLD_HOME, WORLD_STATE } from "./_namespace.ts";
import { capabilityLines, POLICIES, type Policy, type PolicyKey } from "./_policies.ts";
import { lineCalls, readTraceFiles, straceArgv } from "./_tracer.ts";
import {
  buildWorld,
  DECOYS,
  PROJECT,
  resetWorld,
  SECRET_VALUES,
  type Snapshot,
  snapshotWorld,
  worldChanges,
} from "./_world.ts";

/** How a line is run. */
export type Mode = "sandbox" | "enforcer" | "sandbox-alone" | "cli";

/** The modes a job can ask for (the CLI sample is asked for by count). */
export type RunMode = Exclude<Mode, "cli">;

/** What the harness is asked to do. */
export interface Job {
  lines: GeneratedLine[];
  modes: RunMode[];
  /**
   * How many allowed and refused lines (the first ones met) also run through
   * the real CLI, to show it takes the same path as the library.
   */
  cli: { allowed: number; refused: number };
  /** Per run, in milliseconds. */
  timeoutMs: number;
  /** Run every line without asking the enforcer (the tracer's own tests). */
  skipEnforcer?: boolean;
}

/** What one mode's run of a line showed. */
export interface ModeResult {
  /** Wall time of the traced run, in milliseconds. */
  ms: number;
  code: number;
  timedOut: boolean;
  /** Whether the tracer found the line's marker exec (false: it never started). */
  started: boolean;
  escapes: Escape[];
  /** Refused (CLI exit 3), or why the run failed before the line. */
  refused?: boolean;
  error?: string;
  /** The first 300 characters of the output, for triage. */
  output: string;
}

/** The record of one line. */
export interface LineResult {
  n: number;
  policy: PolicyKey;
  construct: string;
  line: string;
  decision: "allowed" | "refused" | "skipped";
  reason?: string;
  /** The enforcer's check, in milliseconds. */
  checkMs: number;
  modes: Partial<Record<Mode, ModeResult>>;
}

const STATE = `${WORLD_STATE}/diff`;
const CARO_HOME = `${STATE}/caro`;
const CLI_HOME = `${STATE}/caro-cli`;
const TRACES = `${STATE}/traces`;

/**
 * A {@link Runner} that runs the argv it is given under strace and keeps the
 * trace for {@link TracingRunner.take}.
 */
class TracingRunner implements Runner {
  readonly #inner = new SystemRunner();
  #count = 0;
  #last: { prefix: string; result: RunResult; ms: number } | null = null;

  async run(command: string | readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const argv = typeof command === "string" ? ["bash", "-c", command] : [...command];
    const prefix = `${TRACES}/t${this.#count++}`;
    const t0 = performance.now();
    const result = await this.#inner.run([...straceArgv(prefix), ...argv], options);
    this.#last = { prefix, result, ms: performance.now() - t0 };
    return result;
  }

  /** The last run and its trace prefix (then forgotten). */
  take(): { prefix: string; result: RunResult; ms: number } | null {
    const last = this.#last;
    this.#last = null;
    return last;
  }
}

/** What a policy may do, resolved against this machine. */
async function judgeContextOf(policy: Policy, mode: Mode): Promise<Omit<JudgeContext, "output">> {
  const path = worldPath();
  const files = new Set<string>();
  const folders: string[] = [];
  for (const name of [...policy.programs, "bash", "sh"]) {
    const found = await which(name, path);
    if (found === null) continue;
    files.add(found);
    // What the kernel or the script starts it with: a `#!` interpreter, `env NAME`.
    const head = await readHead(found);
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(head);
    if (shebang) {
      files.add(await real(shebang[1]));
      if (shebang[1].endsWith("/env") && shebang[2]) {
        const named = await which(shebang[2], path);
        if (named) files.add(named);
      }
    }
  }
  if (policy.programs.includes("git")) {
    for (const dir of ["/usr/lib/git-core", "/usr/libexec/git-core"]) {
      if (await exists(dir)) folders.push(dir);
    }
  }
  return {
    mode: mode === "enforcer" ? "enforcer" : "sandbox",
    execFiles: files,
    execFolders: folders,
    writeRoots: await writeRootsOf(policy),
    decoys: DECOYS,
    secretValues: SECRET_VALUES,
    network: policy.network.length > 0,
  };
}

async function writeRootsOf(policy: Policy): Promise<string[]> {
  const roots: string[] = [];
  for (const root of policy.filesystemWrite) {
    const path = root.startsWith("./") ? `${PROJECT}/${root.slice(2)}` : root;
    roots.push(await real(path).catch(() => path));
  }
  return roots;
}

function worldPath(): string {
  return Deno.env.get("PATH") ?? "/usr/bin:/bin";
}

async function which(name: string, path: string): Promise<string | null> {
  for (const dir of path.split(":")) {
    try {
      const info = await Deno.stat(`${dir}/${name}`);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) return await real(`${dir}/${name}`);
    } catch {
      // not in this folder
    }
  }
  return null;
}

async function real(path: string): Promise<string> {
  return await Deno.realPath(path);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

async function readHead(file: string): Promise<string> {
  const f = await Deno.open(file);
  try {
    const buffer = new Uint8Array(256);
    const n = await f.read(buffer) ?? 0;
    return new TextDecoder().decode(buffer.subarray(0, n)).split("\n")[0];
  } finally {
    f.close();
  }
}

/** Installs each policy's skill into a caro home, granting what it requests. */
async function installPolicies(home: string): Promise<SkillStore> {
  const store = await openStore(home);
  for (const policy of Object.values(POLICIES)) {
    const parent = `${STATE}/skills/${policy.key}`;
    await Deno.mkdir(parent, { recursive: true });
    const dir = await writeSkill(parent, { id: policy.id, capabilities: capabilityLines(policy) });
    await installSkill(store, dir, { consent: (request) => Promise.resolve(request.requested) });
  }
  return store;
}

/** What every run of a harness shares. */
interface Session {
  store: SkillStore;
  enforcer: CapabilityEnforcer;
  /** Each skill's grants, from the lock. */
  grants: Map<string, Capabilities>;
  runner: TracingRunner;
  /** The world as the template left it. */
  baseline: Snapshot;
  /** What each policy may do, per mode (`policy/mode`). */
  contexts: Map<string, Omit<JudgeContext, "output">>;
  timeoutMs: number;
  /** Whether the last run left the world changed (it is put back before the next). */
  dirty: boolean;
}

/** Judges a finished run from its trace and the world it left. */
async function judgeRun(
  line: string,
  run: { prefix: string; result: RunResult; ms: number },
  context: Omit<JudgeContext, "output">,
  session: Session,
): Promise<ModeResult> {
  const trace = lineCalls(await readTraceFiles(run.prefix), line);
  const output = run.result.stdout + run.result.stderr;
  const escapes = trace.started ? judgeLine(trace, { ...context, output }) : [];
  const after = snapshotWorld();
  for (const change of worldChanges(session.baseline, after, context.writeRoots)) {
    escapes.push({ kind: "write", detail: `${change} (seen on the host afterwards)` });
  }
  session.dirty = worldChanges(session.baseline, after, []).length > 0;
  return {
    ms: Math.round(run.ms),
    code: run.result.code,
    timedOut: run.result.timedOut,
    started: trace.started,
    escapes,
    output: output.slice(0, 300),
  };
}

/** Puts the world back when the last run changed it (~25 ms saved per clean run). */
async function cleanWorld(session: Session): Promise<void> {
  if (session.dirty) await resetWorld();
  session.dirty = false;
}

async function runEnforcerMode(item: GeneratedLine, session: Session): Promise<ModeResult> {
  await cleanWorld(session);
  // The environment caro gives a command it runs without a sandbox
  // (src/ops/exec.ts, `[sandbox] required = false`).
  const { env } = sandboxEnvironment(session.grants.get(POLICIES[item.policy].id)!, {
    home: WORLD_HOME,
    projectRoot: PROJECT,
    cacheDir: `${CARO_HOME}/cache`,
    cwd: PROJECT,
    env: Deno.env.toObject(),
  });
  // Its own PID namespace (in a user namespace mapping only this user to
  // itself: no capability over anything else), so nothing it starts outlives
  // the run or can signal the harness.
  const isolate = ["unshare", "--user", "--map-current-user", "--pid", "--fork", "--kill-child"];
  await session.runner.run([...isolate, "--", "bash", "-c", item.line], {
    cwd: PROJECT,
    env,
    clearEnv: true,
    timeoutMs: session.timeoutMs,
  });
  return await judgeRun(
    item.line,
    session.runner.take()!,
    session.contexts.get(`${item.policy}/enforcer`)!,
    session,
  );
}

/**
 * The whole path (`execForSkill`), or with `withoutGate` the same runner and
 * sandbox without the enforcer (`SkillCommandRunner`: the wall on its own).
 */
async function runSandboxMode(
  item: GeneratedLine,
  session: Session,
  withoutGate: boolean,
): Promise<ModeResult> {
  const { runner, timeoutMs } = session;
  const context = session.contexts.get(`${item.policy}/sandbox`)!;
  await cleanWorld(session);
  const id = POLICIES[item.policy].id;
  const paths = { cwd: PROJECT, projectRoot: PROJECT, runner };
  try {
    if (withoutGate) {
      const sandboxed = await SkillCommandRunner.create(session.store, id, paths);
      await sandboxed.run(item.line, { timeoutMs });
    } else {
      await execForSkill(session.store, id, item.line, {
        ...paths,
        assumeYes: true,
        enforcer: session.enforcer,
        timeoutMs,
        reason: "differential test",
      });
    }
  } catch (error) {
    const taken = runner.take();
    const message = error instanceof Error ? error.message : String(error);
    if (taken === null) {
      return {
        ms: 0,
        code: -1,
        timedOut: false,
        started: false,
        escapes: [],
        error: message,
        output: "",
      };
    }
    const result = await judgeRun(item.line, taken, context, session);
    return { ...result, error: message };
  }
  return await judgeRun(item.line, runner.take()!, context, session);
}

async function runCliMode(item: GeneratedLine, session: Session): Promise<ModeResult> {
  const { runner, timeoutMs } = session;
  await cleanWorld(session);
  const deno = Deno.execPath();
  const repo = new URL("../../", import.meta.url).pathname;
  await runner.run(
    [
      deno,
      "run",
      "--quiet",
      "--config",
      `${repo}deno.json`,
      ...CARO_PERMISSIONS,
      `${repo}src/cli/main.ts`,
      "skill",
      "exec",
      POLICIES[item.policy].id,
      "--yes",
      "--",
      item.line,
    ],
    {
      cwd: PROJECT,
      env: {
        ...Deno.env.toObject(),
        CARO_HOME: CLI_HOME,
        TMPDIR: `${CLI_HOME}/tmp`,
        NO_COLOR: "1",
      },
      clearEnv: true,
      timeoutMs: timeoutMs + 20_000,
    },
  );
  const taken = runner.take()!;
  const context = session.contexts.get(`${item.policy}/cli`)!;
  const result = await judgeRun(item.line, taken, context, session);
  const refused = taken.result.code === 3;
  // Exit 70 is caro's own failure ("This is a bug in caro"): the line never ran.
  const failed = taken.result.code === 70 && !result.started;
  return {
    ...result,
    refused,
    ...(failed ? { error: taken.result.stderr.trim().split("\n")[0] } : {}),
  };
}

/**
 * Run as the namespace's root before the harness proper: builds the world
 * and hands it, with the harness's state folder, to the line user.
 */
async function prepare(): Promise<void> {
  const aws = Deno.env.get("CARO_DIFF_AWS");
  if (aws) {
    // On PATH for the lines as /root/bin/aws (worldEnvironment), without pyenv's shims.
    await Deno.mkdir("/root/bin", { recursive: true });
    await Deno.symlink(aws, "/root/bin/aws");
  }
  await Deno.mkdir(`${STATE}/tmp`, { recursive: true });
  await Deno.mkdir(TRACES, { recursive: true, mode: 0o700 });
  await buildWorld();
  const chown = await new Deno.Command("chown", {
    args: ["-R", `${LINE_UID}:${LINE_UID}`, STATE, WORLD_HOME],
  }).output();
  if (!chown.success) throw new Error(new TextDecoder().decode(chown.stderr));
}

async function main(): Promise<void> {
  const job = JSON.parse(await new Response(Deno.stdin.readable).text()) as Job;
  const t0 = performance.now();
  await resetWorld();
  const store = await installPolicies(CARO_HOME);
  if (job.cli.allowed + job.cli.refused > 0) {
    await installPolicies(CLI_HOME);
    await Deno.mkdir(`${CLI_HOME}/tmp`, { recursive: true });
  }
  const probe = await probeSandbox({ cacheFile: `${CARO_HOME}/cache/sandbox-probe.json` });
  if (job.modes.some((m) => m !== "enforcer") && !probe.available) {
    throw new Error(`No sandbox inside the namespace: ${probe.reason}`);
  }
  const enforcer = await enforcerFor(store, { cwd: PROJECT, projectRoot: PROJECT });
  const grants = await store.grants();
  const baseline = snapshotWorld(true);
  const contexts = new Map<string, Omit<JudgeContext, "output">>();
  for (const policy of Object.values(POLICIES)) {
    for (const mode of ["sandbox", "enforcer", "cli"] as const) {
      contexts.set(`${policy.key}/${mode}`, await judgeContextOf(policy, mode));
    }
  }
  const session: Session = {
    store,
    enforcer,
    grants,
    runner: new TracingRunner(),
    baseline,
    contexts,
    timeoutMs: job.timeoutMs,
    dirty: false,
  };
  const cliLeft = { ...job.cli };
  console.error(
    `differential: world ready in ${Math.round(performance.now() - t0)} ms ` +
      `(landlock ${probe.landlockAbi}, noexec ${probe.noexec}); ${job.lines.length} lines`,
  );
  const encoder = new TextEncoder();
  let done = 0;
  for (const item of job.lines) {
    const record: LineResult = {
      n: item.n,
      policy: item.policy,
      construct: item.construct,
      line: item.line,
      decision: "skipped",
      checkMs: 0,
      modes: {},
    };
    // The enforcer resolves paths (symlinks too): it judges the world the line will run in.
    await cleanWorld(session);
    if (!job.skipEnforcer) {
      const c0 = performance.now();
      const decision = await enforcer.checkCommand(POLICIES[item.policy].id, item.line);
      record.checkMs = Math.round((performance.now() - c0) * 10) / 10;
      record.decision = decision.allowed ? "allowed" : "refused";
      if (!decision.allowed) record.reason = decision.reason;
    }
    for (const mode of job.modes) {
      if (record.decision === "refused" && mode !== "sandbox-alone") continue;
      record.modes[mode] = mode === "enforcer"
        ? await runEnforcerMode(item, session)
        : await runSandboxMode(
          item,
          session,
          job.skipEnforcer === true || mode === "sandbox-alone",
        );
    }
    const side = record.decision === "refused" ? "refused" : "allowed";
    if (!job.skipEnforcer && cliLeft[side] > 0) {
      cliLeft[side]--;
      record.modes.cli = await runCliMode(item, session);
    }
    await Deno.stdout.write(encoder.encode(JSON.stringify(record) + "\n"));
    done++;
    if (done % 100 === 0) console.error(`differential: ${done}/${job.lines.length}`);
  }
}

if (import.meta.main) {
  try {
    if (Deno.args[0] === "--prepare") await prepare();
    else await main();
  } catch (error) {
    console.error(`differential: harness failed: ${error instanceof Error ? error.stack : error}`);
    Deno.exit(70);
  }
}
