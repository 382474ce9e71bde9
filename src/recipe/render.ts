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
  return template.replace(REFERENCE, (_, name: string) => shellQuote(lookup(name, values)));
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
