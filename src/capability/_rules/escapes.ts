/**
 * Common programs with an option that runs another program (GTFOBins): a
 * preprocessor (`rg --pre`), a pager or editor command (`less`, `man`, `vim`,
 * `emacs`, `nano`), an exec action (`find -exec`, `fd -x`) or a test command
 * (`zip -TT`).
 *
 * @module
 */
import { noComputedArgs, optionValues } from "./options.ts";
import type { Rule } from "./rule.ts";

/** ripgrep: `--pre` runs a program on every file searched. */
export const rg: Rule = (args, judge, name) => {
  if (!noComputedArgs(args, judge, name, ["-e", "--regexp", "-g", "--glob", "-t", "--type"])) {
    return "program";
  }
  for (const v of optionValues(args, ["--pre"])) judge.run([v, null], `${name} --pre`);
  return "program";
};

/** zip: `-TT` and `--unzip-command` run a command to test the archive. */
export const zip: Rule = (args, judge, name) => {
  if (!noComputedArgs(args, judge, name)) return "program";
  for (const v of optionValues(args, ["--unzip-command"])) {
    judge.script(v, `${name} --unzip-command`);
  }
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "-TT") judge.script(args[i + 1] ?? null, `${name} -TT`);
  }
  return "program";
};

/** less, more, most: `+!cmd` runs a command; `--lesskey` binds keys to commands. */
export const pager: Rule = (args, judge, name) => {
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

/** man: `--pager` and `--html` name the program that shows the page. */
export const man: Rule = (args, judge, name) => {
  if (!noComputedArgs(args, judge, name)) return "program";
  for (const v of optionValues(args, ["--pager"], ["-P"])) judge.script(v, `${name} --pager`);
  for (const arg of args) {
    const m = arg?.match(/^(?:-H|--html=)(.+)$/);
    if (m) judge.script(m[1], `${name} --html`);
  }
  return "program";
};

/** vim and its names: `-c`, `--cmd`, `-S`, `-u`, `+cmd` run editor commands. */
export const vim: Rule = (args, judge, name) => {
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

/** emacs: `--eval`, `--load`, `--batch`, … run Lisp code. */
export const emacs: Rule = (args, judge, name) => {
  if (!noComputedArgs(args, judge, name)) return "program";
  const bad = args.find((a) =>
    a !== null && /^(--eval|-l|--load|-f|--funcall|--batch|-batch|--script|-x)/.test(a)
  );
  if (bad) judge.problem(`${name} ${bad} runs Lisp code that cannot be analysed`);
  return "program";
};

/** nano: `--speller` names a program nano runs. */
export const nano: Rule = (args, judge, name) => {
  for (const v of optionValues(args, ["--speller"], ["-s"])) {
    judge.run([v, null], `${name} --speller`);
  }
  return "program";
};

/** find: `-exec`/`-ok` run a command; `-fprint` and the like write a file. */
export const find: Rule = (args, judge, name) => {
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

/** fd: `-x`/`-X` run a command for the files found. */
export const fd: Rule = (args, judge, name) => {
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
