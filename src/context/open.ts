import {
  type CaroHome,
  parseSkillsFilter,
  type SkillIndexEntry,
  SkillStore,
} from "../store/mod.ts";
import { ContextInjector, type ContextInjectorOptions } from "./injector.ts";
import { TopicIndex, type TopicIndexData } from "./topic_index.ts";
import { removeStale } from "./knowledge.ts";

/** Options of {@link openContextInjector}. */
export interface OpenInjectorOptions extends Omit<ContextInjectorOptions, "cacheDir"> {
  /** The global `--skills` value (`all`, `none`, `a,b`, `!a`). */
  skills?: string;
  /** The running caro version (for the store). */
  caroVersion?: string;
  /** Told once when the home is created (stderr in the CLI). */
  announce?: (message: string) => void;
  /** Keep chunk and match caches under `$CARO_HOME/cache/context` (default true). */
  useCache?: boolean;
}

/** Bumped when the match index format changes. */
const MATCH_FORMAT = "caro-context-match/1";

/**
 * A {@link ContextInjector} over the enabled skills of a caro home (bundled and
 * installed, honouring `--skills`), with its caches under
 * `$CARO_HOME/cache/context/`: the match index keyed by the entries it was
 * built from, and the chunks of each skill keyed by its tree hash. Nothing but
 * `skills.json` is read until a skill matches.
 *
 * @example
 * ```ts
 * import { openContextInjector } from "./open.ts";
 * const home = await Deno.makeTempDir();
 * const injector = await openContextInjector(home, { skills: "core.shell,core.posix" });
 * const out = await injector.augmentContext("find files over 100MB changed this week", 1500);
 * if (!out.files.some((f) => f.skill === "core.posix")) throw new Error(JSON.stringify(out.files));
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function openContextInjector(
  home: string | CaroHome,
  options: OpenInjectorOptions = {},
): Promise<ContextInjector> {
  const store = await SkillStore.open(home, {
    announce: options.announce,
    warn: options.warn,
    caroVersion: options.caroVersion,
  });
  const use = parseSkillsFilter(options.skills);
  const entries = (await store.list()).filter((s) =>
    s.enabled && s.provides.knowledge && use(s.id)
  );
  const cacheDir = options.useCache === false ? undefined : `${store.home.cacheDir}/context`;
  const index = cacheDir ? await cachedIndex(entries, cacheDir, options) : undefined;
  return new ContextInjector(entries, { ...options, cacheDir }, index);
}

/** The match index from the cache when its entries are unchanged, else built and cached. */
async function cachedIndex(
  entries: SkillIndexEntry[],
  cacheDir: string,
  options: OpenInjectorOptions,
): Promise<TopicIndex> {
  const key = await fingerprint(entries, options);
  const file = `${cacheDir}/match-${key}.json`;
  try {
    const data = JSON.parse(await Deno.readTextFile(file)) as TopicIndexData & { format?: string };
    if (data.format === MATCH_FORMAT) return new TopicIndex(data, options);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound || error instanceof SyntaxError)) throw error;
  }
  const index = TopicIndex.build(entries, options);
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
  entries: SkillIndexEntry[],
  options: OpenInjectorOptions,
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
