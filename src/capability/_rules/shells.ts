/**
 * Shells and interpreters. A shell's `-c` string or stdin is parsed and judged
 * like the line itself; its script files and `--rcfile` cannot be read, and an
 * interpreter runs code in a language we do not analyse, so both are problems.
 *
 * @module
 */
import type { Rule, Word } from "./rule.ts";

/** Program names that are shells. */
export const SHELLS = [
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

/** A shell: its `-c` string or its stdin is judged; a script file or `--rcfile` cannot be. */
export const shell: Rule = (args, judge, name) => {
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

/** Program names of interpreters: they run code we do not analyse. */
export const INTERPRETER =
  /^(python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|irb|node|nodejs|deno|bun|bunx|npx|php[0-9.]*|lua[0-9.]*|luajit|tclsh[0-9.]*|wish[0-9.]*|expect|rscript|osascript|pwsh|powershell|jshell|groovy|julia|guile|racket|ed|ex|gdb|make|gmake|jrunscript)$/;

const INFO_ARGS = new Set(["--version", "-V", "-v", "--help", "-h", "version"]);

/** An interpreter: only asking its version or help is allowed. */
export const interpreter: Rule = (args, judge, name) => {
  if (args.length > 0 && args.every((a) => a !== null && INFO_ARGS.has(a))) return "program";
  judge.problem(`${name} runs code whose commands cannot be analysed`);
  return "program";
};
