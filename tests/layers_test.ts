/**
 * The dependency direction of `src/` (issue 11): reads every import in `src/`
 * and fails on an import that goes up or sideways between folders, one that
 * reaches past another folder's `mod.ts`, and any circle between folders.
 *
 * The folder directly under `src/` is the unit. Inside a folder anything goes
 * (private `_files`, sub-folders); between folders only the table below and the
 * folder's door. `*_test.ts` files and `testdata/` are not read: tests may
 * reach into what they test.
 */
import { deepStrictEqual, fail } from "node:assert/strict";
import { dirname, join } from "node:path";

/**
 * Ranks of the folders under `src/`, lowest first. An import between folders
 * must go to a STRICTLY lower rank; one folder may not import another of the
 * same rank. It mirrors the layers of the architecture sketch (ARCHITECTURE.md,
 * "Layers"): `cli → ops → concepts → leaves → ground`, with the leaves split
 * where one really builds on another (capability reads config, manifest and
 * lockfile use tree and capability). A new folder gets its rank here on
 * purpose: the test fails until it has one. Change a rank only together with
 * the sketch.
 */
const LAYERS: ReadonlyArray<readonly [rank: number, folders: readonly string[]]> = [
  [0, ["errors", "suggest"]], // ground: error types, redaction, "did you mean"
  [1, ["process", "terminal"]], // edges: Runner, Prompter
  [2, ["config", "tree"]], // leaves: config.toml, the one walker and tree hash
  [3, ["capability"]], // the enforcer and its rules
  [4, ["manifest", "lockfile"]], // file formats that carry capabilities and tree hashes
  [5, ["store", "sources", "recipe", "context", "sandbox", "wasm", "registry", "agent"]], // concepts
  [6, ["ops"]], // what users do
  [7, ["cli"]], // declares commands, calls one ops function, prints
];

const RANK: ReadonlyMap<string, number> = new Map(
  LAYERS.flatMap(([rank, folders]) => folders.map((f) => [f, rank] as const)),
);

const REPO = new URL("..", import.meta.url).pathname;
const SRC = "src";

// ---------------------------------------------------------------------------
// The scanner: a small tokenizer that drops comments and keeps strings whole,
// so `@example` blocks in doc comments and import-looking text inside strings
// or templates are never read as imports.
// ---------------------------------------------------------------------------

/** One import or export-from found in a source text. */
interface FoundImport {
  specifier: string;
  /** 1-based line of the specifier. */
  line: number;
  kind: "import" | "export" | "dynamic";
}

interface Token {
  kind: "name" | "string" | "template" | "number" | "regex" | "punct";
  text: string;
  line: number;
  /** The value of a string, or of a template without `${}`. */
  value?: string;
}

