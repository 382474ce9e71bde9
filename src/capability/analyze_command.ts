/**
 * Static analysis of a shell command line: every program it would run and
 * every file it redirects to, or the reasons it cannot be analysed.
 *
 * @module
 */
import {
  loadedShellParser,
  loadShellParser,
  type ShellNode,
  type ShellParser,
} from "./_shell_parser.ts";
import {
  dangerousVariable,
  holdsCode,
  type Judge,
  type ProgramKind,
  programName,
  ruleFor,
  type Word,
} from "./_rules/mod.ts";

export type { ProgramKind, Word };

/** One program a command line would run. */
export interface ProgramUse {
  /** The program's name: the basename of what is written, unquoted. */
  name: string;
  /** The command name as the line spells it after unquoting (`/bin/rm`). */
  written: string;
  /** Its arguments; null where computed at run time. */
  args: Word[];
  /** How it is reached (`sudo`, `bash -c`, `find -exec`, `git core.pager`), or null. */
  via: string | null;
  /** `program` must pass the allowlist; `builtin` and `wrapper` need not. */
  kind: ProgramKind;
}

/** A file the line would open: a redirection, or a file an escape writes (`sed w`). */
export interface FileAccess {
  /** The path as written (with `~` and `$CARO_*` unexpanded), null when computed. */
  path: string | null;
  /** The source text it came from. */
  written: string;
  /** Whether the file is written (`>`, `>>`, `&>`, `<>`) rather than read (`<`). */
  write: boolean;
  /** What opens it, or null for a redirection of the line itself. */
  via: string | null;
}

/** The result of {@link analyzeCommand}. */
export interface CommandAnalysis {
  /** Every program the line would run, nested ones included, in source order. */
  programs: ProgramUse[];
  /** Every file redirection and file an escape opens. */
  files: FileAccess[];
  /** Why the line cannot be analysed statically; empty when it can. */
  problems: string[];
}

/** Deepest nesting of strings parsed as shell (`bash -c "sh -c '…'"`). */
const MAX_DEPTH = 8;
/** Longest line analysed; longer ones are refused rather than parsed. */
const MAX_LENGTH = 64 * 1024;
/** Variables a redirection target may use: the path rules expand them. */
const PATH_VARIABLES = /^\$\{?(CARO_PROJECT_ROOT|CARO_CACHE|HOME)\}?$/;
/** Node types the analysis acts on; everything else only nests them. */
const INTERESTING = [
  "command",
  "declaration_command",
  "file_redirect",
  "variable_assignment",
  "test_command",
  "expansion",
];
const REDIRECTS: ReadonlySet<string> = new Set([
  "file_redirect",
  "heredoc_redirect",
  "herestring_redirect",
]);
/**
 * Words made only of these characters need no shell parsing: no quotes,
 * expansions, globs, operators, redirections, comments or tildes.
 */
const PLAIN_WORD = /^[\w./:%@+,=-]+$/;
const SIMPLE_LINE = /^[ \t]*[\w./:%@+,=-]+(?:[ \t]+[\w./:%@+,=-]+)*[ \t]*$/;

/**
 * The words of a line that is one simple command of plain words (the common
 * `less -R`, `ssh -W %h:%p bastion`, `aws s3 ls`), split without the parser;
 * null when the line needs the parser (a leading `NAME=` is an assignment).
 */
function simpleWords(text: string): string[] | null {
  if (!SIMPLE_LINE.test(text)) return null;
  const words = text.trim().split(/[ \t]+/);
  return words[0].includes("=") ? null : words;
}

/** The stdin of a command, computed only if a rule asks (most never do). */
class LazyStdin {
  constructor(readonly command: ShellNode, readonly hasRedirect: boolean) {}
}

/**
 * Finds every program a shell line would run (pipelines, lists, subshells,
 * substitutions, here-docs fed to shells, `-c` strings, wrappers such as
 * `sudo`/`env`/`xargs`/`find -exec`, and GTFOBins escapes such as `git -c
 * core.pager=`), the files it redirects to, and anything that cannot be
 * decided statically. Loads the bash grammar on first use.
 *
 * @param command The command line, as a shell would receive it.
 * @returns Programs, file accesses and problems; the line is safe to judge only when `problems` is empty.
 *
 * @example
 * ```ts
 * import { analyzeCommand } from "./analyze_command.ts";
 * // Loading the grammar reads its .wasm from the npm cache, which needs --allow-read.
 * if ((await Deno.permissions.query({ name: "read" })).state === "granted") {
 *   const a = await analyzeCommand("sudo \\rm -rf / | aws s3 ls > out.txt; eval $x");
 *   const names = a.programs.map((p) => p.name).join();
 *   if (names !== "sudo,rm,aws,eval") throw new Error(names);
 *   if (a.files[0].path !== "out.txt" || !a.files[0].write) throw new Error();
 *   if (!a.problems[0].startsWith("eval")) throw new Error(a.problems[0]);
 * }
 * ```
 */
