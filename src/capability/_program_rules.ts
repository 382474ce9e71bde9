/**
 * What each program does with its arguments: wrappers that run the command in
 * their arguments, shells and their `-c` strings, interpreters, and the
 * GTFOBins classes (programs with an option or script language that runs
 * another program). A rule reports every program reached through the
 * {@link Judge} and returns how the program itself must be judged.
 *
 * @module
 */

/** A word of a command line: its static value, or null when computed at run time. */
export type Word = string | null;

/**
 * How a program found in a line is judged: `program` must pass the allowlist,
 * `builtin` is a shell builtin that runs nothing, `wrapper` only runs the
 * command in its arguments (which is judged instead).
 */
export type ProgramKind = "program" | "builtin" | "wrapper";

/** What a rule may report back to the analysis. */
export interface Judge {
  /** The script a shell would read on stdin: text, null when computed, undefined when none. */
  readonly stdin: Word | undefined;
  /** Judges `argv` as a program that would run, reached through `via`, with its own stdin. */
  run(argv: Word[], via: string): void;
  /** Like {@link run} for a wrapper's command, which reads the wrapper's stdin. */
  pass(argv: Word[], via: string): void;
  /** Parses `text` as shell and judges every program in it. */
  script(text: Word, via: string): void;
  /** The words of `text` when it is one simple command with static words, else null. */
  words(text: string): Word[] | null;
  /** Records a reason the line cannot be analysed (it is then denied). */
  problem(reason: string): void;
  /** Records a file the line would read or write. */
  access(path: Word, write: boolean, via: string): void;
  /** Judges an environment assignment `name=value` made by the line. */
  assign(name: string, value: Word): void;
}

type Rule = (args: Word[], judge: Judge, name: string) => ProgramKind;

/**
 * Builtins that take variable names and evaluate an array subscript in them
 * (`read 'a[$(cmd)]'` runs cmd): a literal holding code is refused.
 */
const NAME_EVALUATING_BUILTINS: ReadonlySet<string> = new Set([
  "read",
  "mapfile",
  "readarray",
  "printf",
  "declare",
  "typeset",
  "local",
  "export",
  "readonly",
  "unset",
  "let",
  "test",
  "[",
  "[[",
  "getopts",
  "wait",
]);

/** Builtins that run no program and touch no file by themselves. */
export const SAFE_BUILTINS: ReadonlySet<string> = new Set([
  "cd",
  "echo",
  "printf",
  "true",
  "false",
  "test",
  "[",
  "[[",
  "pwd",
  ":",
  "read",
  "mapfile",
  "readarray",
  "shift",
  "exit",
  "return",
  "set",
  "export",
  "local",
  "declare",
  "typeset",
  "readonly",
  "unset",
  "wait",
  "break",
  "continue",
  "getopts",
  "umask",
  "type",
  "let",
  "shopt",
  "pushd",
  "popd",
  "dirs",
  "times",
  "caller",
  "unalias",
  "ulimit",
  "jobs",
]);

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

/** The program a written command name runs (its basename), or null for a glob pattern. */
export function programName(written: string): string | null {
  if (written === "[" || written === "[[") return written;
  if (/[*?[\]]/.test(written)) return null;
  const base = written.slice(written.lastIndexOf("/") + 1);
  return base === "" ? null : base;
}

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

// ---------------------------------------------------------------- options

interface Scan {
  /** Option name (`-x`, `--long`) → values ("" for a flag). */
  options: Map<string, Word[]>;
  /** Index of the first argument after the options. */
  rest: number;
}

/**
 * Reads getopt-style options: clusters (`-abc`), values attached or next
 * (`-ofoo`, `-o foo`, `--long=v`, `--long v`), `--` as the end. A computed
 * argument among the options could itself be an option, so it is a problem.
 */
function scanOptions(
  args: Word[],
  judge: Judge,
  name: string,
  valueShort = "",
  valueLong: readonly string[] = [],
): Scan | null {
  const options = new Map<string, Word[]>();
  const add = (key: string, value: Word) => options.set(key, [...(options.get(key) ?? []), value]);
  let i = 0;
  while (i < args.length) {
    const arg = args[i];
    if (arg === null) {
      judge.problem(`${name} has an argument computed at run time, which could be an option`);
      return null;
    }
    if (arg === "--") {
      i++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      if (eq >= 0) add(arg.slice(0, eq), arg.slice(eq + 1));
      else if (valueLong.includes(arg)) add(arg, args[++i] ?? null);
      else add(arg, "");
      i++;
      continue;
    }
    for (let k = 1; k < arg.length; k++) {
      const c = arg[k];
      if (valueShort.includes(c)) {
        add(`-${c}`, k + 1 < arg.length ? arg.slice(k + 1) : (args[++i] ?? null));
        break;
      }
      add(`-${c}`, "");
    }
    i++;
  }
  return { options, rest: i };
}

function first(scan: Scan, ...keys: string[]): Word | undefined {
  for (const key of keys) {
    const values = scan.options.get(key);
    if (values) return values[values.length - 1];
  }
  return undefined;
}

