/**
 * Environment variables a command line may not set: each changes which
 * program runs, makes a program load code, or names a config file whose
 * entries run commands. Kept apart from the program rules because both
 * assignments in the line and wrappers (`env`, `sudo`) are judged by it.
 *
 * @module
 */

const DANGEROUS_VARIABLES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^PATH$/, "decides which program a name runs"],
  [/^(LD_|DYLD_)/, "makes the dynamic loader inject code"],
  [
    /^(BASH_ENV|ENV|PROMPT_COMMAND|PS[0-4]|SHELLOPTS|BASHOPTS|IFS|BASH_FUNC_.*|BASH_LOADABLES_PATH|BASH_CMDS|BASH_ALIASES)$/,
    "changes what the shell runs",
  ],
  [
    /^(GIT_SSH|GIT_SSH_COMMAND|GIT_PAGER|GIT_EDITOR|GIT_SEQUENCE_EDITOR|GIT_EXTERNAL_DIFF|GIT_ASKPASS|GIT_PROXY_COMMAND|GIT_EXEC_PATH|GIT_TEMPLATE_DIR|GIT_CONFIG.*|PAGER|MANPAGER|SYSTEMD_PAGER|LESSOPEN|LESSCLOSE|EDITOR|VISUAL|KUBE_EDITOR|SSH_ASKPASS|SUDO_ASKPASS|RSYNC_RSH|TAR_OPTIONS|BROWSER)$/,
    "names a command another program runs",
  ],
  [
    /^(PYTHONSTARTUP|PYTHONPATH|PYTHONHOME|NODE_OPTIONS|NODE_PATH|PERL5OPT|PERL5LIB|PERLLIB|RUBYOPT|RUBYLIB)$/,
    "makes an interpreter load code",
  ],
  [
    /^(KUBECONFIG|AWS_CONFIG_FILE|AWS_SHARED_CREDENTIALS_FILE|DOCKER_CONFIG|CLOUDSDK_CONFIG|AZURE_CONFIG_DIR|NPM_CONFIG_USERCONFIG)$/,
    "names a config file that can make a program run commands (exec plugins, credential_process)",
  ],
  [/^(HOME|CARO_PROJECT_ROOT|CARO_CACHE)$/, "redefines a variable the path rules rely on"],
];

/**
 * Why assigning this environment variable cannot be allowed (it changes which
 * program runs or injects code), or null when it is harmless.
 */
export function dangerousVariable(name: string): string | null {
  // `PATH[0]=x` sets PATH; `BASH_CMDS[aws]=x` sets an entry of BASH_CMDS.
  const base = name.replace(/\[.*$/s, "");
  for (const [pattern, why] of DANGEROUS_VARIABLES) {
    if (pattern.test(base)) return `setting ${name} ${why}`;
  }
  return null;
}
