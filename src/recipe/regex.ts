/** Values longer than this are refused before a validation regex sees them. */
export const MAX_VALIDATED_LENGTH = 4096;

/**
 * Why a `validation` regex is refused, or null when it is fine: it must
 * compile, and no repeated group may itself contain a repetition
 * (`(a+)+`, `(\w*)*`, `(a|b+){2,}`), and no three repetitions may follow
 * each other with nothing required between them (`\w*\w*\w*`): both make a
 * backtracking engine take exponential or high polynomial time on a near
 * miss (ReDoS). Values are also capped at {@link MAX_VALIDATED_LENGTH}.
 *
 * @example
 * ```ts
 * import { regexProblem } from "./regex.ts";
 * if (regexProblem("^[a-z][a-z0-9-]*$") !== null) throw new Error();
 * if (!regexProblem("(a+)+$")?.includes("nests")) throw new Error();
 * if (!regexProblem("([a-z")?.includes("does not compile")) throw new Error();
 * ```
 */
export function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, "u");
  } catch (error) {
    return `it does not compile: ${error instanceof Error ? error.message : String(error)}`;
  }
  // Each open group remembers whether a repetition happened inside it.
  const groups: boolean[] = [];
  const starts: number[] = [];
  let previousRepeats = false; // the atom just before is a group holding a repetition
  // Repetitions in a row at each group level, with nothing mandatory between
  // them: three (`\w*\w*\w*`) backtrack in cubic time on a near miss.
  const runs: number[] = [0];
  let isBare = false; // the atom just before has no quantifier (yet)
  const atom = () => {
    if (isBare) runs[runs.length - 1] = 0; // a mandatory atom separates repetitions
    isBare = true;
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      const zeroWidth = pattern[i + 1] === "b" || pattern[i + 1] === "B";
      i++;
      previousRepeats = false;
      if (!zeroWidth) atom();
    } else if (ch === "[") {
      i = skipClass(pattern, i);
      previousRepeats = false;
      atom();
    } else if (ch === "(") {
      atom();
      isBare = false;
      runs.push(0);
      groups.push(false);
      previousRepeats = false;
      // `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?<name>`: the `?` is no quantifier.
      const modifier = /^\?(?:<[A-Za-z_$][\w$]*>|<=|<!|[:=!])/.exec(pattern.slice(i + 1));
      if (modifier) i += modifier[0].length;
      starts.push(i + 1);
    } else if (ch === ")") {
      const body = pattern.slice(starts.pop() ?? i, i);
      const inner = (groups.pop() ?? false) && !isSeparated(body);
      if (inner && groups.length > 0) groups[groups.length - 1] = true;
      previousRepeats = inner || hasOverlappingBranches(body);
      runs.pop();
      isBare = true; // the group is the atom a quantifier applies to
    } else if (ch === "*" || ch === "+" || (ch === "{" && isRepetition(pattern, i))) {
      if (previousRepeats) {
        return "it nests a repetition or overlapping alternatives inside a repeated group " +
          "(like (a+)+ or (a|aa)+), which can " +
          "backtrack for exponential time on a near-miss (catastrophic backtracking)";
      }
      if (++runs[runs.length - 1] >= 3) {
        return "it has three or more repetitions in a row with nothing required between " +
          "them (like \\w*\\w*\\w*), which backtrack for polynomial time on a near-miss " +
          "(catastrophic backtracking)";
      }
      isBare = false;
      if (groups.length > 0) groups[groups.length - 1] = true;
      if (ch === "{") i = pattern.indexOf("}", i);
      if (pattern[i + 1] === "?" || pattern[i + 1] === "+") i++; // lazy
      previousRepeats = false;
    } else if (ch === "{") {
      const close = /^\{(\d+)(,\d*)?\}/.exec(pattern.slice(i));
      if (close) {
        i += close[0].length - 1; // {0,1} and {n}: at most once, or a fixed count
        if (close[1] === "0") isBare = false; // optional: separates nothing
      } else atom(); // a literal {
      previousRepeats = false;
    } else if (ch === "?") {
      isBare = false; // optional: separates nothing
      previousRepeats = false;
    } else if (ch === "|") {
      runs[runs.length - 1] = 0;
      isBare = false;
      previousRepeats = false;
    } else if (ch === "^" || ch === "$") {
      previousRepeats = false; // anchors match no character
    } else {
      previousRepeats = false;
      atom();
    }
  }
  return null;
}

/**
 * Whether `value` matches a validation regex as a whole (`^(?:pattern)$`).
 *
 * @example
 * ```ts
 * import { matchesValidation } from "./regex.ts";
 * if (!matchesValidation("^v?[0-9]+\\.[0-9]+\\.[0-9]+$", "v1.2.3")) throw new Error();
 * if (matchesValidation("[a-z]+", "abc; rm -rf ~")) throw new Error("must match the whole value");
 * ```
 */
export function matchesValidation(pattern: string, value: string): boolean {
  if (value.length > MAX_VALIDATED_LENGTH) return false;
  return new RegExp(`^(?:${pattern})$`, "u").test(value);
}

/**
 * `a|aa`: alternatives that are not plain words none of which starts another,
 * so a repeated group can split one string into passes in many ways.
 */
function hasOverlappingBranches(body: string): boolean {
  const branches: string[] = [];
  let depth = 0;
  let current = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\") {
      current += body.slice(i, i + 2);
      i++;
      continue;
    }
    if (ch === "(" || ch === "[") depth++;
    if (ch === ")" || ch === "]") depth--;
    if (ch === "|" && depth === 0) {
      branches.push(current);
      current = "";
    } else current += ch;
  }
  branches.push(current);
  if (branches.length < 2) return false;
  const isWord = (b: string) => /^[A-Za-z0-9 _-]+$/.test(b);
  if (!branches.every(isWord)) return true;
  return branches.some((a, i) => branches.some((b, j) => i !== j && b.startsWith(a)));
}

/**
 * `\.[0-9]+` and the like: every pass of the group starts with a separator
 * its repetitions cannot match, so a string splits into passes one way only.
 */
function isSeparated(body: string): boolean {
  const head = /^(?:\\([.\-/:,_@ ])|([-/:,_@ ]))/.exec(body);
  if (!head) return false;
  const separator = head[1] ?? head[2];
  const rest = body.slice(head[0].length);
  return !rest.includes(separator) && !rest.includes("|") &&
    !/\[\^|\\[WSDwsd]|(^|[^\\])\./.test(rest);
}

function skipClass(pattern: string, start: number): number {
  for (let i = start + 1; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]" && i > start + 1) return i;
  }
  return pattern.length;
}

function isRepetition(pattern: string, at: number): boolean {
  const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
  if (!m) return false;
  if (m[2] === undefined) return Number(m[1]) > 1;
  return m[3] === "" || Number(m[3]) > 1;
}