interface WrapperSpec {
  valueShort?: string;
  valueLong?: readonly string[];
  /** Positional arguments before the command (`timeout DURATION cmd`). */
  positionals?: number;
  /** Wrappers that only pass on the command need not be allowlisted themselves. */
  transparent?: boolean;
  /** Options after which no command runs (`ionice -p PID`). */
  noCommand?: readonly string[];
  /** What it means when no command is given: a shell opens. */
  opensShell?: boolean;
}

function wrapper(spec: WrapperSpec): Rule {
  const kind: ProgramKind = spec.transparent ? "wrapper" : "program";
  return (args, judge, name) => {
    const scan = scanOptions(args, judge, name, spec.valueShort, spec.valueLong);
    if (!scan) return kind;
    if (spec.noCommand?.some((o) => scan.options.has(o))) return "program";
    const inner = args.slice(scan.rest + (spec.positionals ?? 0));
    if (inner.length === 0) {
      if (spec.opensShell) judge.problem(`${name} without a command opens a shell`);
      return "program";
    }
    judge.pass(inner, name);
    return kind;
  };
}

/** Skips `NAME=value` words (env, sudo), judging each assignment. */
function skipAssignments(args: Word[], from: number, judge: Judge, name: string): number | null {
  let i = from;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === null) {
      judge.problem(`${name} has an argument computed at run time`);
      return null;
    }
    const eq = arg.indexOf("=");
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(arg.slice(0, eq))) break;
    judge.assign(arg.slice(0, eq), arg.slice(eq + 1));
  }
  return i;
}

/** Problem when a computed argument could be an option of a GTFOBins program. */
function noComputedArgs(args: Word[], judge: Judge, name: string, valueOf: readonly string[] = []) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--") return true;
    if (args[i] === null && !valueOf.includes(args[i - 1] ?? "")) {
      judge.problem(
        `${name} has an argument computed at run time, which could be an option that runs a program`,
      );
      return false;
    }
  }
  return true;
}

/** `--opt=value`, `--opt value`, `-o value`, `-ovalue` anywhere in args. */
function optionValues(
  args: Word[],
  long: readonly string[],
  short: readonly string[] = [],
): Word[] {
  const found: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === null) continue;
    if (arg === "--") break;
    for (const opt of long) {
      if (arg === opt) found.push(args[i + 1] ?? null);
      else if (arg.startsWith(`${opt}=`)) found.push(arg.slice(opt.length + 1));
    }
    for (const opt of short) {
      if (arg === opt) found.push(args[i + 1] ?? null);
      else if (arg.startsWith(opt) && !arg.startsWith("--")) found.push(arg.slice(opt.length));
    }
  }
  return found;
}

// ---------------------------------------------------------------- shells and interpreters

const SHELLS = [
  "sh",
  "bash",
  "dash",
  "zsh",
  "ksh",
  "mksh",
  "ash",
  "yash",
  "posh",
  "rbash",
  "fish",
  "csh",
  "tcsh",
  "ksh93",
  "oksh",
  "loksh",
];

const shell: Rule = (args, judge, name) => {
  let command: Word | undefined;
  let hasC = false;
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === null) {
      judge.problem(`${name} has an option computed at run time`);
      return "wrapper";
    }
    if (arg === "--" || arg === "-") {
      i++;
      break;
    }
    if (!/^[-+]/.test(arg)) break;
    if (arg.startsWith("--")) {
      if (arg === "--rcfile" || arg === "--init-file") {
        judge.problem(`${name} ${arg} reads a startup file whose commands cannot be analysed`);
        return "wrapper";
      }
      continue;
    }
    for (const c of arg.slice(1)) {
      if (c === "c") hasC = true;
      if (c === "o" || c === "O") i++;
    }
  }
  if (hasC) {
    command = args[i];
    if (command === undefined) judge.problem(`${name} -c has no command`);
    else judge.script(command, `${name} -c`);
    return "wrapper";
  }
  if (i < args.length) {
    judge.problem(
      `${name} runs the script ${args[i] ?? "(computed)"}, whose commands cannot be analysed`,
    );
    return "wrapper";
  }
  if (judge.stdin === undefined) {
    judge.problem(`${name} reads commands from standard input, which cannot be analysed`);
  } else judge.script(judge.stdin, `${name} (stdin)`);
  return "wrapper";
};

const INTERPRETER =
  /^(python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|irb|node|nodejs|deno|bun|bunx|npx|php[0-9.]*|lua[0-9.]*|luajit|tclsh[0-9.]*|wish[0-9.]*|expect|rscript|osascript|pwsh|powershell|jshell|groovy|julia|guile|racket|ed|ex|gdb|make|gmake|jrunscript)$/;

const INFO_ARGS = new Set(["--version", "-V", "-v", "--help", "-h", "version"]);

const interpreter: Rule = (args, judge, name) => {
  if (args.length > 0 && args.every((a) => a !== null && INFO_ARGS.has(a))) return "program";
  judge.problem(`${name} runs code whose commands cannot be analysed`);
  return "program";
};

// ---------------------------------------------------------------- builtins

const refuse = (why: string): Rule => (_args, judge, name) => {
  judge.problem(`${name} ${why}`);
  return "builtin";
};

const trap: Rule = (args, judge) => {
  let i = 0;
  if (args[0] === "--") i++;
  const action = args[i];
  if (
    action === undefined || action === "-l" || action === "-p" || action === "-" || action === ""
  ) {
    return "builtin";
  }
  judge.script(action, "trap");
  return "builtin";
};

