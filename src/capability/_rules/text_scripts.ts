/**
 * awk and sed (GTFOBins): their script languages can run commands
 * (`system()`, `| getline`, sed's `e` and `s///e`) and read or write files, so
 * the script is read and each command or file in it is judged.
 *
 * @module
 */
import { type Scan, scanOptions } from "./options.ts";
import type { Judge, Rule, Word } from "./rule.ts";

/**
 * The program texts given with `-e` or the long option `long`, else the first
 * operand: awk and sed take their program the same way.
 */
function inlineScripts(scan: Scan, args: Word[], long: string): Word[] {
  const scripts = [...(scan.options.get("-e") ?? []), ...(scan.options.get(long) ?? [])];
  if (scripts.length === 0) scripts.push(args[scan.rest] ?? null);
  return scripts;
}

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

/** awk and its names: the program text is read; program files cannot be. */
export const awk: Rule = (args, judge, name) => {
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
  for (const source of inlineScripts(scan, args, "--source")) {
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

/** sed: the script is read; `-f` script files cannot be, and `--sandbox` forbids e, r, w. */
export const sed: Rule = (args, judge, name) => {
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
  for (const s of inlineScripts(scan, args, "--expression")) {
    if (s === null) judge.problem(`${name} runs a script computed at run time`);
    else sedScript(s, judge, name);
  }
  return "program";
};
