/**
 * Lazy loader of the bash grammar (web-tree-sitter + tree-sitter-bash). Only
 * type imports at the top: the wasm runtime is loaded by the first
 * {@link loadShellParser} call, so programs that never check a command do not
 * pay for it.
 *
 * @module
 */
import type { Node, Parser } from "web-tree-sitter";
import { SkillError } from "../errors/mod.ts";

export type { Node as ShellNode };

/** A ready bash parser. */
export interface ShellParser {
  /** Parses a script; the caller must call `delete()` on the returned tree. */
  parse(source: string): { rootNode: Node; delete(): void };
}

let loading: Promise<ShellParser> | undefined;
let loaded: ShellParser | undefined;

/** The parser if it is already loaded (saves an await per check), else undefined. */
export function loadedShellParser(): ShellParser | undefined {
  return loaded;
}

/**
 * The shared bash parser, loaded on first use. The grammar .wasm is read as
 * bytes from the tree-sitter-bash package folder (deno's npm cache).
 */
export function loadShellParser(): Promise<ShellParser> {
  loading ??= load().catch((cause) => {
    loading = undefined;
    throw new SkillError("internal", "Cannot load the shell parser", {
      why: String(cause),
      cause,
    });
  });
  return loading;
}

async function load(): Promise<ShellParser> {
  // The JSON import puts tree-sitter-bash in deno's module graph so its folder
  // is downloaded and import.meta.resolve gives a file: URL for the .wasm.
  await import("tree-sitter-bash/package.json", { with: { type: "json" } });
  const { Parser: ParserClass, Language } = await import("web-tree-sitter");
  await ParserClass.init();
  const grammarUrl = new URL(import.meta.resolve("tree-sitter-bash/tree-sitter-bash.wasm"));
  const bash = await Language.load(await Deno.readFile(grammarUrl));
  const parser: Parser = new ParserClass();
  parser.setLanguage(bash);
  return loaded = {
    parse(source: string) {
      const tree = parser.parse(source);
      if (tree === null) {
        throw new SkillError("internal", "The shell parser returned no tree");
      }
      return tree;
    },
  };
}