const commandBuiltin: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name);
  if (!scan) return "builtin";
  if (scan.options.has("-v") || scan.options.has("-V")) return "builtin";
  if (scan.rest < args.length) judge.pass(args.slice(scan.rest), name);
  return "builtin";
};

const execBuiltin: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "a");
  if (!scan) return "builtin";
  if (scan.rest < args.length) judge.pass(args.slice(scan.rest), name);
  return "builtin";
};

const hashBuiltin: Rule = (args, judge, name) => {
  if (args.some((a) => a === null || /^-[a-z]*p/.test(a))) {
    judge.problem(`${name} -p makes a name run another program`);
  }
  return "builtin";
};

/** True when a literal word holds shell code that a later evaluation would run. */
export function holdsCode(word: Word): boolean {
  return word !== null && /\$\(|`/.test(word);
}

const nameEvaluating: Rule = (args, judge, name) => {
  if (args.some(holdsCode)) {
    judge.problem(`${name} is given shell code in a literal, which it may evaluate as a subscript`);
  }
  // Builtins that assign the variables named in their arguments.
  const assigned: Word[] = [];
  if (name === "read" || name === "mapfile" || name === "readarray" || name === "getopts") {
    assigned.push(...args.filter((a) => a === null || !a.startsWith("-")));
  }
  if (name === "printf" || name === "wait") {
    assigned.push(...optionValues(args, [], [name === "printf" ? "-v" : "-p"]));
  }
  for (const variable of assigned) {
    if (variable !== null && /^[A-Za-z_]/.test(variable)) judge.assign(variable, "");
  }
  if (name === "mapfile" || name === "readarray") {
    const scan = scanOptions(args, judge, name, "dnOsuCct");
    const callback = scan ? first(scan, "-C") : undefined;
    if (callback !== undefined) judge.script(callback, `${name} -C`);
  }
  return "builtin";
};

const aws: Rule = (args, judge, name) => {
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

const passOn: Rule = (args, judge, name) => {
  if (args.length > 0) judge.pass(args, name);
  return "wrapper";
};

// ---------------------------------------------------------------- wrappers

const env: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "uCSPa", [
    "--unset",
    "--chdir",
    "--split-string",
    "--argv0",
  ]);
  if (!scan) return "program";
  if (scan.options.has("-P")) {
    judge.problem(`${name} -P searches programs in a folder of its choosing`);
    return "program";
  }
  let rest = args.slice(scan.rest);
  const split = first(scan, "-S", "--split-string");
  if (split !== undefined) {
    const words = split === null ? null : judge.words(split);
    if (words === null) {
      judge.problem(`${name} -S splits a string that cannot be analysed`);
      return "program";
    }
    rest = [...words, ...rest];
  }
  const at = skipAssignments(rest, 0, judge, name);
  if (at === null) return "program";
  if (at >= rest.length) return "program"; // prints the environment: judged as env itself
  judge.pass(rest.slice(at), name);
  return "wrapper";
};

const sudo: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "ugCDhprtUTR", [
    "--user",
    "--group",
    "--close-from",
    "--chdir",
    "--host",
    "--prompt",
    "--role",
    "--type",
    "--other-user",
    "--command-timeout",
    "--chroot",
  ]);
  if (!scan) return "program";
  if (scan.options.has("-e") || scan.options.has("--edit")) {
    judge.problem(`${name} -e edits files with an editor that cannot be judged`);
    return "program";
  }
  const at = skipAssignments(args, scan.rest, judge, name);
  if (at === null) return "program";
  const inner = args.slice(at);
  const shellFlags = ["-s", "-i", "--shell", "--login"];
  if (inner.length === 0) {
    if (shellFlags.some((f) => scan.options.has(f))) {
      judge.problem(`${name} ${shellFlags.find((f) => scan.options.has(f))} opens a shell`);
    }
    return "program";
  }
  judge.pass(inner, name);
  return "program";
};

const su: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "cgGswu", [
    "--command",
    "--session-command",
    "--shell",
    "--group",
    "--supp-group",
    "--whitelist-environment",
    "--user",
  ]);
  if (!scan) return "program";
  const command = first(scan, "-c", "--command", "--session-command");
  const shellName = first(scan, "-s", "--shell");
  if (shellName !== undefined && !SHELLS.includes(programName(shellName ?? "") ?? "")) {
    judge.problem(`${name} -s runs ${shellName ?? "a computed program"} as the shell`);
  }
  if (command !== undefined) {
    judge.script(command, `${name} -c`);
    return "program";
  }
  if (scan.options.has("-u") || scan.options.has("--user")) {
    const inner = args.slice(scan.rest);
    if (inner.length > 0) {
      judge.pass(inner, name);
      return "program";
    }
  }
  judge.problem(`${name} without -c opens a shell`);
  return "program";
};

const xargs: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "adEILnPs", [
    "--arg-file",
    "--delimiter",
    "--eof",
    "--max-lines",
    "--max-args",
    "--max-procs",
    "--max-chars",
    "--process-slot-var",
  ]);
  if (!scan) return "wrapper";
  let replace = first(scan, "-I", "--replace");
  if (replace === "" && scan.options.has("--replace")) replace = "{}";
  if (replace === undefined && scan.options.has("-i")) replace = "{}";
  let inner: Word[] = args.slice(scan.rest);
  if (inner.length === 0) inner = ["echo"];
  if (replace !== undefined) {
    // Input replaces the placeholder: those words are unknown.
    inner = inner.map((w) => (w === null || replace === null || w.includes(replace) ? null : w));
  } else inner = [...inner, null];
  judge.run(inner, name);
  return "wrapper";
};

const flock: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "wEc", ["--timeout", "--conflict-exit-code"]);
  if (!scan) return "wrapper";
  const early = first(scan, "-c", "--command");
  if (early !== undefined) {
    judge.script(early, `${name} -c`);
    return "wrapper";
  }
  const after = args.slice(scan.rest + 1);
  if (after[0] === "-c" || after[0] === "--command") judge.script(after[1] ?? null, `${name} -c`);
  else if (after.length > 0) judge.pass(after, name);
  return "wrapper";
};

const watch: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "n", ["--interval"]);
  if (!scan) return "wrapper";
  const inner = args.slice(scan.rest);
  if (inner.length === 0) return "program";
  if (scan.options.has("-x") || scan.options.has("--exec")) judge.run(inner, name);
  else if (inner.some((w) => w === null)) {
    judge.problem(`${name} runs a command computed at run time`);
  } else judge.script(inner.join(" "), name);
  return "wrapper";
};

const entr: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name);
  if (!scan) return "program";
  const inner = args.slice(scan.rest);
  if (scan.options.has("-s")) judge.script(inner[0] ?? null, `${name} -s`);
  else if (inner.length > 0) judge.run(inner, name);
  return "program";
};

const script: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "cEIOlTm", ["--command", "--log-in", "--log-out"]);
  if (!scan) return "program";
  const command = first(scan, "-c", "--command");
  if (command === undefined) judge.problem(`${name} without -c opens a shell`);
  else judge.script(command, `${name} -c`);
  return "program";
};

const atRule: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "qfMt");
  if (!scan) return "program";
  if (["-l", "-r", "-d", "-c"].some((o) => scan.options.has(o))) return "program";
  if (scan.options.has("-f")) {
    judge.problem(`${name} -f schedules a script file whose commands cannot be analysed`);
  } else if (judge.stdin === undefined) {
    judge.problem(`${name} schedules commands read from standard input, which cannot be analysed`);
  } else judge.script(judge.stdin, `${name} (stdin)`);
  return "program";
};

const crontab: Rule = (args, judge, name) => {
  if (args.includes("-l") || args.includes("-r")) return "program";
  judge.problem(`${name} installs scheduled commands that cannot be analysed`);
  return "program";
};

// ---------------------------------------------------------------- GTFOBins classes

const GIT_COMMAND_KEYS: readonly RegExp[] = [
  /^core\.(pager|sshcommand|editor|askpass|fsmonitor|gitproxy)$/,
  /^diff\.external$/,
  /^diff\..+\.(textconv|command)$/,
  /^merge\..+\.driver$/,
  /^filter\..+\.(clean|smudge|process)$/,
  /^credential(\..+)?\.helper$/,
  /^sequence\.editor$/,
  /^gpg(\..+)?\.program$/,
  /^pager\..+$/,
  /^alias\..+$/,
  /^uploadpack\.packobjectshook$/,
  /^remote\..+\.(uploadpack|receivepack)$/,
  /^sendemail\.(tocmd|cccmd|headercmd|smtpserver)$/,
  /^(difftool|mergetool)\..+\.(cmd|path)$/,
  /^web\.browser$/,
  /^browser\..+\.(cmd|path)$/,
  /^man\..+\.(cmd|path)$/,
  /^interactive\.difffilter$/,
  /^submodule\..+\.update$/,
  /^ssh\.command$/,
];

const GIT_OPAQUE_KEYS: readonly RegExp[] = [
  /^core\.hookspath$/,
  /^init\.templatedir$/,
  /^include\.path$/,
  /^includeif\./,
  /^protocol\.(.+\.)?allow$/,
  /^remote\..+\.vcs$/,
];

const BOOLEAN = /^(true|false|yes|no|on|off|1|0|)$/i;

/** Judges one git configuration `key=value` that git would act on. */
function gitConfig(key: string, value: Word, judge: Judge): void {
  const lower = key.toLowerCase();
  const via = `git ${lower}`;
  if (GIT_OPAQUE_KEYS.some((re) => re.test(lower))) {
    judge.problem(`${via} points git at code that cannot be analysed`);
    return;
  }
  if (!GIT_COMMAND_KEYS.some((re) => re.test(lower))) return;
  if (value === null) {
    judge.problem(`${via} is set to a command computed at run time`);
    return;
  }
  if ((/^pager\./.test(lower) || lower === "core.fsmonitor") && BOOLEAN.test(value)) return;
  if (/^(alias\.|submodule\.)/.test(lower) && !value.startsWith("!")) {
    if (lower.startsWith("alias.")) {
      const words = judge.words(value);
      if (words === null) judge.problem(`${via} is an alias that cannot be analysed`);
      else judge.run(["git", ...words], via);
    }
    return;
  }
  if (/^credential/.test(lower) && !value.startsWith("!") && !value.includes("/")) {
    const words = judge.words(value);
    if (words === null || words[0] === null) judge.problem(`${via} cannot be analysed`);
    else judge.run([`git-credential-${words[0]}`, ...words.slice(1)], via);
    return;
  }
  judge.script(value.startsWith("!") ? value.slice(1) : value, via);
}

const GIT_GLOBAL_VALUES = ["-C", "--git-dir", "--work-tree", "--namespace", "--super-prefix"];
const GIT_SAFE_VALUE_OF = ["-m", "--message", "-b", "-B", "--branch", "--author", "--date", "-C"];

const git: Rule = (args, judge, name) => {
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === null) {
      judge.problem(`${name} has an argument computed at run time, which could be an option`);
      return "program";
    }
    if (!arg.startsWith("-")) break;
    if (arg === "-c") {
      const pair = args[++i] ?? null;
      if (pair === null) {
        judge.problem(`${name} -c is set to a value computed at run time`);
        return "program";
      }
      const eq = pair.indexOf("=");
      gitConfig(eq < 0 ? pair : pair.slice(0, eq), eq < 0 ? "true" : pair.slice(eq + 1), judge);
    } else if (arg.startsWith("--config-env=")) {
      const key = arg.slice("--config-env=".length).split("=")[0];
      gitConfig(key, null, judge);
    } else if (arg.startsWith("--exec-path=")) {
      judge.problem(`${name} --exec-path runs subcommands from a folder of its choosing`);
    } else if (GIT_GLOBAL_VALUES.includes(arg)) i++;
  }
  const sub = args[i];
  const rest = args.slice(i + 1);
  if (sub === undefined) return "program";
  if (!noComputedArgs(rest, judge, name, GIT_SAFE_VALUE_OF)) return "program";
  for (const arg of rest) {
    if (arg?.startsWith("ext::")) judge.problem(`${name}'s ext:: transport runs a command`);
  }
  for (const v of optionValues(rest, ["--upload-pack", "--receive-pack", "--exec"])) {
    judge.script(v, `${name} ${sub} --upload-pack`);
  }
  if (sub === "clone") {
    for (const v of optionValues(rest, [], ["-u"])) judge.script(v, "git clone -u");
  }
  if (sub === "rebase") {
    for (const v of optionValues(rest, [], ["-x"])) judge.script(v, "git rebase -x");
  }
  if (sub === "difftool" || sub === "mergetool") {
    for (const v of optionValues(rest, ["--extcmd"], ["-x"])) judge.script(v, `git ${sub} -x`);
  }
  if (sub === "filter-branch") {
    for (const arg of rest) {
      const m = arg?.match(/^--(env|tree|index|parent|msg|commit|tag-name)-filter$/);
      if (m) judge.script(rest[rest.indexOf(arg) + 1] ?? null, `git filter-branch ${arg}`);
    }
  }
  if (sub === "grep") {
    for (const arg of rest) {
      const m = arg?.match(/^(?:-O|--open-files-in-pager=)(.+)$/);
      if (m) judge.script(m[1], "git grep -O");
    }
  }
  if (sub === "send-email") {
    for (const v of optionValues(rest, ["--to-cmd", "--cc-cmd", "--header-cmd"])) {
      judge.script(v, "git send-email");
    }
    for (const v of optionValues(rest, ["--smtp-server"])) {
      if (v === null || v.startsWith("/")) judge.run([v, null], "git send-email --smtp-server");
    }
  }
  if (sub === "bisect" && rest[0] === "run") judge.run(rest.slice(1), "git bisect run");
  if (sub === "submodule") {
    const at = rest.indexOf("foreach");
    if (at >= 0) {
      const command = rest.slice(at + 1).filter((w) => w === null || !w.startsWith("-"));
      if (command.some((w) => w === null)) {
        judge.problem("git submodule foreach runs a computed command");
      } else judge.script(command.join(" "), "git submodule foreach");
    }
  }
  if (sub === "config") {
    const positional = rest.filter((w, k) =>
      w !== null && !w.startsWith("-") &&
      !["-f", "--file", "--blob", "--type", "--default", "--comment"].includes(rest[k - 1] ?? "")
    ) as string[];
    if (positional[0] === "set") positional.shift();
    if (positional.length >= 2) gitConfig(positional[0], positional[1], judge);
  }
  return "program";
};

