/**
 * Reading a program's options the way getopt does, shared by the rules: an
 * option that runs a program is only found if the option is read as the
 * program itself would read it, and an argument computed at run time could be
 * any option.
 *
 * @module
 */
import type { Judge, Word } from "./rule.ts";

/** The options {@link scanOptions} read, and where the operands start. */
export interface Scan {
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
export function scanOptions(
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

/** The last value of the first of `keys` that was given, as getopt keeps the last. */
export function first(scan: Scan, ...keys: string[]): Word | undefined {
  for (const key of keys) {
    const values = scan.options.get(key);
    if (values) return values[values.length - 1];
  }
  return undefined;
}

/** Problem when a computed argument could be an option of a GTFOBins program. */
export function noComputedArgs(
  args: Word[],
  judge: Judge,
  name: string,
  valueOf: readonly string[] = [],
) {
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
export function optionValues(
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