export async function analyzeCommand(command: string): Promise<CommandAnalysis> {
  const parser = loadedShellParser() ?? await loadShellParser();
  const analysis = new Analysis(parser);
  if (command.length > MAX_LENGTH) {
    analysis.problem(`the line is longer than ${MAX_LENGTH} characters`);
  } else analysis.source(command, null);
  analysis.finish();
  return { programs: analysis.programs, files: analysis.files, problems: analysis.problems };
}

/** Walks parse trees and implements the {@link Judge} the program rules report to. */
class Analysis implements Judge {
  readonly programs: ProgramUse[] = [];
  readonly files: FileAccess[] = [];
  readonly problems: string[] = [];
  #stdin: Word | undefined | LazyStdin = undefined;
  #depth = 0;
  #via: string | null = null;

  constructor(readonly parser: ShellParser) {}

  problem(reason: string): void {
    const text = this.#via && !reason.includes(this.#via) ? `${reason} (in ${this.#via})` : reason;
    if (!this.problems.includes(text)) this.problems.push(text);
  }

  access(path: Word, write: boolean, via: string): void {
    this.files.push({ path, written: path ?? "(computed)", write, via });
  }

  assign(name: string, value: Word): void {
    const danger = dangerousVariable(name);
    if (danger) this.problem(danger);
    if (holdsCode(value)) {
      this.problem(
        `${name} holds shell code, which arithmetic or prompt expansion would run`,
      );
    }
  }

  /** Parses `text` and walks it; `via` names what runs it. */
  source(text: string, via: string | null): void {
    if (this.#depth >= MAX_DEPTH) {
      this.problem(`commands are nested more than ${MAX_DEPTH} levels deep`);
      return;
    }
    const simple = simpleWords(text);
    const tree = simple ? null : this.parser.parse(text);
    const savedVia = this.#via;
    this.#depth++;
    this.#via = via;
    try {
      if (simple) {
        this.#program(simple[0], simple.slice(1), via, undefined);
        return;
      }
      if (!tree) return;
      const root = tree.rootNode;
      if (root.hasError) {
        this.problem(`${via ? `${via}: ` : ""}the line does not parse as shell${near(root)}`);
        return;
      }
      this.#walk(root);
    } finally {
      this.#depth--;
      this.#via = savedVia;
      tree?.delete();
    }
  }

  script(text: Word, via: string): void {
    if (text === null) this.problem(`${via} runs a command computed at run time`);
    else this.source(text, via);
  }

  words(text: string): Word[] | null {
    const simple = simpleWords(text);
    if (simple) return simple;
    const tree = this.parser.parse(text);
    try {
      const root = tree.rootNode;
      const only = root.namedChildren;
      if (root.hasError || only.length !== 1 || only[0]?.type !== "command") return null;
      const command = only[0];
      const name = command.childForFieldName("name");
      if (!name || command.namedChildren.some((c) => c?.type === "variable_assignment")) {
        return null;
      }
      return [name, ...command.childrenForFieldName("argument")].map((n) => staticValue(n, n.type));
    } finally {
      tree.delete();
    }
  }

  run(argv: Word[], via: string): void {
    this.#run(argv, via, undefined);
  }

  pass(argv: Word[], via: string): void {
    this.#run(argv, via, this.#stdin);
  }