const TAR_VALUE_SHORT = "fCIFTXKNgHbLV";

const tar: Rule = (args, judge, name) => {
  let forceLocal = false;
  const archives: Word[] = [];
  const shortValue = (c: string, value: Word) => {
    if (c === "I" || c === "F") judge.script(value, `${name} -${c}`);
    if (c === "f") archives.push(value);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === null) {
      judge.problem(`${name} has an argument computed at run time, which could be an option`);
      return "program";
    }
    if (i === 0 && !arg.startsWith("-")) {
      // Old style `tar xzf file`: values follow in the order of their letters.
      for (const c of arg) if (TAR_VALUE_SHORT.includes(c)) shortValue(c, args[++i] ?? null);
      continue;
    }
    if (arg === "--") break;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const key = eq < 0 ? arg : arg.slice(0, eq);
      const takes = [
        "--to-command",
        "--checkpoint-action",
        "--use-compress-program",
        "--rsh-command",
        "--info-script",
        "--new-volume-script",
        "--rmt-command",
        "--file",
      ];
      if (key === "--force-local") forceLocal = true;
      if (!takes.includes(key)) continue;
      const value = eq < 0 ? (args[++i] ?? null) : arg.slice(eq + 1);
      if (key === "--checkpoint-action") {
        if (value === null) judge.problem(`${name} ${key} is computed at run time`);
        else if (value.startsWith("exec=")) judge.script(value.slice(5), `${name} ${key}`);
      } else if (key === "--rsh-command" || key === "--rmt-command") {
        judge.run([value], `${name} ${key}`);
      } else if (key === "--file") archives.push(value);
      else judge.script(value, `${name} ${key}`);
      continue;
    }
    if (!arg.startsWith("-")) continue;
    for (let k = 1; k < arg.length; k++) {
      if (TAR_VALUE_SHORT.includes(arg[k])) {
        shortValue(arg[k], k + 1 < arg.length ? arg.slice(k + 1) : (args[++i] ?? null));
        break;
      }
    }
  }
  // `host:file` archives are opened through rsh.
  if (!forceLocal && archives.some((a) => a !== null && /^[^/.][^/]*:/.test(a))) {
    judge.run(["rsh", null], `${name} remote archive`);
  }
  return "program";
};

