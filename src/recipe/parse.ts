import semver from "semver";
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import type { Diagnostic } from "../errors/mod.ts";
import { didYouMean } from "../suggest/mod.ts";
import { matchesValidation as matchesRegex, MAX_VALIDATED_LENGTH, regexProblem } from "./regex.ts";
import { templateReferences, unsafeReferenceContext } from "./render.ts";
import { type Recipe, RecipeSchema } from "./schema.ts";

/** The outcome of {@link parseRecipe}: the recipe when it has no errors, and every finding. */
export interface RecipeParse {
  recipe?: Recipe;
  diagnostics: Diagnostic[];
}

/** Options of {@link parseRecipe}. */
export interface ParseRecipeOptions {
  /** The file, relative to the skill folder, named in findings (default `recipe.yaml`). */
  file?: string;
}

type Path = ReadonlyArray<string | number>;

/** The longest recipe file read (256 Ki characters). */
export const MAX_RECIPE_CHARS = 256 * 1024;

/**
 * Parses and validates one recipe file (SPEC §3): YAML syntax, the schema, and
 * the rules a schema cannot say: unknown `{{param}}` references, duplicate
 * step and parameter ids, enum values, defaults that fail their own type or
 * validation, validation regexes that compile and cannot backtrack
 * catastrophically, `json_path` with `contains`/`equals`, `custom`
 * preconditions with `args` or `script`, rollback `step` names. Every finding
 * names the file, line and column, and what to do.
 *
 * @example
 * ```ts
 * import { parseRecipe } from "./parse.ts";
 * const source = [
 *   "id: hello", "name: Hello", "version: 1.0.0",
 *   "steps:", "  - id: say", "    name: Say", "    command: echo {{who}}",
 * ].join("\n");
 * const { recipe, diagnostics } = parseRecipe(source, { file: "recipes/hello.yaml" });
 * const d = diagnostics[0];
 * if (recipe || d.rule !== "unknown-parameter" || d.line !== 7) throw new Error(JSON.stringify(d));
 * ```
 */
export function parseRecipe(source: string, options: ParseRecipeOptions = {}): RecipeParse {
  const file = options.file ?? "recipe.yaml";
  if (source.length > MAX_RECIPE_CHARS) {
    // Bounded before parsing: YAML parsing of megabytes takes minutes.
    return {
      diagnostics: [{
        severity: "error",
        rule: "recipe-size",
        file,
        line: 1,
        column: 1,
        message: `the recipe is ${source.length} characters; at most ${MAX_RECIPE_CHARS}`,
        hint: "split it into several recipes",
      }],
    };
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  for (const error of [...doc.errors, ...doc.warnings]) {
    diagnostics.push({
      severity: doc.errors.includes(error as never) ? "error" : "warning",
      rule: "recipe-yaml",
      file,
      ...at(error.pos[0]),
      message: error.message.split("\n")[0],
      hint: /flow|collection|\{/i.test(error.message) && source.includes("{{")
        ? 'quote a value holding {{param}} inside { } or [ ], or starting with it: "echo {{x}}"'
        : "fix the YAML syntax (indentation, quotes, a `:` in a value needs quotes)",
    });
  }
  if (doc.errors.length > 0) return { diagnostics };

  // `key`: point at the key instead of the value; a string: at that text inside the value.
  const place = (path: Path, key: boolean | string = false) => {
    const start = offsetOf(doc.contents, path, key === true);
    if (typeof key !== "string" || start === undefined) return at(start);
    const end = nodeEnd(doc.contents, path) ?? source.length;
    const found = source.slice(start, end).indexOf(key);
    return at(found < 0 ? start : start + found);
  };
  const add = (
    severity: Diagnostic["severity"],
    rule: string,
    path: Path,
    message: string,
    hint: string,
    key: boolean | string = false,
  ) => diagnostics.push({ severity, rule, file, ...place(path, key), message, hint });

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses alias bombs with a ReferenceError while expanding them.
    if (!(error instanceof ReferenceError)) throw error;
    return {
      diagnostics: [{
        severity: "error",
        rule: "recipe-yaml",
        file,
        line: 1,
        column: 1,
        message: "the recipe expands too many YAML aliases (at most 100)",
        hint: "write the values out instead of *aliases",
      }],
    };
  }
  const parsed = RecipeSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportIssue(issue, add, data);
    return { diagnostics };
  }
  const recipe = parsed.data;
  checkRecipe(recipe, add);
  const hasErrors = diagnostics.some((d) => d.severity === "error");
  return { recipe: hasErrors ? undefined : recipe, diagnostics };
}

