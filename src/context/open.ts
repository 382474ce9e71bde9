import { ContextInjector, type ContextInjectorOptions, type InjectableSkill } from "./injector.ts";
import { TopicIndex, type TopicIndexData } from "./topic_index.ts";
import { removeStale } from "./knowledge.ts";
import { readRegularTextFile } from "../tree/mod.ts";

/** A skill as the installed index records it: what matching and the caches key on. */
export interface IndexedSkill extends InjectableSkill {
  version: string;
  /** The canonical tree hash; null for bundled skills. */
  integrity: string | null;
}

/** Bumped when the match index format changes. */
const MATCH_FORMAT = "caro-context-match/1";

/**
 * The injector over the given skills (the enabled knowledge skills of a home
 * that the `--skills` filter lets through), with its match index read from
 * `cacheDir` when the skills are unchanged, else built and cached there.
 *
 * @example
 * ```ts
 * import { createContextInjector } from "./open.ts";
 * const injector = await createContextInjector([]);
 * const out = await injector.augmentContext("tell me a joke", 2000);
 * if (out.skills.length !== 0) throw new Error();
 * ```
 */
export async function createContextInjector(
  entries: readonly IndexedSkill[],
  options: ContextInjectorOptions = {},
): Promise<ContextInjector> {
  const index = options.cacheDir
    ? await cachedIndex(entries, options.cacheDir, options)
    : undefined;
  return new ContextInjector([...entries], options, index);
}

/** The match index from the cache when its entries are unchanged, else built and cached. */
async function cachedIndex(
  entries: readonly IndexedSkill[],
  cacheDir: string,
  options: ContextInjectorOptions,
): Promise<TopicIndex> {
  const key = await fingerprint(entries, options);
  const file = `${cacheDir}/match-${key}.json`;
  try {
    const data = JSON.parse(await readRegularTextFile(file)) as TopicIndexData & {
      format?: string;
    };
    if (data.format === MATCH_FORMAT) return new TopicIndex(data, options);
  } catch (error) {
    // Missing, torn, or not a regular file (never opened): rebuilt over it.
    const isMiss = error instanceof Deno.errors.NotFound || error instanceof SyntaxError ||
      error instanceof Deno.errors.InvalidData;
    if (!isMiss) throw error;
  }
  const index = TopicIndex.build([...entries], options);
  const temp = `${file}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.mkdir(cacheDir, { recursive: true });
    await Deno.writeTextFile(temp, JSON.stringify({ format: MATCH_FORMAT, ...index.data }));
    await Deno.rename(temp, file);
    await removeStale(cacheDir, "match-", file.slice(cacheDir.length + 1));
  } catch (error) {
    // The cache is disposable: matching still works, only it is rebuilt next time.
    options.warn?.(
      `Cannot write the match cache ${file}: ${error instanceof Error ? error.message : error}`,
    );
  }
  return index;
}

/** What the match index depends on: each entry's id, version, tree hash and match fields. */
async function fingerprint(
  entries: readonly IndexedSkill[],
  options: ContextInjectorOptions,
): Promise<string> {
  const parts = [MATCH_FORMAT, JSON.stringify(options.fuzzy ?? {}), String(options.minScore ?? "")];
  for (const e of entries) {
    parts.push(`${e.id}@${e.version}:${e.integrity ?? ""}:${e.priority}`);
    // Bundled skills have no tree hash: their match fields are the fingerprint.
    if (!e.integrity) {
      parts.push(JSON.stringify([e.topics, e.keywords, e.synonyms, e.description, e.format]));
    }
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\n")));
  return Array.from(new Uint8Array(digest).slice(0, 16), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}