const rsync: Rule = (args, judge, name) => {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === null) {
      judge.problem(`${name} has an argument computed at run time, which could be an option`);
      return "program";
    }
    if (arg === "--") break;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const key = eq < 0 ? arg : arg.slice(0, eq);
      if (key === "--rsh" || key === "--rsync-path") {
        judge.script(eq < 0 ? (args[++i] ?? null) : arg.slice(eq + 1), `${name} ${key}`);
      }
      continue;
    }
    if (!arg.startsWith("-")) continue;
    for (let k = 1; k < arg.length; k++) {
      if ("eBTfM".includes(arg[k])) {
        const value = k + 1 < arg.length ? arg.slice(k + 1) : (args[++i] ?? null);
        if (arg[k] === "e") judge.script(value, `${name} -e`);
        break;
      }
    }
  }
  return "program";
};

const SSH_COMMAND_OPTIONS = new Set([
  "proxycommand",
  "localcommand",
  "knownhostscommand",
  "remotecommand",
]);

function sshOption(value: Word, judge: Judge, name: string): void {
  if (value === null) {
    judge.problem(`${name} -o is computed at run time`);
    return;
  }
  const m = value.match(/^\s*([A-Za-z]+)\s*(?:=|\s)\s*(.*)$/s);
  if (!m) return;
  const key = m[1].toLowerCase();
  if (key === "match") judge.problem(`${name} -o Match can run commands`);
  if (SSH_COMMAND_OPTIONS.has(key) && m[2].toLowerCase() !== "none") {
    judge.script(m[2], `${name} -o ${m[1]}`);
  }
}