  #run(argv: Word[], via: string, stdin: Word | undefined | LazyStdin): void {
    const written = argv[0];
    if (written === undefined) return;
    const label = this.#via ? `${this.#via} > ${via}` : via;
    if (written === null) {
      this.problem(`the command name run by ${label} is computed at run time`);
      return;
    }
    this.#program(written, argv.slice(1), label, stdin);
  }

  /** What the program being judged reads on stdin (see {@link Judge.stdin}). */
  get stdin(): Word | undefined {
    if (this.#stdin instanceof LazyStdin) {
      this.#stdin = stdinOf(this.#stdin.command, this.#stdin.hasRedirect);
    }
    return this.#stdin;
  }

  #program(
    written: string,
    args: Word[],
    via: string | null,
    stdin: Word | undefined | LazyStdin,
  ): void {
    const name = programName(written);
    if (name === null) {
      this.problem(`the command name ${JSON.stringify(written)} is a pattern expanded at run time`);
      return;
    }
    const use: ProgramUse = { name, written, args, via, kind: "program" };
    this.programs.push(use);
    const rule = ruleFor(name);
    if (!rule) return;
    const saved = this.#stdin;
    this.#stdin = stdin;
    try {
      use.kind = rule(args, this, name);
    } finally {
      this.#stdin = saved;
    }
  }

  /** Cross-line checks once every program and file is known. */
  finish(): void {
    // After cd/pushd/popd a relative target no longer means the checked path.
    const moves = this.programs.find((p) => ["cd", "pushd", "popd"].includes(p.name));
    if (!moves) return;
    for (const file of this.files) {
      if (file.path !== null && !/^[/~$]/.test(file.path)) {
        this.problem(`the relative path ${file.path} is opened after ${moves.name} changed folder`);
      }
    }
  }

  /**
   * Visits the nodes that matter wherever they are nested (lists, pipelines,
   * subshells, substitutions, here-doc bodies…): one native tree walk finds
   * them all, which costs far less than visiting every node from JS.
   */
  #walk(root: ShellNode): void {
    for (const node of root.descendantsOfType(INTERESTING)) {
      if (!node) continue;
      switch (node.type) {
        case "command":
          this.#command(node);
          break;
        case "file_redirect":
          this.#redirect(node);
          break;
        case "variable_assignment": {
          const name = node.childForFieldName("name")?.text ?? "";
          const value = node.childForFieldName("value");
          this.assign(name, value ? staticValue(value, value.type) : "");
          break;
        }
        case "test_command":
          for (const literal of node.descendantsOfType(["raw_string", "ansi_c_string"])) {
            if (literal && holdsCode(staticValue(literal, literal.type))) {
              this.problem(`the test ${literal.text} is given shell code, which it may evaluate`);
            }
          }
          break;
        case "declaration_command":
          this.#declaration(node);
          break;
        case "expansion":
          if (/@P\}$/.test(node.text)) {
            this.problem(
              `${node.text}: @P expansion runs command substitutions held in a variable`,
            );
          }
          break;
      }
    }
  }

  /** `declare`/`local`/`export`/…: the assignments are visited by #walk; flags and literals here. */
  #declaration(node: ShellNode): void {
    const keyword = node.text.split(/\s/)[0];
    // Flags are anonymous tokens in the grammar: read them from the text.
    const flags = node.text.slice(keyword.length).trim().split(/\s+/).filter((w) =>
      /^[-+]/.test(w)
    );
    if (flags.some((f) => /^-[a-zA-Z]*n/.test(f))) {
      this.problem(`${keyword} -n makes a nameref, which hides which variable is set`);
    }
    for (const child of node.namedChildren) {
      if (!child) continue;
      const type = child.type;
      if (type === "variable_assignment") continue;
      const value = staticValue(child, type);
      if (holdsCode(value)) {
        this.problem(`${keyword} is given shell code in a literal, which it may evaluate`);
      } else if (value !== null && /^[A-Za-z_][A-Za-z0-9_]*\[/.test(value)) {
        this.assign(value, "");
      }
    }
  }

  #command(node: ShellNode): void {
    // Nested substitutions, assignments and redirections are visited by #walk.
    let nameNode: ShellNode | null = null;
    let hasRedirect = false;
    const args: Word[] = [];
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (nameNode) {
        // After the name, a child of plain characters can only be a word: its
        // text is its value, which saves a wasm call for its type.
        const text = child.text;
        if (PLAIN_WORD.test(text)) {
          args.push(text);
          continue;
        }
      }
      const type = child.type;
      if (type === "command_name") nameNode = child;
      else if (REDIRECTS.has(type)) hasRedirect = true;
      else if (type !== "variable_assignment") args.push(staticValue(child, type));
    }
    if (!nameNode) return;
    const written = staticValue(nameNode, "command_name");
    if (written === null) {
      this.problem(`the command name ${nameNode.text} is computed at run time`);
      return;
    }
    this.#program(written, args, this.#via, new LazyStdin(node, hasRedirect));
  }

  #redirect(node: ShellNode): void {
    const { op, dest } = redirectParts(node);
    if (!dest) return;
    // `2>&1`, `>&-`: duplicating or closing a descriptor opens no file.
    if ((op === ">&" || op === "<&") && (dest.type === "number" || dest.text === "-")) return;
    this.files.push({
      path: pathValue(dest),
      written: dest.text,
      write: op !== "<",
      via: this.#via,
    });
  }
}

/** The operator of a redirection (`>`, `>>`, `<`, `&>`, `>&`, `<>`, …) and its target. */
function redirectParts(node: ShellNode): { op: string; dest: ShellNode | null } {
  // The operator is the text between the optional descriptor and the target;
  // slicing it avoids a wasm call per anonymous child.
  const named = node.namedChildren;
  const last = named[named.length - 1] ?? null;
  // `2>&-` has only its descriptor as a named child: no target.
  const dest = last && !(named.length === 1 && last.type === "file_descriptor") ? last : null;
  if (!dest) return { op: node.text.replace(/^\d+/, ""), dest: null };
  const first = named[0];
  const from = first && first !== dest && first.type === "file_descriptor"
    ? first.endIndex - node.startIndex
    : 0;
  const op = node.text.slice(from, dest.startIndex - node.startIndex).replace(/\s+/g, "");
  return { op, dest };
}