type Add = (
  severity: Diagnostic["severity"],
  rule: string,
  path: Path,
  message: string,
  hint: string,
  key?: boolean | string,
) => void;

const KNOWN_KEYS: Record<string, string[]> = {
  "": Object.keys(RecipeSchema.shape),
};

function reportIssue(issue: z.core.$ZodIssue, add: Add, data: unknown): void {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const where = path.length === 0 ? "the recipe" : path.join(".");
  if (issue.code === "unrecognized_keys") {
    for (const key of issue.keys) {
      const known = knownKeysAt(path);
      const near = didYouMean(key, known);
      add(
        "error",
        "unknown-key",
        [...path, key],
        `unknown key "${key}" in ${where}`,
        near.length > 0
          ? `did you mean "${near[0]}"?`
          : `remove it; known keys: ${known.join(", ")}`,
        true,
      );
    }
    return;
  }
  if (issue.code === "invalid_type" && valueAt(data, path) === undefined) {
    add("error", "missing-key", path, `${where} is required`, `add ${path.at(-1)}: <value>`);
    return;
  }
  add("error", "recipe-schema", path, `${where}: ${issue.message}`, hintFor(path));
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function knownKeysAt(path: Path): string[] {
  const top = path.filter((p) => typeof p === "string").join(".");
  const keys: Record<string, string[]> = {
    ...KNOWN_KEYS,
    parameters: ["name", "type", "values", "required", "default", "description", "validation"],
    preconditions: ["check", "args", "script", "message", "fallback"],
    steps: [
      "id",
      "name",
      "command",
      "description",
      "confirmation",
      "risk_level",
      "timeout",
      "expect",
    ],
    "steps.expect": ["exit_code", "output_contains"],
    verification: ["check", "expect", "message"],
    "verification.expect": ["exit_code", "output_contains", "json_path", "contains", "equals"],
    rollback: ["command", "description", "step"],
    triggers: ["keywords", "intent", "context"],
    "triggers.context": ["has_files"],
  };
  return keys[top] ?? [];
}

function hintFor(path: Path): string {
  const key = String(path.findLast((p) => typeof p === "string") ?? "");
  const hints: Record<string, string> = {
    type: "use one of string, bool, number, enum",
    check: "use command_exists, env_set, file_exists or custom (verification: a command)",
    confirmation: "use auto, prompt or always",
    risk_level: "use low, medium, high or critical",
    timeout: "give seconds as a number, e.g. timeout: 600",
    exit_code: "give an integer 0-255",
    id: "use lowercase letters, digits and hyphens, e.g. backup-dir",
    steps: "add at least one step with id, name and command",
    name: "give a name",
    version: 'quote it so YAML reads text, e.g. version: "1.0.0"',
  };
  return hints[key] ?? "see the recipe format in docs/authoring.md";
}

function checkRecipe(recipe: Recipe, add: Add): void {
  if (!semver.valid(recipe.version)) {
    add(
      "error",
      "version-semver",
      ["version"],
      `version "${recipe.version}" is not semver`,
      "write three numbers, e.g. version: 1.0.0",
    );
  }
  const params = new Map<string, number>();
  recipe.parameters.forEach((p, i) => {
    if (params.has(p.name)) {
      add(
        "error",
        "duplicate-parameter",
        ["parameters", i, "name"],
        `parameter "${p.name}" is declared twice`,
        "rename or remove one of them",
      );
    }
    params.set(p.name, i);
    checkParameter(p, i, add);
  });

  const checkRefs = (text: string | undefined, path: Path, isCommand: boolean) => {
    if (text === undefined) return;
    for (const ref of templateReferences(text)) {
      if (!params.has(ref.name)) {
        const near = didYouMean(ref.name, [...params.keys()]);
        add(
          "error",
          "unknown-parameter",
          path,
          `{{${ref.name}}} refers to no parameter`,
          near.length > 0
            ? `did you mean {{${near[0]}}}?`
            : `declare it under parameters, or remove the reference`,
          text.slice(ref.offset, text.indexOf("}}", ref.offset) + 2),
        );
      } else if (isCommand && unsafeReferenceContext(text, ref.offset) !== null) {
        add(
          "error",
          "unsafe-parameter-context",
          path,
          `{{${ref.name}}} is ${
            unsafeReferenceContext(text, ref.offset)
          }: its value could become shell syntax`,
          `write {{${ref.name}}} outside quotes; values are shell-quoted already`,
        );
      }
    }
  };

  recipe.preconditions.forEach((pre, i) => {
    pre.args.forEach((arg, j) => checkRefs(arg, ["preconditions", i, "args", j], false));
    checkRefs(pre.script, ["preconditions", i, "script"], true);
    checkRefs(pre.message, ["preconditions", i, "message"], false);
    checkRefs(pre.fallback, ["preconditions", i, "fallback"], false);
    if (pre.check === "custom" && pre.args.length === 0 && pre.script === undefined) {
      add(
        "error",
        "precondition-custom",
        ["preconditions", i, "check"],
        "a custom precondition needs args (a program and its arguments) or a script",
        'add script: "test -d .git" or args: [test, -d, .git]',
      );
    } else if (pre.check !== "custom" && pre.script !== undefined) {
      add(
        "error",
        "precondition-script",
        ["preconditions", i, "script"],
        `script is only read by check: custom, not ${pre.check}`,
        "move the command to a custom precondition",
      );
    } else if (pre.check !== "custom" && pre.args.length === 0) {
      add(
        "error",
        "precondition-args",
        ["preconditions", i, "check"],
        `${pre.check} needs args naming what to check`,
        pre.check === "env_set" ? "args: [AWS_PROFILE]" : "args: [tar]",
      );
    } else if (pre.check === "env_set") {
      pre.args.forEach((name, j) => {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          add(
            "error",
            "precondition-env",
            ["preconditions", i, "args", j],
            `"${name}" is not an environment variable name`,
            "use letters, digits and _",
          );
        }
      });
    }
  });

  const steps = new Map<string, number>();
  recipe.steps.forEach((step, i) => {
    if (steps.has(step.id)) {
      add(
        "error",
        "duplicate-step-id",
        ["steps", i, "id"],
        `step id "${step.id}" is used twice (first at step ${(steps.get(step.id) ?? 0) + 1})`,
        "give every step its own id",
      );
    }
    steps.set(step.id, i);
    checkRefs(step.command, ["steps", i, "command"], true);
    checkRefs(step.expect.output_contains, ["steps", i, "expect", "output_contains"], false);
  });

  recipe.verification.forEach((v, i) => {
    checkRefs(v.check, ["verification", i, "check"], true);
    checkRefs(v.message, ["verification", i, "message"], false);
    checkRefs(v.expect.output_contains, ["verification", i, "expect", "output_contains"], false);
    const e = v.expect;
    if (e.json_path !== undefined) {
      if (e.contains === undefined && e.equals === undefined) {
        add(
          "error",
          "json-path",
          ["verification", i, "expect", "json_path"],
          "json_path needs contains or equals to compare with",
          "add equals: <value> or contains: <text>",
        );
      }
      if (!e.json_path.startsWith("$")) {
        add(
          "error",
          "json-path",
          ["verification", i, "expect", "json_path"],
          `json_path "${e.json_path}" does not start at the root $`,
          "write it like $.status or $.items[0].name",
        );
      }
      if (/[?()@]/.test(e.json_path)) {
        add(
          "error",
          "json-path",
          ["verification", i, "expect", "json_path"],
          `json_path "${e.json_path}" uses a script expression, which caro never evaluates`,
          "select by plain names and indexes, e.g. $.items[0].status",
        );
      }
    } else if (e.contains !== undefined || e.equals !== undefined) {
      add(
        "error",
        "json-path",
        ["verification", i, "expect"],
        "contains and equals compare a json_path match, but there is no json_path",
        "add json_path: $.field, or use output_contains",
      );
    }
  });

  recipe.rollback.forEach((r, i) => {
    checkRefs(r.command, ["rollback", i, "command"], true);
    if (r.step !== undefined && !steps.has(r.step)) {
      add(
        "error",
        "rollback-step",
        ["rollback", i, "step"],
        `rollback refers to step "${r.step}", which does not exist`,
        `use one of ${[...steps.keys()].join(", ")}`,
      );
    }
  });
}