const SSH_VALUE_SHORT: Readonly<Record<string, string>> = {
  ssh: "BbcDEeFIiJLlmOoPpQRSWw",
  slogin: "BbcDEeFIiJLlmOoPpQRSWw",
  scp: "cDFiJloPSX",
  sftp: "BbcDFiJloPRSs",
};

const ssh: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, SSH_VALUE_SHORT[name] ?? SSH_VALUE_SHORT.ssh);
  if (!scan) return "program";
  // OpenSSH also accepts options after the destination, so every -o counts.
  for (const v of optionValues(args, [], ["-o"])) sshOption(v, judge, name);
  for (const v of scan.options.get("-F") ?? []) {
    if (v !== "/dev/null" && v !== "none") {
      judge.problem(`${name} -F reads a config file that can name commands to run`);
    }
  }
  if (name === "scp" || name === "sftp") {
    for (const v of scan.options.get("-S") ?? []) judge.run([v, null], `${name} -S`);
    if (name === "sftp") {
      for (const v of scan.options.get("-D") ?? []) judge.run([v], "sftp -D");
      if (scan.options.has("-b")) judge.problem("sftp -b runs a batch file that can run commands");
    }
    return "program";
  }
  const remote = args.slice(scan.rest + 1);
  if (remote.length > 0) {
    if (remote.some((w) => w === null)) {
      judge.problem(`${name} runs a remote command computed at run time`);
    } else judge.script(remote.join(" "), `${name} (remote command)`);
  }
  return "program";
};

