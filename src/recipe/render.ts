import { SkillError } from "../errors/mod.ts";

/** `{{name}}`, with optional spaces inside the braces. */
const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * Quotes a value for a POSIX shell: always single quotes, each `'` written as
 * `'\''`. Inside single quotes nothing is special (no `$`, backquote, `\`,
 * newline or glob), so the shell passes the value on as one literal word.
 *
 * @throws {SkillError} `validation` when the value holds a NUL byte, which no
 *   argument can carry (the shell would cut the value there)
 * @example
 * ```ts
 * import { shellQuote } from "./render.ts";
 * if (shellQuote("it's") !== `'it'\\''s'`) throw new Error(shellQuote("it's"));
 * if (shellQuote("$(rm -rf ~)") !== "'$(rm -rf ~)'") throw new Error();
 * if (shellQuote("") !== "''") throw new Error();
 * ```
 */
export function shellQuote(value: string): string {
  if (value.includes("\0")) {
    throw new SkillError("validation", "A parameter value holds a NUL byte", {
      why: "a command argument cannot contain NUL; the value would be cut short",
      hints: [{ to: "pass the value without the NUL byte", run: "caro recipe run ID --param k=v" }],
    });
  }
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A value as one shell word, quoted with {@link shellQuote} only when it needs
 * quoting (for command lines shown to a person, such as hints).
 *
 * @example
 * ```ts
 * import { shellWord } from "./render.ts";
 * if (shellWord("./photos") !== "./photos" || shellWord("a b") !== "'a b'") throw new Error();
 * ```
 */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : shellQuote(value);
}

/**
 * Renders a command template: every `{{name}}` becomes the value shell-quoted
 * with {@link shellQuote}, so no value can become shell syntax.
 *
 * @throws {SkillError} `validation` for a reference to an unknown parameter or a NUL byte
 * @example
 * ```ts
 * import { renderCommand } from "./render.ts";
 * const line = renderCommand("tar -caf {{dest}}/b.tar.gz -C {{source}} .", {
 *   dest: "/backups", source: "my dir; rm -rf ~",
 * });
 * if (line !== "tar -caf '/backups'/b.tar.gz -C 'my dir; rm -rf ~' .") throw new Error(line);
 * ```
 */
export function renderCommand(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(REFERENCE, (match: string, name: string, offset: number) => {
    const problem = unsafeReferenceContext(template, offset);
    if (problem) {
      throw new SkillError("validation", `Cannot render ${match}: it is ${problem}`, {
        why: "a value is shell-quoted on its own; around it the shell must be in plain context",
        hints: [{ to: "write the reference outside quotes", run: "caro skill validate <skill>" }],
      });
    }
    return shellQuote(lookup(name, values));
  });
}

/**
 * Why a `{{…}}` at `offset` of a command template would let a value become
 * shell syntax, or `null` when the shell reads it in plain context there. A
 * shell-quoted value is one literal word only in plain context: in single
 * quotes its own quotes close the outer ones; in double quotes, backquotes
 * or a here-document `$(…)` in it still runs; a newline in it ends a comment.
 * The scan is deliberately conservative: `"$(cmd {{x}})"` is refused although
 * the substitution starts a fresh context.
 *
 * @example
 * ```ts
 * import { unsafeReferenceContext } from "./render.ts";
 * if (unsafeReferenceContext("ls -- {{p}}", 6) !== null) throw new Error();
 * if (unsafeReferenceContext('echo "{{p}}"', 6) === null) throw new Error();
 * ```
 */
export function unsafeReferenceContext(template: string, offset: number): string | null {
  type State = "plain" | "single" | "double" | "backquote" | "dollar-single" | "comment";
  let state: State = "plain";
  let isHeredoc = false;
  for (let i = 0; i < offset; i++) {
    const ch = template[i];
    const next = template[i + 1];
    if (state === "plain") {
      if (ch === "\\") i++;
      else if (ch === "'") state = "single";
      else if (ch === '"') state = "double";
      else if (ch === "`") state = "backquote";
      else if (ch === "$" && next === "'") [state, i] = ["dollar-single", i + 1];
      else if (ch === "#" && (i === 0 || /[\s;&|(]/.test(template[i - 1]))) state = "comment";
      else if (ch === "<" && next === "<" && template[i + 2] !== "<") isHeredoc = true;
    } else if (state === "single") {
      if (ch === "'") state = "plain";
    } else if (state === "comment") {
      if (ch === "\n") state = "plain";
    } else if (ch === "\\") {
      i++;
    } else if (
      (state === "double" && ch === '"') || (state === "backquote" && ch === "`") ||
      (state === "dollar-single" && ch === "'")
    ) {
      state = "plain";
    }
  }
  if (isHeredoc) return "after a here-document operator, where quotes are literal";
  const problems: Record<State, string | null> = {
    plain: null,
    single: "inside single quotes, which the value's own quotes would close",
    double: "inside double quotes, where $(…) or backquotes in the value would run",
    backquote: "inside backquotes, which read the value again",
    "dollar-single": "inside $'…' quotes",
    comment: "inside a comment, which a newline in the value would end",
  };
  return problems[state];
}

/**
 * Renders a template as plain text (messages, and precondition arguments that
 * are passed as argv, never through a shell): `{{name}}` becomes the raw value.
 *
 * @throws {SkillError} `validation` for a reference to an unknown parameter
 * @example
 * ```ts
 * import { renderText } from "./render.ts";
 * if (renderText("{{source}} does not exist", { source: "/data" }) !== "/data does not exist") {
 *   throw new Error();
 * }
 * ```
 */
export function renderText(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(REFERENCE, (_, name: string) => lookup(name, values));
}

/**
 * Every `{{name}}` in a template, with its offset, for validation.
 *
 * @example
 * ```ts
 * import { templateReferences } from "./render.ts";
 * const refs = templateReferences("cp {{ a }} {{b}}");
 * if (refs.map((r) => r.name).join() !== "a,b" || refs[1].offset !== 11) throw new Error();
 * ```
 */
export function templateReferences(template: string): Array<{ name: string; offset: number }> {
  return [...template.matchAll(REFERENCE)].map((m) => ({ name: m[1], offset: m.index ?? 0 }));
}

function lookup(name: string, values: Readonly<Record<string, string>>): string {
  if (!Object.hasOwn(values, name)) {
    throw new SkillError("validation", `The template refers to an unknown parameter {{${name}}}`, {
      why: `known parameters: ${Object.keys(values).join(", ") || "none"}`,
      hints: [{ to: "find the reference", run: "caro skill validate ." }],
    });
  }
  return values[name];
}
