import { SkillError } from "../errors/mod.ts";
import { readRegularTextFile } from "../tree/mod.ts";
import { countTokens } from "./token_count.ts";
import { contentTerms } from "./_text.ts";

/** What loading a skill's knowledge reads of its index entry. */
export interface KnowledgeSource {
  id: string;
  /** Absolute path of the skill folder. */
  path: string;
  /** `skill.toml` or `SKILL.md` (whose front matter is not context). */
  format: "skill.toml" | "SKILL.md";
  /** The always-included file, relative to `path`. */
  contextFile: string | null;
  /** Other knowledge markdown, relative to `path`. */
  knowledgeFiles: string[];
  /** The canonical tree hash; null for bundled skills (their files' sizes and times key the cache). */
  integrity: string | null;
}

/** One piece of a knowledge file: a `##` section, split into paragraphs. */
export interface Chunk {
  /** The file, relative to the skill folder. */
  file: string;
  /** Position in the file (0 = the part before the first `##`). */
  index: number;
  text: string;
  /** Tokens of `text` as injected (paragraph tokens plus separators). */
  tokens: number;
  /** Where each paragraph ends in `text` (character offsets). */
  paragraphEnds: number[];
  /** Tokens of each paragraph. */
  paragraphTokens: number[];
  /** Content words of the chunk (for relevance). */
  terms: string[];
  /** Content words of its heading and file name (count double). */
  titleTerms: string[];
}

/** A skill's knowledge split into chunks with their token counts. */
export interface SkillKnowledge {
  id: string;
  /** The cache key: changes whenever the skill's files change. */
  key: string;
  /** The context file as one chunk (null when the skill has none). */
  context: Chunk | null;
  chunks: Chunk[];
  /** Tokens of {@link CUT_MARKER}. */
  markerTokens: number;
}

/** Tokens counted for the blank line joining two pieces (a safe upper bound). */
export const SEPARATOR_TOKENS = 2;

/** The visible marker put where a piece was cut to fit the budget. */
export const CUT_MARKER = "[… cut here to fit the token budget]";

/** Bumped when the chunk format or splitting changes, so old caches are ignored. */
const FORMAT = "caro-context-chunks/2";

/** Options of {@link loadKnowledge}. */
export interface LoadKnowledgeOptions {
  /** Where chunk caches live (`$CARO_HOME/cache/context`); no disk cache when absent. */
  cacheDir?: string;
  /** Told when a cache cannot be written (stderr in the CLI). */
  warn?: (message: string) => void;
}