/** Splits an awk program into a skeleton with string literals replaced by `\0N\0`. */
function awkSkeleton(program: string): { skeleton: string; strings: string[] } {
  const strings: string[] = [];
  let skeleton = "";
  let last = "";
  for (let i = 0; i < program.length; i++) {
    const c = program[i];
    if (c === '"') {
      let value = "";
      for (i++; i < program.length && program[i] !== '"'; i++) {
        if (program[i] === "\\" && i + 1 < program.length) {
          const e = program[++i];
          value += e === "n" ? "\n" : e === "t" ? "\t" : e;
        } else value += program[i];
      }
      skeleton += `\0${strings.length}\0`;
      strings.push(value);
      last = '"';
      continue;
    }
    if (c === "/" && (last === "" || /[(,~!{};&|\n=]/.test(last))) {
      // A regular expression literal: its `|` are alternatives, not pipes.
      for (i++; i < program.length && program[i] !== "/"; i++) if (program[i] === "\\") i++;
      skeleton += "/re/";
      last = "/";
      continue;
    }
    skeleton += c;
    if (!/\s/.test(c)) last = c;
  }
  return { skeleton, strings };
}

function awkProgram(program: string, judge: Judge, name: string): void {
  const { skeleton, strings } = awkSkeleton(program);
  let rest = skeleton;
  const take = (re: RegExp, use: (value: string) => void) => {
    rest = rest.replace(re, (_m, n: string) => {
      use(strings[Number(n)]);
      return " ";
    });
  };
  take(/\bsystem\s*\(\s*\0(\d+)\0\s*\)/g, (v) => judge.script(v, `${name} system()`));
  take(/\0(\d+)\0\s*\|&?\s*getline/g, (v) => judge.script(v, `${name} | getline`));
  take(/\|&?\s*\0(\d+)\0/g, (v) => judge.script(v, `${name} print |`));
  take(/\bprintf?\b[^;{}\n]*?>>?\s*\0(\d+)\0/g, (v) => judge.access(v, true, `${name} print >`));
  take(/\bgetline\b[^;{}<|\n]*<\s*\0(\d+)\0/g, (v) => judge.access(v, false, `${name} getline <`));
  if (/\bsystem\b/.test(rest)) {
    judge.problem(`${name} system() runs a command computed at run time`);
  }
  if (rest.replaceAll("||", "  ").includes("|")) {
    judge.problem(`${name} pipes to a command computed at run time`);
  }
  // In a print statement an unparenthesised `>` redirects to a file.
  for (const m of rest.matchAll(/\bprintf?\b([^;{}\n]*)/g)) {
    let printed = m[1];
    while (/\([^()]*\)/.test(printed)) printed = printed.replace(/\([^()]*\)/g, " ");
    if (printed.includes(">")) judge.problem(`${name} prints to a file computed at run time`);
  }
}

const awk: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "FvfeiElW", [
    "--file",
    "--source",
    "--include",
    "--load",
    "--exec",
    "--field-separator",
    "--assign",
  ]);
  if (!scan) return "program";
  const files = ["-f", "--file", "-E", "--exec", "-i", "--include", "-l", "--load"];
  if (files.some((o) => scan.options.has(o))) {
    judge.problem(`${name} loads a program file whose commands cannot be analysed`);
    return "program";
  }
  const sources = [...(scan.options.get("-e") ?? []), ...(scan.options.get("--source") ?? [])];
  if (sources.length === 0) sources.push(args[scan.rest] ?? null);
  for (const source of sources) {
    if (source === null) judge.problem(`${name} runs a program computed at run time`);
    else awkProgram(source, judge, name);
  }
  return "program";
};

/** Reads a sed script, reporting `e` commands, `s///e`, and `w`/`r` files. */
function sedScript(text: string, judge: Judge, name: string): void {
  let i = 0;
  const n = text.length;
  const restOfLine = () => {
    const end = text.indexOf("\n", i);
    const line = text.slice(i, end < 0 ? n : end);
    i = end < 0 ? n : end + 1;
    return line.trim();
  };
  const delimited = (d: string) => {
    for (; i < n && text[i] !== d; i++) if (text[i] === "\\") i++;
    i++;
  };
  while (i < n) {
    while (i < n && /[\s;]/.test(text[i])) i++;
    if (i >= n) break;
    // Address: numbers, $, /re/, \cREc, ranges, steps, negation.
    while (i < n) {
      const c = text[i];
      if (/[0-9$,~+!\s]/.test(c)) i++;
      else if (c === "/") {
        i++;
        delimited("/");
        while (i < n && /[IM]/.test(text[i])) i++;
      } else if (c === "\\") {
        const d = text[i + 1];
        i += 2;
        delimited(d);
      } else break;
    }
    const cmd = text[i++];
    if (cmd === undefined) break;
    if ("{}=dDgGhHnNpPxzF".includes(cmd)) continue;
    if (cmd === "#") restOfLine();
    else if ("aic".includes(cmd)) {
      for (; i < n && text[i] !== "\n"; i++) if (text[i] === "\\") i++;
    } else if ("btT:v".includes(cmd)) {
      while (i < n && !/[;\n]/.test(text[i])) i++;
    } else if ("qQlL".includes(cmd)) {
      while (i < n && /[\s0-9]/.test(text[i]) && text[i] !== "\n") i++;
    } else if (cmd === "s" || cmd === "y") {
      const d = text[i++];
      delimited(d);
      delimited(d);
      if (cmd === "y") continue;
      let flags = "";
      while (i < n && /[gpiImMe0-9]/.test(text[i])) flags += text[i++];
      if (flags.includes("e")) {
        judge.problem(
          `${name} s///e runs the pattern space as a command, which cannot be analysed`,
        );
      }
      if (text[i] === "w") {
        i++;
        judge.access(restOfLine(), true, `${name} s///w`);
      }
    } else if (cmd === "e") {
      const command = restOfLine();
      if (command === "") judge.problem(`${name} e runs the pattern space as a command`);
      else judge.script(command, `${name} e`);
    } else if (cmd === "w" || cmd === "W") judge.access(restOfLine(), true, `${name} ${cmd}`);
    else if (cmd === "r" || cmd === "R") judge.access(restOfLine(), false, `${name} ${cmd}`);
    else {
      judge.problem(`${name} script has a command "${cmd}" that cannot be analysed`);
      return;
    }
  }
}