function checkParameter(p: Recipe["parameters"][number], i: number, add: Add): void {
  if (p.type === "enum" && (p.values === undefined || p.values.length === 0)) {
    add(
      "error",
      "enum-values",
      ["parameters", i, "type"],
      `parameter "${p.name}" is an enum without values`,
      "add values: [a, b]",
    );
  } else if (p.type !== "enum" && p.values !== undefined) {
    add(
      "warning",
      "enum-values",
      ["parameters", i, "values"],
      `values are only read for type: enum, and "${p.name}" is ${p.type}`,
      "set type: enum, or remove values",
    );
  }
  if (p.validation !== undefined) {
    const problem = regexProblem(p.validation);
    if (problem) {
      add(
        "error",
        problem.includes("backtrack") ? "regex-backtracking" : "regex-invalid",
        ["parameters", i, "validation"],
        `the validation of "${p.name}" is refused: ${problem}`,
        "rewrite it without a repetition inside a repeated group, e.g. ^[a-z0-9-]+$",
      );
    }
  }
  if (p.required && p.default !== undefined) {
    add(
      "warning",
      "required-default",
      ["parameters", i, "default"],
      `"${p.name}" is required and has a default, so it is never asked for`,
      "remove required, or remove the default",
    );
  }
  if (p.default !== undefined) {
    const problem = valueProblem(p, String(p.default));
    if (problem) {
      add(
        "error",
        "default-invalid",
        ["parameters", i, "default"],
        `the default of "${p.name}" is invalid: ${problem}`,
        "change the default to a value the parameter accepts",
      );
    }
  }
}