/**
 * A skill's knowledge, chunked and counted: from `cacheDir` when a cache with
 * the same key exists (no markdown read, no tokenizer loaded), else read,
 * split at `##` headings and blank lines, counted and written to the cache.
 * The key is the tree hash for installed skills, and the files' sizes and
 * modification times (plus the format) for bundled ones.
 *
 * @throws {SkillError} `io` when a knowledge file cannot be read
 * @example
 * ```ts
 * import { loadKnowledge } from "./knowledge.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/knowledge/prompts`, { recursive: true });
 * await Deno.writeTextFile(`${dir}/knowledge/prompts/context.md`, "Use jq.\n");
 * await Deno.writeTextFile(`${dir}/knowledge/filters.md`, "# jq\n\n## Select\n\nUse select().\n");
 * const source = {
 *   id: "tool.jq", path: dir, format: "skill.toml" as const, integrity: null,
 *   contextFile: "knowledge/prompts/context.md", knowledgeFiles: ["knowledge/filters.md"],
 * };
 * const k = await loadKnowledge(source, { cacheDir: `${dir}/cache` });
 * if (k.chunks.length !== 2 || k.context?.text !== "Use jq.") throw new Error();
 * const again = await loadKnowledge(source, { cacheDir: `${dir}/cache` });
 * if (again.key !== k.key) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadKnowledge(
  source: KnowledgeSource,
  options: LoadKnowledgeOptions = {},
): Promise<SkillKnowledge> {
  const key = await knowledgeKey(source);
  const cacheFile = options.cacheDir ? `${options.cacheDir}/${key}.json` : undefined;
  if (cacheFile) {
    const cached = await readCache(cacheFile, key);
    if (cached) return cached;
  }
  const knowledge = await buildKnowledge(source, key);
  if (cacheFile) await writeCache(cacheFile, knowledge, options.warn);
  return knowledge;
}

/** The cache key of a skill's knowledge. */
async function knowledgeKey(source: KnowledgeSource): Promise<string> {
  const parts = [
    FORMAT,
    source.id,
    source.format,
    source.contextFile ?? "",
    ...source.knowledgeFiles,
  ];
  if (source.integrity) {
    parts.push(source.integrity);
  } else {
    for (const file of [source.contextFile, ...source.knowledgeFiles]) {
      if (!file) continue;
      try {
        const info = await Deno.stat(`${source.path}/${file}`);
        parts.push(`${file}:${info.size}:${info.mtime?.getTime() ?? 0}`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
        parts.push(`${file}:missing`);
      }
    }
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\n")));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${source.id}-${hex.slice(0, 32)}`;
}

async function readCache(file: string, key: string): Promise<SkillKnowledge | null> {
  let text: string;
  try {
    text = await readRegularTextFile(file);
  } catch (error) {
    // Missing, or not a regular file (never opened): a miss, rebuilt over it.
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.InvalidData) {
      return null;
    }
    throw error;
  }
  try {
    const data = JSON.parse(text) as SkillKnowledge & { format?: string };
    // A cache from another format or torn by a crash is rebuilt, never trusted.
    if (data.format !== FORMAT || data.key !== key || !Array.isArray(data.chunks)) return null;
    return {
      id: data.id,
      key: data.key,
      context: data.context,
      chunks: data.chunks,
      markerTokens: data.markerTokens,
    };
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

async function writeCache(
  file: string,
  knowledge: SkillKnowledge,
  warn?: (message: string) => void,
): Promise<void> {
  const dir = file.slice(0, file.lastIndexOf("/"));
  const temp = `${file}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(temp, JSON.stringify({ format: FORMAT, ...knowledge }));
    await Deno.rename(temp, file);
    // The caches of this skill's earlier trees (before an update) are of no further use.
    await removeStale(dir, `${knowledge.id}-`, file.slice(dir.length + 1));
  } catch (error) {
    // The cache is disposable: a read-only home still gets its context, only slower.
    warn?.(
      `Cannot write the context cache ${file}: ${error instanceof Error ? error.message : error}`,
    );
    await Deno.remove(temp).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) warn?.(`Cannot remove ${temp}: ${e}`);
    });
  }
}

async function buildKnowledge(source: KnowledgeSource, key: string): Promise<SkillKnowledge> {
  // Only a cache miss pays for the manifest module (yaml, toml parsers).
  const { checkRelativePath, splitFrontMatter } = await import("../manifest/mod.ts");
  const ioError = (file: string, error: unknown) =>
    new SkillError("io", `Cannot read ${source.id} knowledge file ${file}`, {
      why: error instanceof Error ? error.message : String(error),
      cause: error,
      hints: [{ to: "check the installed copy", run: "caro skill verify" }],
    });
  let root: string;
  try {
    root = await Deno.realPath(source.path);
  } catch (error) {
    throw ioError(".", error);
  }
  const read = async (file: string) => {
    // skills.json names the files; a hand-edited index must not put any file of the
    // machine into the model's prompt (tests/security/context_paths_test.ts).
    const outside = checkRelativePath(file);
    if (outside) throw outsideError(source.id, file, outside);
    let real: string;
    try {
      real = await Deno.realPath(`${root}/${file}`);
    } catch (error) {
      throw ioError(file, error);
    }
    if (!real.startsWith(`${root}/`)) {
      throw outsideError(source.id, file, `"${file}" resolves to ${real}`);
    }
    try {
      // Only regular files: a FIFO planted in an installed tree would hang here.
      return (await readRegularTextFile(real)).replace(/\r\n/g, "\n");
    } catch (error) {
      throw ioError(file, error);
    }
  };
  let context: Chunk | null = null;
  if (source.contextFile) {
    let text = await read(source.contextFile);
    if (source.format === "SKILL.md" || source.contextFile.endsWith("SKILL.md")) {
      text = splitFrontMatter(text).body;
    }
    if (text.trim() !== "") context = await makeChunk(source.contextFile, 0, text);
  }
  const chunks: Chunk[] = [];
  for (const file of source.knowledgeFiles) {
    if (file === source.contextFile) continue;
    const sections = splitSections(splitFrontMatter(await read(file)).body);
    for (let i = 0; i < sections.length; i++) chunks.push(await makeChunk(file, i, sections[i]));
  }
  return { id: source.id, key, context, chunks, markerTokens: await countTokens(CUT_MARKER) };
}

/**
 * Splits markdown at `##` headings (not inside code fences); empty sections dropped.
 *
 * @example
 * ```ts
 * import { splitSections } from "./knowledge.ts";
 * const parts = splitSections("# T\nintro\n## A\na\n~~~\n## not a heading\n~~~\n");
 * if (parts.length !== 2) throw new Error(JSON.stringify(parts));
 * ```
 */
export function splitSections(markdown: string): string[] {
  const sections: string[][] = [[]];
  let fence: string | null = null;
  for (const line of markdown.split("\n")) {
    const opener = /^\s*(`{3,}|~{3,})/.exec(line);
    if (opener) {
      if (fence === null) fence = opener[1][0];
      else if (opener[1][0] === fence) fence = null;
    }
    if (fence === null && /^##\s/.test(line)) sections.push([]);
    sections[sections.length - 1].push(line);
  }
  return sections.map((lines) => lines.join("\n").trim()).filter((s) => s !== "");
}

/**
 * Where a section may be cut: at blank lines and before list items, never
 * inside a code fence or a line. Returns the end offset of each piece.
 *
 * @example
 * ```ts
 * import { paragraphEnds } from "./knowledge.ts";
 * const text = "intro\n\n- one\n- two";
 * if (paragraphEnds(text).map((e) => text.slice(0, e)).at(-1) !== text) throw new Error();
 * if (paragraphEnds(text).length !== 3) throw new Error();
 * ```
 */
export function paragraphEnds(section: string): number[] {
  const ends: number[] = [];
  let fence: string | null = null;
  let offset = 0;
  let lastContentEnd = -1;
  for (const line of section.split("\n")) {
    const start = offset;
    offset += line.length + 1;
    const opener = /^\s*(`{3,}|~{3,})/.exec(line);
    const isFenceLine = opener !== null;
    if (fence === null && !isFenceLine) {
      if (line.trim() === "") {
        if (lastContentEnd >= 0 && ends[ends.length - 1] !== lastContentEnd) {
          ends.push(lastContentEnd);
        }
        continue;
      }
      // A new top-level list item starts a piece.
      if (
        /^([-*+]|\d+[.)])\s/.test(line) && lastContentEnd >= 0 &&
        ends[ends.length - 1] !== lastContentEnd
      ) {
        ends.push(lastContentEnd);
      }
    }
    if (isFenceLine) {
      if (fence === null) fence = opener[1][0];
      else if (opener[1][0] === fence) fence = null;
    }
    if (line.trim() !== "") lastContentEnd = start + line.trimEnd().length;
  }
  if (lastContentEnd >= 0 && ends[ends.length - 1] !== lastContentEnd) ends.push(lastContentEnd);
  return ends;
}

async function makeChunk(file: string, index: number, section: string): Promise<Chunk> {
  const text = section.trim();
  const ends = paragraphEnds(text);
  const paragraphTokens: number[] = [];
  let from = 0;
  for (const end of ends) {
    paragraphTokens.push(await countTokens(text.slice(from, end).trim()));
    from = end;
  }
  const tokens = paragraphTokens.reduce((a, b) => a + b, 0) +
    SEPARATOR_TOKENS * Math.max(0, ends.length - 1);
  const heading = /^#{1,6}\s+(.*)$/m.exec(text.slice(0, ends[0] ?? 0))?.[1] ?? "";
  const fileName = file.slice(file.lastIndexOf("/") + 1).replace(/\.md$/i, "");
  return {
    file,
    index,
    text,
    tokens,
    paragraphEnds: ends,
    paragraphTokens,
    terms: [...contentTerms(text)],
    titleTerms: [...contentTerms(`${heading} ${fileName.replace(/[-_]/g, " ")}`)],
  };
}

/**
 * The longest prefix of `chunk` (whole paragraphs, then {@link CUT_MARKER})
 * that fits in `budget` tokens, or null when not even one paragraph does.
 * A piece is never cut inside a paragraph, so never mid-line.
 *
 * @example
 * ```ts
 * import { cutChunk, CUT_MARKER } from "./knowledge.ts";
 * const chunk = {
 *   file: "a.md", index: 0, text: "one\n\ntwo", tokens: 4, paragraphEnds: [3, 8],
 *   paragraphTokens: [1, 1], terms: [], titleTerms: [],
 * };
 * const cut = cutChunk(chunk, 12, 9);
 * if (cut?.text !== `one\n\n${CUT_MARKER}` || cut.tokens > 12) throw new Error(JSON.stringify(cut));
 * ```
 */
export function cutChunk(
  chunk: Chunk,
  budget: number,
  markerTokens: number,
): { text: string; tokens: number } | null {
  let used = 0;
  let kept = 0;
  for (let i = 0; i < chunk.paragraphTokens.length; i++) {
    const next = used + (i > 0 ? SEPARATOR_TOKENS : 0) + chunk.paragraphTokens[i];
    if (next + SEPARATOR_TOKENS + markerTokens > budget) break;
    used = next;
    kept = i + 1;
  }
  // A heading alone says nothing: keep at least one paragraph of content.
  const onlyHeading = kept === 1 && /^#{1,6}\s/.test(chunk.text) &&
    !chunk.text.slice(0, chunk.paragraphEnds[0]).includes("\n");
  if (kept === 0 || onlyHeading) return null;
  return {
    text: `${chunk.text.slice(0, chunk.paragraphEnds[kept - 1])}\n\n${CUT_MARKER}`,
    tokens: used + SEPARATOR_TOKENS + markerTokens,
  };
}

/**
 * Removes the cache files in `dir` named `<prefix><32 hex>.json` other than
 * `keep`: what earlier trees of the same skill (or earlier match indexes) left.
 */
export async function removeStale(dir: string, prefix: string, keep: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const name = entry.name;
    if (name === keep || !name.startsWith(prefix)) continue;
    if (!/^[0-9a-f]{32}\.json$/.test(name.slice(prefix.length))) continue;
    await Deno.remove(`${dir}/${name}`).catch((error) => {
      // Another caro removed it first.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }
}

function outsideError(id: string, file: string, why: string): SkillError {
  return new SkillError("validation", `${id}: knowledge file ${file} is outside the skill folder`, {
    why,
    hints: [
      { to: "check the installed skills", run: "caro skill verify" },
      { to: "reinstall it", run: `caro skill add <source> --force` },
    ],
  });
}