/** Keywords after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

function isNameStart(c: string): boolean {
  return /[A-Za-z_$#\u0080-\uffff]/.test(c);
}
function isNamePart(c: string): boolean {
  return /[\w$\u0080-\uffff]/.test(c);
}

function unescape(raw: string): string {
  return raw.replace(/\\(.)/g, "$1");
}

/** Splits TypeScript source into tokens, leaving out comments and whitespace. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  // Open `${` of templates: each entry counts the `{` opened inside that
  // substitution, so its closing `}` is told apart from an object's.
  const substitutions: number[] = [];
  let i = 0;
  let line = 1;
  if (source.startsWith("#!")) i = source.indexOf("\n") < 0 ? source.length : source.indexOf("\n");

  const push = (kind: Token["kind"], start: number, startLine: number, value?: string) =>
    tokens.push({ kind, text: source.slice(start, i), line: startLine, value });

  /** Reads template text from `i` (after "`" or "}") to "`" or "${". */
  const readTemplate = (start: number, startLine: number, isHead: boolean) => {
    while (i < source.length) {
      const c = source[i];
      if (c === "\\") {
        if (source[i + 1] === "\n") line++;
        i += 2;
      } else if (c === "`") {
        i++;
        const whole = isHead ? unescape(source.slice(start + 1, i - 1)) : undefined;
        return push("template", start, startLine, whole);
      } else if (c === "$" && source[i + 1] === "{") {
        i += 2;
        substitutions.push(0);
        return push("template", start, startLine);
      } else {
        if (c === "\n") line++;
        i++;
      }
    }
    push("template", start, startLine);
  };

  const regexAllowed = () => {
    const prev = tokens.at(-1);
    if (!prev) return true;
    if (prev.kind === "name") return BEFORE_REGEX.has(prev.text);
    if (prev.kind === "punct") return prev.text !== ")" && prev.text !== "]";
    return false;
  };

  while (i < source.length) {
    const c = source[i];
    const start = i;
    const startLine = line;
    if (c === "\n") {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === "/" && source[i + 1] === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? source.length : end + 2;
      for (; i < stop; i++) if (source[i] === "\n") line++;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < source.length && source[i] !== c && source[i] !== "\n") {
        if (source[i] === "\\") {
          if (source[i + 1] === "\n") line++;
          i++;
        }
        i++;
      }
      i++;
      push("string", start, startLine, unescape(source.slice(start + 1, i - 1)));
    } else if (c === "`") {
      i++;
      readTemplate(start, startLine, true);
    } else if (c === "}" && substitutions.length > 0 && substitutions.at(-1) === 0) {
      substitutions.pop();
      i++;
      readTemplate(start, startLine, false);
    } else if (c === "/" && regexAllowed()) {
      // A regex ends at its unescaped `/` outside a [class]; a newline also
      // ends it, so a wrong guess costs at most the rest of one line.
      let inClass = false;
      i++;
      while (i < source.length && source[i] !== "\n") {
        const r = source[i];
        if (r === "\\") i++;
        else if (r === "[") inClass = true;
        else if (r === "]") inClass = false;
        else if (r === "/" && !inClass) break;
        i++;
      }
      i++;
      while (i < source.length && isNamePart(source[i])) i++;
      push("regex", start, startLine);
    } else if (isNameStart(c)) {
      i++;
      while (i < source.length && isNamePart(source[i])) i++;
      push("name", start, startLine);
    } else if (/\d/.test(c) || (c === "." && /\d/.test(source[i + 1] ?? ""))) {
      i++;
      while (i < source.length && /[\w.]/.test(source[i])) i++;
      push("number", start, startLine);
    } else {
      if (substitutions.length > 0) {
        if (c === "{") substitutions[substitutions.length - 1]++;
        if (c === "}") substitutions[substitutions.length - 1]--;
      }
      i++;
      push("punct", start, startLine);
    }
  }
  return tokens;
}

/** The literal value of a string token, or of a template token without `${}`. */
function literal(token: Token | undefined): string | undefined {
  return token?.kind === "string" || token?.kind === "template" ? token.value : undefined;
}

/** Index after the `}` matching the `{` at `open`. */
function skipBraces(tokens: Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    if (tokens[j].kind !== "punct") continue;
    if (tokens[j].text === "{") depth++;
    if (tokens[j].text === "}" && --depth === 0) return j + 1;
  }
  return tokens.length;
}

/**
 * Every import and export-from specifier of a TypeScript text: `import … from`,
 * `import "…"`, `import type`, `export … from`, `export * from` and `import("…")`
 * with a literal; `import.meta`, `x.import(…)` and text in comments, strings and
 * templates are not imports.
 */
function scanImports(source: string): FoundImport[] {
  const tokens = tokenize(source);
  const found: FoundImport[] = [];
  const isName = (j: number, text?: string) =>
    tokens[j]?.kind === "name" && (text === undefined || tokens[j].text === text);
  const isPunct = (j: number, text: string) =>
    tokens[j]?.kind === "punct" && tokens[j].text === text;
  const record = (j: number, kind: FoundImport["kind"]) => {
    const specifier = literal(tokens[j]);
    if (specifier !== undefined) found.push({ specifier, line: tokens[j].line, kind });
  };

  for (let i = 0; i < tokens.length; i++) {
    if (isPunct(i - 1, ".")) continue; // obj.import(…), obj.export
    if (isName(i, "import")) {
      if (isPunct(i + 1, "(")) {
        if (isPunct(i + 3, ")") || isPunct(i + 3, ",")) record(i + 2, "dynamic");
        continue;
      }
      if (tokens[i + 1]?.kind === "string") {
        record(i + 1, "import");
        continue;
      }
      // import [type] [name][,] [{ … } | * as ns] from "…"
      let j = i + 1;
      while (j < tokens.length) {
        if (isName(j, "from") && tokens[j + 1]?.kind === "string") {
          record(j + 1, "import");
          break;
        }
        if (isName(j) || isPunct(j, ",") || isPunct(j, "*")) j++;
        else if (isPunct(j, "{")) j = skipBraces(tokens, j);
        else break;
      }
    } else if (isName(i, "export")) {
      // export [type] { … } from "…" | export [type] * [as ns] from "…"
      let j = i + 1;
      if (isName(j, "type")) j++;
      if (isPunct(j, "*")) {
        j++;
        if (isName(j, "as")) j += 2;
      } else if (isPunct(j, "{")) {
        j = skipBraces(tokens, j);
      } else {
        continue;
      }
      if (isName(j, "from") && tokens[j + 1]?.kind === "string") record(j + 1, "export");
    }
  }
  return found;
}