/** ` near "…"` pointing at the first error node, for the reason text. */
function near(root: ShellNode): string {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "ERROR" || node.isMissing) {
      return ` near ${JSON.stringify(node.text.slice(0, 40) || node.type)}`;
    }
    for (const child of [...node.children].reverse()) if (child) stack.push(child);
  }
  return "";
}

/** What a command reads on stdin: a here-doc or here-string, null if computed, else undefined. */
function stdinOf(command: ShellNode, hasRedirect: boolean): Word | undefined {
  const redirects = hasRedirect ? [...command.childrenForFieldName("redirect")] : [];
  const parent = command.parent;
  if (
    parent?.type === "redirected_statement" &&
    parent.childForFieldName("body")?.startIndex === command.startIndex
  ) {
    redirects.push(...parent.childrenForFieldName("redirect"));
  }
  let stdin: Word | undefined = undefined;
  for (const r of redirects) {
    if (r.type === "heredoc_redirect") stdin = heredocText(r);
    else if (r.type === "herestring_redirect") {
      const value = r.namedChildren[0];
      stdin = value ? staticValue(value, value.type) : null;
    } else if (r.type === "file_redirect" && redirectParts(r).op === "<") {
      const fd = r.childForFieldName("descriptor")?.text ?? "0";
      if (fd === "0") stdin = null;
    }
  }
  return stdin;
}

function heredocText(redirect: ShellNode): Word {
  const start = redirect.namedChildren.find((c) => c?.type === "heredoc_start");
  const body = redirect.namedChildren.find((c) => c?.type === "heredoc_body");
  if (!body) return "";
  const quoted = start ? /['"\\]/.test(start.text) : false;
  // An unquoted here-doc expands $… and `…`: its text is known only without them.
  if (!quoted && body.namedChildren.length > 0) return null;
  return body.text;
}

/** The value of a word when it is static (quotes and escapes removed), else null. */
function staticValue(node: ShellNode, type: string): Word {
  switch (type) {
    case "word": {
      const text = node.text;
      return text.includes("\\") ? text.replace(/\\\n/g, "").replace(/\\(.)/gs, "$1") : text;
    }
    case "number":
      return node.text;
    case "raw_string":
      return node.text.slice(1, -1);
    case "string":
    case "translated_string": {
      const text = type === "string" ? node.text : node.text.slice(1);
      if (node.namedChildren.some((c) => c?.type !== "string_content")) return null;
      const body = text.slice(1, -1);
      return body.includes("\\") ? body.replace(/\\\n/g, "").replace(/\\([\\"$`])/g, "$1") : body;
    }
    case "ansi_c_string":
      return decodeAnsiC(node.text.slice(2, -1));
    case "command_name":
    case "concatenation": {
      let out = "";
      for (const child of node.namedChildren) {
        const value = child ? staticValue(child, child.type) : null;
        if (value === null) return null;
        out += value;
      }
      return out;
    }
    default:
      return null;
  }
}

/** Like {@link staticValue}, keeping `$CARO_PROJECT_ROOT`, `$CARO_CACHE`, `$HOME` for the path rules. */
function pathValue(node: ShellNode): Word {
  const type = node.type;
  // An unquoted glob or brace in a target expands to whatever file matches,
  // which may be a symlink leading out of the granted roots.
  if (type === "word" && /[*?[{]/.test(node.text)) return null;
  if ((type === "simple_expansion" || type === "expansion") && PATH_VARIABLES.test(node.text)) {
    return node.text;
  }
  if (type === "string" || type === "concatenation") {
    let out = "";
    let covered = 0;
    for (const child of node.namedChildren) {
      if (!child) continue;
      const childType = child.type;
      const value = childType === "string_content"
        ? child.text.replace(/\\([\\"$`])/g, "$1")
        : pathValue(child);
      if (value === null) return null;
      out += value;
      covered += child.text.length;
    }
    const quotes = type === "string" ? 2 : 0;
    return covered + quotes === node.text.length ? out : staticValue(node, type);
  }
  return staticValue(node, type);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "?": "?",
};

/** Decodes the body of a `$'…'` string as bash does. */
function decodeAnsiC(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/gs,
    (_m, e: string) => {
      if (e[0] === "x" && e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
      if ((e[0] === "u" || e[0] === "U") && e.length > 1) {
        return String.fromCodePoint(parseInt(e.slice(1), 16));
      }
      if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
      if (e[0] === "c" && e.length > 1) return String.fromCharCode(e.charCodeAt(1) & 0x1f);
      return SIMPLE_ESCAPES[e] ?? `\\${e}`;
    },
  );
}
