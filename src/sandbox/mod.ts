/**
 * The OS sandbox a skill's commands run in, built from its grants (SPEC §6,
 * issue 12). The enforcer is the first gate and explains; the sandbox is the
 * wall: a command the static shell analysis misjudged still cannot reach
 * beyond the grants.
 *
 * - {@link probeSandbox}: whether a sandbox can be had here (bubblewrap, user
 *   namespaces, Landlock), cached, with the fix when not.
 * - {@link sandboxPlan}: grants → the bubblewrap argv prefix, the filtered
 *   environment, the mounts, the Landlock execute list, and notes;
 *   {@link wrapCommand} puts a command's argv behind it;
 *   {@link createWriteRoots} makes missing `filesystem_write` roots.
 * - {@link sandboxEnvironment}: only `env_read` variables plus a fixed set,
 *   never credentials without `secrets_access`.
 * - {@link startNetworkProxy}: the filtering HTTP proxy on a Unix socket,
 *   the sandbox's only way out when `network` is granted.
 * - {@link sandboxExecProfile}: the same grants as a macOS `sandbox-exec`
 *   profile (written and tested as text; not run yet).
 *
 * Files: `probe.ts`, `plan.ts`, `environment.ts`, `proxy.ts`,
 * `macos_profile.ts`; private: `_helper.ts` (the in-sandbox Perl step:
 * no-exec mounts, Landlock, dropping capabilities, the network bridge),
 * `_host_paths.ts` (granted roots, credential files, /etc secrets),
 * `_programs.ts` (finding programs and what starts them), `_secrets.ts`
 * (what counts as a credential).
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema } from "../capability/mod.ts";
 * import { probeSandbox, sandboxPlan, wrapCommand } from "./mod.ts";
 * const allowed = await Deno.permissions.query({ name: "run" });
 * const probe = allowed.state === "granted" ? await probeSandbox() : null;
 * if (probe?.available) {
 *   const dir = await Deno.realPath(await Deno.makeTempDir());
 *   const grants = CapabilitiesSchema.parse({
 *     terminal_exec: { allowed: true, commands: ["cat"] },
 *     filesystem_read: [dir],
 *   });
 *   await Deno.writeTextFile(`${dir}/a.txt`, "hello");
 *   const plan = sandboxPlan(grants, {
 *     home: "/nonexistent-home", projectRoot: dir, cacheDir: dir, cwd: dir, probe,
 *   });
 *   const [program, ...args] = wrapCommand(plan, ["bash", "-c", "cat a.txt; cat /etc/shadow"]);
 *   const out = await new Deno.Command(program, { args, stdout: "piped", stderr: "null" }).output();
 *   if (new TextDecoder().decode(out.stdout) !== "hello") throw new Error("not contained");
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @module
 */
export { type ProbeOptions, probeSandbox, type SandboxProbe } from "./probe.ts";
export {
  createWriteRoots,
  type SandboxMount,
  type SandboxPlan,
  sandboxPlan,
  type SandboxPlanOptions,
  wrapCommand,
} from "./plan.ts";
export {
  type SandboxEnvironment,
  sandboxEnvironment,
  type SandboxEnvironmentOptions,
  type WithheldVariable,
} from "./environment.ts";
export {
  isPrivateAddress,
  type NetworkProxy,
  type NetworkProxyOptions,
  type ProxyConnection,
  startNetworkProxy,
} from "./proxy.ts";
export { type SandboxExecOptions, sandboxExecProfile } from "./macos_profile.ts";