// ---------------------------------------------------------------------------
// Reading src/
// ---------------------------------------------------------------------------

/** One import between files of `src/`, paths relative to the repository. */
interface Edge {
  from: string;
  line: number;
  to: string;
  fromFolder: string;
  toFolder: string;
}

/** The `.ts` files under `dir` (relative to the repository), minus tests and testdata. */
async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(join(REPO, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory && entry.name !== "testdata") files.push(...await sourceFiles(path));
    if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
      files.push(path);
    }
  }
  return files.sort();
}

/** The unit of `path` (`src/store/x.ts` → `store`); a file directly in src/ is its own unit. */
function folderOf(path: string): string {
  return path.slice(SRC.length + 1).split("/")[0];
}

/** Every import from a file of src/ to another file of src/, in file and line order. */
async function readEdges(): Promise<Edge[]> {
  const edges: Edge[] = [];
  for (const from of await sourceFiles(SRC)) {
    const text = await Deno.readTextFile(join(REPO, from));
    for (const { specifier, line } of scanImports(text)) {
      // Bare specifiers (npm packages, node:, jsr:) are outside the layers;
      // JSON (deno.json for the version) is data, not code.
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) continue;
      if (specifier.endsWith(".json")) continue;
      const to = join(dirname(from), specifier);
      if (!to.startsWith(`${SRC}/`)) continue;
      edges.push({ from, line, to, fromFolder: folderOf(from), toFolder: folderOf(to) });
    }
  }
  return edges;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function where(e: Edge): string {
  return `${e.from}:${e.line} → ${e.to}`;
}

/** Groups lines under a heading per key, keys in first-seen order. */
function grouped(items: Array<readonly [key: string, line: string]>): string {
  const groups = new Map<string, string[]>();
  for (const [key, line] of items) groups.set(key, [...(groups.get(key) ?? []), line]);
  return [...groups].map(([key, lines]) => `  ${key}\n${lines.map((l) => `    ${l}`).join("\n")}`)
    .join("\n");
}

/** Strongly connected groups of more than one folder (Tarjan), each sorted. */
function circles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

/** A shortest circle through `start` inside `group`, as folders ending at `start` again. */
function shortestCircle(
  graph: ReadonlyMap<string, ReadonlySet<string>>,
  group: readonly string[],
  start: string,
): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!group.includes(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = parent.get(u)!) path.unshift(u);
        return [start, ...path];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

// ---------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------

