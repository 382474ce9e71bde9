/**
 * Cloud clients whose configuration stores a command they run later: aws
 * (`credential_process`) and kubectl (a kubeconfig's exec plugin, and
 * `kubectl-<name>` plugin binaries for unknown subcommands).
 *
 * @module
 */
import { optionValues } from "./options.ts";
import type { Rule } from "./rule.ts";

/** aws: `configure set credential_process` stores a command aws runs later. */
export const aws: Rule = (args, judge, name) => {
  // `aws configure set …credential_process CMD` stores a command aws runs later.
  const at = args.indexOf("configure");
  if (at >= 0 && args[at + 1] === "import") {
    judge.problem(`${name} configure import writes aws configuration from a file`);
  }
  if (at >= 0 && args[at + 1] === "set") {
    const [key, value] = args.slice(at + 2).filter((w) => w === null || !w.startsWith("--"));
    if (key === null || key?.endsWith("credential_process")) {
      judge.script(value ?? null, `${name} configure set credential_process`);
    }
  }
  return "program";
};

const KUBECTL_SUBCOMMANDS = new Set([
  "get",
  "describe",
  "create",
  "apply",
  "delete",
  "edit",
  "exec",
  "logs",
  "run",
  "expose",
  "set",
  "explain",
  "rollout",
  "scale",
  "autoscale",
  "certificate",
  "cluster-info",
  "top",
  "cordon",
  "uncordon",
  "drain",
  "taint",
  "port-forward",
  "proxy",
  "cp",
  "auth",
  "debug",
  "events",
  "diff",
  "patch",
  "replace",
  "wait",
  "kustomize",
  "label",
  "annotate",
  "completion",
  "api-resources",
  "api-versions",
  "config",
  "plugin",
  "version",
  "options",
  "attach",
  "help",
]);

const KUBECTL_GLOBAL_VALUES = [
  "-n",
  "--namespace",
  "--context",
  "--cluster",
  "--user",
  "--kubeconfig",
  "-s",
  "--server",
  "--token",
  "--as",
  "--as-group",
  "--as-uid",
  "--request-timeout",
  "-v",
  "--v",
  "--cache-dir",
  "--certificate-authority",
  "--client-certificate",
  "--client-key",
  "--tls-server-name",
  "--username",
  "--password",
  "--profile",
  "--profile-output",
  "--log-file",
];

/** kubectl: kubeconfig exec plugins, `kubectl-<name>` plugins, and `exec/debug/run -- CMD`. */
export const kubectl: Rule = (args, judge, name) => {
  // A kubeconfig's `users[].user.exec` runs a command for every request.
  if (args.some((a) => a === "--kubeconfig" || a?.startsWith("--kubeconfig="))) {
    judge.problem(`${name} --kubeconfig names a config whose exec plugin runs any command`);
  }
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === null) {
      judge.problem(`${name} has a subcommand computed at run time`);
      return "program";
    }
    if (!arg.startsWith("-")) break;
    if (KUBECTL_GLOBAL_VALUES.includes(arg)) i++;
  }
  const sub = args[i] as string | undefined;
  if (sub === undefined) return "program";
  const rest = args.slice(i + 1);
  if (!KUBECTL_SUBCOMMANDS.has(sub)) {
    // kubectl runs an unknown subcommand as the plugin binary kubectl-<name>.
    judge.run([`kubectl-${sub}`, ...rest], `${name} plugin`);
    return "program";
  }
  if (sub === "config") {
    // set-credentials --exec-command stores a program kubectl runs for every request.
    for (const v of optionValues(rest, ["--exec-command"])) {
      judge.run([v, null], `${name} config --exec-command`);
    }
  }
  if (sub === "exec" || sub === "debug" || sub === "run") {
    const dashes = rest.indexOf("--");
    const computed = rest.findIndex((w) => w === null);
    if (computed >= 0 && (dashes < 0 || computed < dashes) && computed < rest.length - 1) {
      judge.problem(
        `${name} ${sub} has an argument computed at run time, which could be -- and start a command`,
      );
      return "program";
    }
    if (dashes >= 0) judge.run(rest.slice(dashes + 1), `${name} ${sub} --`);
  }
  return "program";
};
