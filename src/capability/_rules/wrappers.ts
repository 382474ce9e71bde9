/**
 * Wrappers: programs that run the command in their arguments (`env`, `sudo`,
 * `xargs`, `nice`, `timeout`, …) or schedule one (`at`, `crontab`). The
 * wrapped command is judged in their place; a wrapper that would open a shell
 * or read commands it cannot show is a problem.
 *
 * @module
 */
import { first, scanOptions } from "./options.ts";
import { type Judge, type ProgramKind, programName, type Rule, type Word } from "./rule.ts";
import { SHELLS } from "./shells.ts";

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

/** A rule for a wrapper described by `spec`: its command is judged in its place. */
export function wrapper(spec: WrapperSpec): Rule {
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

/** env: its assignments are judged, `-S` is split, and the command is passed on. */
export const env: Rule = (args, judge, name) => {
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

/** sudo: the command is passed on; `-e` and a bare `-s`/`-i` are problems. */
export const sudo: Rule = (args, judge, name) => {
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

/** su, runuser: `-c` is a script; without one a shell opens. */
export const su: Rule = (args, judge, name) => {
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

/** xargs: runs its command with words from its input. */
export const xargs: Rule = (args, judge, name) => {
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

/** flock: runs `-c` or the command after the lock file. */
export const flock: Rule = (args, judge, name) => {
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

/** watch: runs its command again and again, through `sh -c` unless `-x`. */
export const watch: Rule = (args, judge, name) => {
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

/** entr: runs its command, or with `-s` a shell script, when files change. */
export const entr: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name);
  if (!scan) return "program";
  const inner = args.slice(scan.rest);
  if (scan.options.has("-s")) judge.script(inner[0] ?? null, `${name} -s`);
  else if (inner.length > 0) judge.run(inner, name);
  return "program";
};

/** script: runs `-c` in a recorded terminal; without it a shell opens. */
export const script: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "cEIOlTm", ["--command", "--log-in", "--log-out"]);
  if (!scan) return "program";
  const command = first(scan, "-c", "--command");
  if (command === undefined) judge.problem(`${name} without -c opens a shell`);
  else judge.script(command, `${name} -c`);
  return "program";
};

/** at, batch: schedule commands read from stdin or a file. */
export const atRule: Rule = (args, judge, name) => {
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

/** crontab: installs scheduled commands unless it only lists or removes them. */
export const crontab: Rule = (args, judge, name) => {
  if (args.includes("-l") || args.includes("-r")) return "program";
  judge.problem(`${name} installs scheduled commands that cannot be analysed`);
  return "program";
};