const sed: Rule = (args, judge, name) => {
  const valueLong = ["--expression", "--file", "--line-length"];
  const scan = scanOptions(
    args.map((a) => (a !== null && /^-[^-]*i/.test(a) ? a.slice(0, a.indexOf("i") + 1) : a)),
    judge,
    name,
    "efl",
    valueLong,
  );
  if (!scan) return "program";
  if (scan.options.has("-f") || scan.options.has("--file")) {
    judge.problem(`${name} -f reads a script file that cannot be analysed`);
    return "program";
  }
  if (scan.options.has("--sandbox")) return "program";
  const scripts = [...(scan.options.get("-e") ?? []), ...(scan.options.get("--expression") ?? [])];
  if (scripts.length === 0) scripts.push(args[scan.rest] ?? null);
  for (const s of scripts) {
    if (s === null) judge.problem(`${name} runs a script computed at run time`);
    else sedScript(s, judge, name);
  }
  return "program";
};

const rg: Rule = (args, judge, name) => {
  if (!noComputedArgs(args, judge, name, ["-e", "--regexp", "-g", "--glob", "-t", "--type"])) {
    return "program";
  }
  for (const v of optionValues(args, ["--pre"])) judge.run([v, null], `${name} --pre`);
  return "program";
};

const zip: Rule = (args, judge, name) => {
  if (!noComputedArgs(args, judge, name)) return "program";
  for (const v of optionValues(args, ["--unzip-command"])) {
    judge.script(v, `${name} --unzip-command`);
  }
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "-TT") judge.script(args[i + 1] ?? null, `${name} -TT`);
  }
  return "program";
};

const pager: Rule = (args, judge, name) => {
  if (!noComputedArgs(args, judge, name)) return "program";
  for (const arg of args) {
    if (arg === "--") break;
    if (arg !== null && /^\+.*[!|]/.test(arg)) judge.problem(`${name} ${arg} runs a shell command`);
    if (arg !== null && /^(-k|--lesskey)/.test(arg)) {
      judge.problem(`${name} ${arg} loads key bindings that can run commands`);
    }
  }
  return "program";
};

const man: Rule = (args, judge, name) => {
  if (!noComputedArgs(args, judge, name)) return "program";
  for (const v of optionValues(args, ["--pager"], ["-P"])) judge.script(v, `${name} --pager`);
  for (const arg of args) {
    const m = arg?.match(/^(?:-H|--html=)(.+)$/);
    if (m) judge.script(m[1], `${name} --html`);
  }
  return "program";
};

const vim: Rule = (args, judge, name) => {
  if (!noComputedArgs(args, judge, name)) return "program";
  for (const arg of args) {
    if (arg === "--") break;
    if (arg !== null && (/^(-c|--cmd|-S|-u|-U|-s)/.test(arg) || /^\+./.test(arg))) {
      judge.problem(`${name} ${arg} runs editor commands that cannot be analysed`);
      return "program";
    }
  }
  return "program";
};

const emacs: Rule = (args, judge, name) => {
  if (!noComputedArgs(args, judge, name)) return "program";
  const bad = args.find((a) =>
    a !== null && /^(--eval|-l|--load|-f|--funcall|--batch|-batch|--script|-x)/.test(a)
  );
  if (bad) judge.problem(`${name} ${bad} runs Lisp code that cannot be analysed`);
  return "program";
};

const nano: Rule = (args, judge, name) => {
  for (const v of optionValues(args, ["--speller"], ["-s"])) {
    judge.run([v, null], `${name} --speller`);
  }
  return "program";
};

const find: Rule = (args, judge, name) => {
  if (args.some((a) => a === null)) {
    judge.problem(`${name} has an argument computed at run time, which could be -exec`);
    return "program";
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (["-exec", "-execdir", "-ok", "-okdir"].includes(arg)) {
      const end = args.findIndex((a, k) => k > i && (a === ";" || a === "+"));
      if (end < 0) {
        judge.problem(`${name} ${arg} has no terminating ; or +`);
        return "program";
      }
      const inner = args.slice(i + 1, end).map((w) => (w !== null && w.includes("{}") ? null : w));
      judge.run(inner, `${name} ${arg}`);
      i = end;
    } else if (["-fprint", "-fprint0", "-fls", "-fprintf"].includes(arg)) {
      judge.access(args[i + 1] ?? null, true, `${name} ${arg}`);
    }
  }
  return "program";
};

const fd: Rule = (args, judge, name) => {
  if (
    !noComputedArgs(args, judge, name, ["-e", "--extension", "-t", "--type", "-E", "--exclude"])
  ) {
    return "program";
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-x" || arg === "--exec" || arg === "-X" || arg === "--exec-batch") {
      let end = args.findIndex((a, k) => k > i && a === ";");
      if (end < 0) end = args.length;
      const inner = args.slice(i + 1, end).map((
        w,
      ) => (w !== null && /\{[/.]*\}/.test(w) ? null : w));
      judge.run(inner, `${name} ${arg}`);
      i = end;
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

const kubectl: Rule = (args, judge, name) => {
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

// ---------------------------------------------------------------- table

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
