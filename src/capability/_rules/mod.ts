/**
 * What each program does with its arguments: wrappers that run the command in
 * their arguments, shells and their `-c` strings, interpreters, and the
 * GTFOBins classes (programs with an option or script language that runs
 * another program). A rule reports every program reached through the
 * {@link Judge} and returns how the program itself must be judged.
 *
 * - `rule.ts`: the {@link Judge} contract, {@link Word}, {@link ProgramKind},
 *   {@link programName}.
 * - `options.ts`: getopt-style option reading shared by the rules.
 * - `variables.ts`: {@link dangerousVariable}, the environment a line may not set.
 * - `shells.ts`: shells, their `-c` strings and stdin, and interpreters.
 * - `builtins.ts`: {@link SAFE_BUILTINS}, `eval`, `trap`, `command`, `exec`,
 *   and builtins that evaluate subscripts ({@link holdsCode}).
 * - `wrappers.ts`: `env`, `sudo`, `su`, `xargs`, `timeout`, `at`, `crontab`, ….
 * - GTFOBins classes: `git.ts`; `remote.ts` (tar, rsync, ssh);
 *   `text_scripts.ts` (awk, sed); `escapes.ts` (rg, zip, pagers, editors,
 *   find, fd); `cloud_clients.ts` (aws, kubectl).
 *
 * This file maps each program name to its rule ({@link ruleFor}).
 *
 * @module
 */
import {
  commandBuiltin,
  execBuiltin,
  hashBuiltin,
  NAME_EVALUATING_BUILTINS,
  nameEvaluating,
  passOn,
  refuse,
  SAFE_BUILTINS,
  trap,
} from "./builtins.ts";
import { aws, kubectl } from "./cloud_clients.ts";
import { emacs, fd, find, man, nano, pager, rg, vim, zip } from "./escapes.ts";
import { git } from "./git.ts";
import { rsync, ssh, tar } from "./remote.ts";
import type { Rule } from "./rule.ts";
import { INTERPRETER, interpreter, shell, SHELLS } from "./shells.ts";
import { awk, sed } from "./text_scripts.ts";
import {
  atRule,
  crontab,
  entr,
  env,
  flock,
  script,
  su,
  sudo,
  watch,
  wrapper,
  xargs,
} from "./wrappers.ts";

export { holdsCode, SAFE_BUILTINS } from "./builtins.ts";
export { type Judge, type ProgramKind, programName, type Word } from "./rule.ts";
export { dangerousVariable } from "./variables.ts";

/** The rule for a program name, if it runs other programs or is a builtin. */
export function ruleFor(name: string): Rule | undefined {
  const lower = name.toLowerCase();
  const rule = RULES.get(lower);
  if (rule) return rule;
  if (INTERPRETER.test(lower)) return interpreter;
  if (NAME_EVALUATING_BUILTINS.has(name)) return nameEvaluating;
  if (SAFE_BUILTINS.has(name)) return () => "builtin";
  return undefined;
}