Deno.test("src/ imports point down the layers, through each folder's mod.ts, with no circle", async (t) => {
  await t.step("the scanner reads imports, not comments or strings", () => {
    const text = [
      "/**",
      " * @example",
      " * ```ts",
      ' * import { parse } from "./mod.ts";',
      " * ```",
      " */",
      '// import "../commented/mod.ts";',
      'import { a } from "../static/mod.ts";',
      'import type { T } from "../type_only/mod.ts";',
      "import {",
      "  b,",
      "  type C,",
      '} from "../multi_line/mod.ts";',
      'export { x } from "./_x.ts";',
      'export type { Y } from "./_y.ts";',
      'export * as z from "./_z.ts";',
      'import "./side_effect.ts";',
      'const url = "http://host/*"; /* a comment after a string with // and /* in it */',
      'const text = `import q from "../in_template/mod.ts" ${"${"} ${1 + 1}`;',
      "const quote = /[\"'`]/g; const path = a / 2 / 3;",
      'const loaded = await import("../dynamic/mod.ts");',
      'const json = await import("../../deno.json", { with: { type: "json" } });',
      'const wasm = import.meta.resolve("./not_an_import.wasm");',
      'loader.import("../method_not_import/mod.ts");',
      "const key = { import: 1, export: 2 };",
      "type Lazy = typeof import('../type_query/mod.ts');",
    ].join("\n");
    deepStrictEqual(scanImports(text), [
      { specifier: "../static/mod.ts", line: 8, kind: "import" },
      { specifier: "../type_only/mod.ts", line: 9, kind: "import" },
      { specifier: "../multi_line/mod.ts", line: 13, kind: "import" },
      { specifier: "./_x.ts", line: 14, kind: "export" },
      { specifier: "./_y.ts", line: 15, kind: "export" },
      { specifier: "./_z.ts", line: 16, kind: "export" },
      { specifier: "./side_effect.ts", line: 17, kind: "import" },
      { specifier: "../dynamic/mod.ts", line: 21, kind: "dynamic" },
      { specifier: "../../deno.json", line: 22, kind: "dynamic" },
      { specifier: "../type_query/mod.ts", line: 26, kind: "dynamic" },
    ]);
  });

  const edges = await readEdges();
  const between = edges.filter((e) => e.fromFolder !== e.toFolder);

  await t.step("every folder under src/ has a rank", async () => {
    const unranked: string[] = [];
    for await (const entry of Deno.readDir(join(REPO, SRC))) {
      if (entry.isDirectory && !RANK.has(entry.name)) unranked.push(`${SRC}/${entry.name}/`);
      if (entry.isFile && entry.name.endsWith(".ts")) unranked.push(`${SRC}/${entry.name}`);
    }
    if (unranked.length === 0) return;
    fail(
      `${unranked.length} entr${unranked.length === 1 ? "y" : "ies"} of src/ ha${
        unranked.length === 1 ? "s" : "ve"
      } no rank in LAYERS (tests/layers_test.ts):\n` +
        unranked.sort().map((u) => `  ${u}`).join("\n") +
        "\nGive each folder a rank in LAYERS on purpose (and the same place in ARCHITECTURE.md's " +
        "layers), or move its files into a folder that has one; a .ts file directly in src/ " +
        "belongs in a folder.",
    );
  });

  await t.step("an import between folders goes to a strictly lower rank", () => {
    const bad = between.filter((e) =>
      RANK.has(e.fromFolder) && RANK.has(e.toFolder) &&
      RANK.get(e.toFolder)! >= RANK.get(e.fromFolder)!
    );
    if (bad.length === 0) return;
    const key = (e: Edge) => {
      const from = RANK.get(e.fromFolder)!;
      const to = RANK.get(e.toFolder)!;
      return `${e.fromFolder} (rank ${from}) → ${e.toFolder} (rank ${to}), ${
        to === from ? "sideways: same rank" : "upward"
      }:`;
    };
    fail(
      `${plural(bad.length, "import")} between folders ${
        bad.length === 1 ? "does" : "do"
      } not go down the ` +
        "layers (a folder may import only its own files and folders of a strictly lower rank, " +
        "LAYERS in tests/layers_test.ts):\n" +
        grouped(bad.map((e) => [key(e), where(e)])) +
        "\nMove the code that needs the higher folder up into it, or into ops/ if it is an " +
        "operation; or pass the value in from above. If a rank itself is wrong, change LAYERS " +
        "and ARCHITECTURE.md together.",
    );
  });

  await t.step("an import into another folder goes through that folder's mod.ts", () => {
    const bad = between.filter((e) => e.to !== `${SRC}/${e.toFolder}/mod.ts`);
    if (bad.length === 0) return;
    fail(
      `${plural(bad.length, "import")} ${
        bad.length === 1 ? "reaches" : "reach"
      } past another folder's mod.ts:\n` +
        grouped(
          bad.map((e) => [`into ${e.toFolder}/ (use ${SRC}/${e.toFolder}/mod.ts):`, where(e)]),
        ) +
        "\nImport from the folder's mod.ts. If the name is part of that folder's API, export it " +
        "there; if it is not, it belongs in the folder that needs it (or in a lower one).",
    );
  });

  await t.step("there is no circle between folders", () => {
    const graph = new Map<string, Set<string>>();
    for (const e of between) {
      graph.set(e.fromFolder, (graph.get(e.fromFolder) ?? new Set()).add(e.toFolder));
    }
    const found = circles(graph);
    if (found.length === 0) return;
    const report = found.map((group) => {
      const circle = shortestCircle(graph, group, group[0]);
      const inside = between.filter((e) =>
        group.includes(e.fromFolder) && group.includes(e.toFolder)
      );
      return `  circle of ${group.length} folders: ${group.join(", ")}\n` +
        `  shortest: ${circle.join(" → ")}\n` +
        `  every import between them:\n` +
        grouped(inside.map((e) => [`${e.fromFolder} → ${e.toFolder}:`, where(e)]))
          .replace(/^/gm, "  ");
    });
    fail(
      `${plural(found.length, "import circle")} between folders of src/:\n` +
        report.join("\n") +
        "\nBreak each circle where an import goes up (see the rank step): an operation that " +
        "lives inside a concept moves to ops/, shared low-level code moves down to a leaf " +
        "(tree/, config/, errors/).",
    );
  });
});