/**
 * Why `value` is not acceptable for the parameter, or null: type (bool,
 * number), enum values, and the validation regex (matched as a whole).
 *
 * @example
 * ```ts
 * import { valueProblem } from "./parse.ts";
 * if (valueProblem({ type: "number" }, "12") !== null) throw new Error();
 * const why = valueProblem({ type: "string", validation: "v[0-9]+" }, "v1; id");
 * if (!why?.includes("does not match")) throw new Error(String(why));
 * ```
 */
export function valueProblem(
  p: Pick<Recipe["parameters"][number], "type" | "values" | "validation">,
  value: string,
): string | null {
  if (p.type === "bool" && !BOOL_WORDS.has(value.toLowerCase())) {
    return `"${clip(value)}" is not a bool (true, false, yes, no, 1, 0)`;
  }
  if (p.type === "number" && (value.trim() === "" || !Number.isFinite(Number(value)))) {
    return `"${clip(value)}" is not a number`;
  }
  if (p.type === "enum" && p.values && !p.values.includes(value)) {
    return `"${clip(value)}" is not one of ${p.values.join(", ")}`;
  }
  if (p.validation !== undefined && regexProblem(p.validation) === null) {
    if (value.length > MAX_VALIDATED_LENGTH) {
      // Bounds the time of a backtracking pattern the static check let through.
      return `the value is ${value.length} characters; a validated value has at most ${MAX_VALIDATED_LENGTH}`;
    }
    if (!matchesRegex(p.validation, value)) {
      return `"${clip(value)}" does not match ${p.validation}`;
    }
  }
  return null;
}

const BOOL_WORDS = new Set(["true", "false", "yes", "no", "1", "0"]);

function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

/** Where the node at `path` ends in the source, when the whole path resolves. */
function nodeEnd(root: unknown, path: Path): number | undefined {
  let node = root as Node | null | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
      node = pair?.value as Node | null | undefined;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment] as Node | undefined;
    } else {
      return undefined;
    }
  }
  return node?.range?.[1];
}

/** The offset of the node at `path` (its key with `key`), or of the nearest parent found. */
function offsetOf(root: unknown, path: Path, key: boolean): number | undefined {
  let node = root as Node | null | undefined;
  let best = (node as Node | undefined)?.range?.[0];
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
      if (!pair) return best;
      const keyNode = pair.key as Node;
      if (i === path.length - 1 && key) return keyNode.range?.[0] ?? best;
      node = pair.value as Node | null;
      best = node?.range?.[0] ?? keyNode.range?.[0] ?? best;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment] as Node | undefined;
      if (!node) return best;
      best = node.range?.[0] ?? best;
    } else {
      return best;
    }
  }
  return best;
}