const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ...SHELLS.map((s) => [s, shell] as const),
  ["eval", refuse("runs a string built at run time, which cannot be analysed")],
  ["source", refuse("runs a file whose commands cannot be analysed")],
  [".", refuse("runs a file whose commands cannot be analysed")],
  ["alias", refuse("defines an alias, which cannot be analysed")],
  ["enable", refuse("changes which builtins exist, which cannot be analysed")],
  ["fc", refuse("re-runs history, which cannot be analysed")],
  ["parallel", refuse("builds commands from its input, which cannot be analysed")],
  ["hash", hashBuiltin],
  ["trap", trap],
  ["command", commandBuiltin],
  ["builtin", passOn],
  ["exec", execBuiltin],
  ["time", wrapper({ transparent: true })],
  ["coproc", passOn],
  ["env", env],
  ["sudo", sudo],
  ["doas", wrapper({ valueShort: "uC", opensShell: true })],
  ["pkexec", wrapper({ valueLong: ["--user"], opensShell: true })],
  ["su", su],
  ["runuser", su],
  ["xargs", xargs],
  ["nohup", wrapper({ transparent: true })],
  [
    "timeout",
    wrapper({
      valueShort: "sk",
      valueLong: ["--signal", "--kill-after"],
      positionals: 1,
      transparent: true,
    }),
  ],
  ["nice", wrapper({ valueShort: "n", valueLong: ["--adjustment"], transparent: true })],
  [
    "stdbuf",
    wrapper({
      valueShort: "ioe",
      valueLong: ["--input", "--output", "--error"],
      transparent: true,
    }),
  ],
  ["setsid", wrapper({ transparent: true })],
  ["ionice", wrapper({ valueShort: "cnp", transparent: true, noCommand: ["-p"] })],
  ["taskset", wrapper({ positionals: 1, transparent: true, noCommand: ["-p"] })],
  ["chronic", wrapper({ transparent: true })],
  ["unbuffer", wrapper({ transparent: true })],
  ["rlwrap", wrapper({ valueShort: "aCfHlopPsSw", transparent: true })],
  ["caffeinate", wrapper({ valueShort: "tw", transparent: true })],
  [
    "dbus-run-session",
    wrapper({ valueLong: ["--config-file", "--dbus-daemon"], transparent: true }),
  ],
  ["catchsegv", wrapper({ transparent: true })],
  ["busybox", passOn],
  ["toybox", passOn],
  ["flock", flock],
  ["watch", watch],
  ["chroot", wrapper({ valueLong: ["--userspec", "--groups"], positionals: 1, opensShell: true })],
  ["unshare", wrapper({})],
  ["nsenter", wrapper({ valueShort: "tSG", valueLong: ["--target", "--setuid", "--setgid"] })],
  [
    "systemd-run",
    wrapper({
      valueShort: "pEMH",
      valueLong: [
        "--unit",
        "--property",
        "--description",
        "--slice",
        "--uid",
        "--gid",
        "--working-directory",
        "--setenv",
        "--nice",
        "--machine",
        "--host",
      ],
    }),
  ],
  ["firejail", wrapper({})],
  ["strace", wrapper({ valueShort: "abeEIoOpPsSuUX", noCommand: ["-p"] })],
  ["ltrace", wrapper({ valueShort: "aAeEfFlnopsSuDx", noCommand: ["-p"] })],
  ["valgrind", wrapper({})],
  ["proxychains", wrapper({ valueShort: "f" })],
  ["proxychains4", wrapper({ valueShort: "f" })],
  ["torsocks", wrapper({ valueShort: "uapP" })],
  ["faketime", wrapper({ valueShort: "m", positionals: 1 })],
  ["fakeroot", wrapper({ valueShort: "lsi", valueLong: ["--lib", "--faked"] })],
  ["numactl", wrapper({ valueShort: "NmCpPi" })],
  ["prlimit", wrapper({ valueShort: "p", noCommand: ["-p", "--pid"] })],
  ["sshpass", wrapper({ valueShort: "pfdP" })],
  ["entr", entr],
  ["script", script],
  ["at", atRule],
  ["batch", atRule],
  ["crontab", crontab],
  ["git", git],
  ["tar", tar],
  ["gtar", tar],
  ["bsdtar", tar],
  ["rsync", rsync],
  ["ssh", ssh],
  ["slogin", ssh],
  ["scp", ssh],
  ["sftp", ssh],
  ["awk", awk],
  ["gawk", awk],
  ["mawk", awk],
  ["nawk", awk],
  ["sed", sed],
  ["gsed", sed],
  ["rg", rg],
  ["zip", zip],
  ["less", pager],
  ["more", pager],
  ["most", pager],
  ["man", man],
  ["vi", vim],
  ["vim", vim],
  ["nvim", vim],
  ["view", vim],
  ["vimdiff", vim],
  ["gvim", vim],
  ["rvim", vim],
  ["emacs", emacs],
  ["nano", nano],
  ["find", find],
  ["fd", fd],
  ["fdfind", fd],
  ["kubectl", kubectl],
  ["aws", aws],
]);
