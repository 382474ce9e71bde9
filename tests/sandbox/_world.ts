/**
 * The world the sandbox tests run in: a temporary root holding a fake home
 * full of credentials, a granted `out/`, an `outside/` that no grant covers,
 * and a host environment with secrets planted. Commands run through the real
 * process edge (`SystemRunner`) behind the real bubblewrap.
 *
 * @module
 */
import { type Capabilities, CapabilitiesSchema } from "../../src/capability/mod.ts";
import { type RunResult, SystemRunner } from "../../src/process/mod.ts";
import {
  probeSandbox,
  type SandboxPlan,
  sandboxPlan,
  type SandboxProbe,
  wrapCommand,
} from "../../src/sandbox/mod.ts";

/** What the probe found, once for every test file. */
export const PROBE: SandboxProbe = await probeSandbox();

/** Whether the sandbox tests can run here (they are ignored, not failed, without bwrap). */
export const CAN_SANDBOX = PROBE.available;

/** The secrets planted in the host environment, each of which must stay out. */
export const SECRET_VALUES = {
  AWS_SECRET_ACCESS_KEY: "aws-secret-value-0f3c",
  GITHUB_TOKEN: "ghp_secret_value_77a1",
  DATABASE_URL: "postgres://app:db-password-91@db.internal/app",
} as const;

/** The private key planted in the fake home. */
export const KEY_TEXT = "-----BEGIN OPENSSH PRIVATE KEY----- fake-key-5e2d";

/**
 * The grants of issue 12's first paragraph, with `aws` left out (not
 * installed here): the programs the enforcer allowed `rm -rf ~` through.
 */
export function issueGrants(root: string, extra: Partial<Capabilities> = {}): Capabilities {
  return CapabilitiesSchema.parse({
    terminal_exec: {
      allowed: true,
      commands: ["rm", "cp", "tar", "cat", "sed", "grep", "find", "ls", "bash"],
    },
    filesystem_write: [`${root}/out`],
    ...extra,
  });
}

/** A temporary world and a way to run lines in it. */
export interface World {
  /** The real path of the temporary root (also the project root and the cwd). */
  root: string;
  /** The fake home (`HOME`, `~`). */
  home: string;
  /** The granted write root. */
  out: string;
  /** A folder no grant covers. */
  outside: string;
  /** The host environment given to the plan. */
  env: Record<string, string>;
  /** A name unique to this world, for files that must not appear on the host. */
  tag: string;
  /** Plans the sandbox for `grants`. */
  plan(grants: Capabilities, proxySocket?: string): SandboxPlan;
  /**
   * Runs `bash -c line` in the sandbox of `grants`. With `guard`, the whole
   * sandbox runs inside a second bubblewrap that sees the host read-only but
   * for this world: a destructive line (`rm -rf /`) that escaped a broken
   * sandbox would still not reach the machine running the tests.
   */
  run(
    grants: Capabilities,
    line: string,
    options?: { guard?: boolean; proxySocket?: string; timeoutMs?: number },
  ): Promise<RunResult>;
  /** Removes the world. */
  cleanup(): Promise<void>;
}

/**
 * Creates a world under a fresh temporary folder. With `user` (a uid; the
 * tests must run as root), the world belongs to that user and every line
 * runs as it: the sandbox of an unprivileged user, as caro's users have.
 */
export async function createWorld(user?: number): Promise<World> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro_sbx_" }));
  const tag = crypto.randomUUID().slice(0, 8);
  const home = `${root}/home`;
  const out = `${root}/out`;
  const outside = `${root}/outside`;
  for (const dir of [".ssh", ".aws", ".config/gcloud", ".kube", "docs"]) {
    await Deno.mkdir(`${home}/${dir}`, { recursive: true });
  }
  await Deno.mkdir(out);
  await Deno.mkdir(outside);
  await Deno.writeTextFile(`${home}/.ssh/id_rsa`, `${KEY_TEXT}\n`);
  await Deno.writeTextFile(`${home}/.aws/credentials`, "aws_secret_access_key = aws-file-secret\n");
  await Deno.writeTextFile(`${home}/.config/gcloud/token`, "gcloud-file-secret\n");
  await Deno.writeTextFile(`${home}/.kube/config`, "token: kube-file-secret\n");
  await Deno.writeTextFile(`${home}/.netrc`, "machine h login u password netrc-file-secret\n");
  await Deno.writeTextFile(`${home}/keep.txt`, "keep\n");
  await Deno.writeTextFile(`${home}/docs/notes.txt`, "notes\n");
  await Deno.writeTextFile(`${out}/existing.txt`, "existing\n");
  await Deno.writeTextFile(`${outside}/secret.txt`, "outside-secret\n");
  await Deno.symlink(outside, `${out}/link-out`);
  // a.tar holds etc/<tag> and tmp/<tag>: extracted at / it would plant files on the host.
  const staging = `${root}/staging`;
  await Deno.mkdir(`${staging}/etc`, { recursive: true });
  await Deno.mkdir(`${staging}/tmp`);
  await Deno.writeTextFile(`${staging}/etc/caro-${tag}`, "planted\n");
  await Deno.writeTextFile(`${staging}/tmp/caro-${tag}`, "planted\n");
  const tar = await new Deno.Command("tar", {
    args: ["-cf", `${out}/a.tar`, "-C", staging, "etc", "tmp"],
  }).output();
  if (!tar.success) throw new Error(new TextDecoder().decode(tar.stderr));
  await Deno.remove(staging, { recursive: true });

  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    LANG: "C.UTF-8",
    AWS_REGION: "eu-west-1",
    ...SECRET_VALUES,
  };
  if (user !== undefined) {
    const chown = await new Deno.Command("chown", { args: ["-R", `${user}:${user}`, root] })
      .output();
    if (!chown.success) throw new Error(new TextDecoder().decode(chown.stderr));
  }
  const asUser = user === undefined
    ? []
    : ["setpriv", "--reuid", String(user), "--regid", String(user), "--clear-groups"];
  const runner = new SystemRunner();
  const context = { home, projectRoot: root, cacheDir: `${root}/cache`, cwd: root };
  const plan = (grants: Capabilities, proxySocket?: string) =>
    sandboxPlan(grants, { ...context, probe: PROBE, env, proxySocket });
  return {
    root,
    home,
    out,
    outside,
    env,
    tag,
    plan,
    run(grants, line, options = {}) {
      const argv = wrapCommand(plan(grants, options.proxySocket), ["bash", "-c", line]);
      const guard = options.guard
        ? [
          PROBE.bwrap!,
          "--ro-bind",
          "/",
          "/",
          "--dev-bind",
          "/dev",
          "/dev",
          "--bind",
          "/proc",
          "/proc",
          "--tmpfs",
          "/tmp",
          "--bind",
          root,
          root,
          "--die-with-parent",
          "--",
        ]
        : [];
      return runner.run([...asUser, ...guard, ...argv], {
        timeoutMs: options.timeoutMs ?? 30_000,
      });
    },
    cleanup: () => Deno.remove(root, { recursive: true }),
  };
}

/** Whether a file exists on the host. */
export function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * The command lines of every process on the host, from `ps` (the task's
 * permissions, like the shipped binary's, do not allow reading /proc).
 */
export function hostCommandLines(): string[] {
  const out = new Deno.Command("ps", { args: ["-eo", "args="], stdout: "piped" }).outputSync();
  if (!out.success) throw new Error("ps failed");
  return new TextDecoder().decode(out.stdout).split("\n").map((l) => l.trim()).filter(Boolean);
}
