// Finds where a key or value sits in a TOML source. Loaded only when a
// diagnostic needs a position, so valid manifests pay for smol-toml alone.

/** A 1-based position in a source text. */
export interface Position {
  line: number;
  column: number;
}

type KeyPath = ReadonlyArray<string | number>;

interface Located {
  path: string[];
  key: Position;
  value: Position;
}

interface AstNode {
  type: string;
  loc: { start: { line: number; column: number } };
  // deno-lint-ignore no-explicit-any
  [field: string]: any;
}

function position(node: AstNode): Position {
  return { line: node.loc.start.line, column: node.loc.start.column + 1 };
}

function collect(value: AstNode, path: string[], key: Position, out: Located[]): void {
  out.push({ path, key, value: position(value) });
  if (value.type === "TOMLInlineTable") {
    for (const kv of value.body as AstNode[]) collectKeyValue(kv, path, out);
  } else if (value.type === "TOMLArray") {
    (value.elements as AstNode[]).forEach((element, i) =>
      collect(element, [...path, String(i)], position(element), out)
    );
  }
}

function collectKeyValue(kv: AstNode, prefix: string[], out: Located[]): void {
  const names = (kv.key.keys as AstNode[]).map((k) => String(k.name ?? k.value));
  collect(kv.value, [...prefix, ...names], position(kv), out);
}

/**
 * Locates `path` (e.g. `["skill", "version"]`) in a TOML source: the value's
 * position (or the key's, with `at: "key"`), else the nearest enclosing table or
 * key that exists, else line 1.
 */
export async function locateTomlPath(
  source: string,
  path: KeyPath,
  at: "key" | "value" = "value",
): Promise<Position> {
  const { parseTOML } = await import("toml-eslint-parser");
  let program: AstNode;
  try {
    program = parseTOML(source) as unknown as AstNode;
  } catch {
    // The source already failed to parse and that error carries its own position.
    return { line: 1, column: 1 };
  }
  const found: Located[] = [];
  for (const top of program.body as AstNode[]) {
    for (const node of top.body as AstNode[]) {
      if (node.type === "TOMLKeyValue") {
        collectKeyValue(node, [], found);
        continue;
      }
      const tablePath = (node.resolvedKey as Array<string | number>).map(String);
      found.push({ path: tablePath, key: position(node), value: position(node) });
      for (const kv of node.body as AstNode[]) collectKeyValue(kv, tablePath, found);
    }
  }
  const target = path.map(String);
  for (let length = target.length; length > 0; length--) {
    const prefix = target.slice(0, length).join("\0");
    const hit = found.find((entry) => entry.path.join("\0") === prefix);
    if (hit) return length === target.length && at === "value" ? hit.value : hit.key;
  }
  return { line: 1, column: 1 };
}
