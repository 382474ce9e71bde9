/**
 * Shell builtins: those that run nothing, those that run a string or a file
 * (`eval`, `source`, `trap`), those that pass on a command (`command`, `exec`,
 * `builtin`), and those that evaluate an array subscript in a variable name.
 *
 * @module
 */
import { first, optionValues, scanOptions } from "./options.ts";
import type { Rule, Word } from "./rule.ts";

/**
 * Builtins that take variable names and evaluate an array subscript in them
 * (`read 'a[$(cmd)]'` runs cmd): a literal holding code is refused.
 */
export const NAME_EVALUATING_BUILTINS: ReadonlySet<string> = new Set([
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

/** A builtin that is always a problem, for the reason `why`. */
export const refuse = (why: string): Rule => (_args, judge, name) => {
  judge.problem(`${name} ${why}`);
  return "builtin";
};

/** `trap ACTION SIGNAL…`: the action is shell code run later. */
export const trap: Rule = (args, judge) => {
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

/** `command CMD`: runs CMD, bypassing functions; `-v`/`-V` only look it up. */
export const commandBuiltin: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name);
  if (!scan) return "builtin";
  if (scan.options.has("-v") || scan.options.has("-V")) return "builtin";
  if (scan.rest < args.length) judge.pass(args.slice(scan.rest), name);
  return "builtin";
};

/** `exec CMD`: replaces the shell with CMD. */
export const execBuiltin: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, "a");
  if (!scan) return "builtin";
  if (scan.rest < args.length) judge.pass(args.slice(scan.rest), name);
  return "builtin";
};

/** `hash -p PATH NAME`: makes NAME run another program. */
export const hashBuiltin: Rule = (args, judge, name) => {
  if (args.some((a) => a === null || /^-[a-z]*p/.test(a))) {
    judge.problem(`${name} -p makes a name run another program`);
  }
  return "builtin";
};

/** True when a literal word holds shell code that a later evaluation would run. */
export function holdsCode(word: Word): boolean {
  return word !== null && /\$\(|`/.test(word);
}

/** Builtins that take variable names: the variables they assign, and `mapfile -C` callbacks. */
export const nameEvaluating: Rule = (args, judge, name) => {
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

/** A builtin or multi-call binary that runs its arguments as a command. */
export const passOn: Rule = (args, judge, name) => {
  if (args.length > 0) judge.pass(args, name);
  return "wrapper";
};
