import { SkillError } from "../errors/mod.ts";
import {
  type Chunk,
  cutChunk,
  type KnowledgeSource,
  loadKnowledge,
  SEPARATOR_TOKENS,
  type SkillKnowledge,
} from "./knowledge.ts";
import {
  type MatchableSkill,
  type MatchOptions,
  type MatchReason,
  type SkillMatch,
  TopicIndex,
} from "./topic_index.ts";
import { contentTerms } from "./_text.ts";

/** A skill as the injector needs it: a `skills.json` entry has all of these. */
export interface InjectableSkill extends MatchableSkill, KnowledgeSource {
  /** The skill's own budget (SPEC §2 `max_context_tokens`). */
  maxContextTokens: number;
}

/** Options of {@link ContextInjector}. */
export interface ContextInjectorOptions extends MatchOptions {
  /** Chunk caches (`$CARO_HOME/cache/context`); none when absent. */
  cacheDir?: string;
  /** The skill whose context is the base prompt, always included (default `core.shell`). */
  baseSkill?: string;
  /** Told about cache problems (stderr in the CLI). */
  warn?: (message: string) => void;
}

/** A skill chosen for the context. */
export interface ChosenSkill {
  id: string;
  /** Match score (0 for the base prompt when the prompt did not match it). */
  score: number;
  /** Why it was chosen, one line per reason (`topic "find"`, `synonym "this week" → find`). */
  reasons: string[];
  /** Tokens it adds to the context. */
  tokens: number;
}

/** A file (whole or in part) put in the context. */
export interface InjectedFile {
  skill: string;
  /** Relative to the skill folder. */
  path: string;
  tokens: number;
  /** Whether part of it was left out to fit the budget. */
  isCut: boolean;
}

/** What {@link ContextInjector.augmentContext} returns. */
export interface ContextAugmentation {
  /** The text put before the user's request: skill knowledge, then the base prompt. */
  systemContext: string;
  skills: ChosenSkill[];
  files: InjectedFile[];
  /** Tokens of `systemContext` (an upper bound: pieces are counted apart). */
  tokens: number;
  /** The budget asked for. */
  maxTokens: number;
  /** Why the context is what it is, one line each (matches, skips for lack of room). */
  reasons: string[];
}

/** The global budget when none is given. */
export const DEFAULT_MAX_TOKENS = 4000;

interface Piece {
  skill: string;
  file: string;
  /** Chunk order inside the file. */
  index: number;
  text: string;
  tokens: number;
  isCut: boolean;
}

/**
 * Chooses the knowledge that goes into the model's system prompt (SPEC §1,
 * §9): the prompt is matched against the skills' topics (index entries only),
 * the matches are ranked by score then priority, and each chosen skill adds
 * its context file and then its chunks most relevant to the prompt, within its
 * `max_context_tokens` and the global budget. The base skill's context
 * (`core.shell`) is always included, last. Knowledge is read lazily, only for
 * chosen skills, from the chunk cache when it is warm.
 *
 * @example
 * ```ts
 * import { ContextInjector } from "./injector.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/jq/knowledge/prompts`, { recursive: true });
 * await Deno.writeTextFile(`${dir}/jq/knowledge/prompts/context.md`, "Prefer jq -r for raw strings.\n");
 * const injector = new ContextInjector([{
 *   id: "tool.jq", path: `${dir}/jq`, format: "skill.toml", integrity: null, priority: 50,
 *   topics: ["json"], keywords: ["jq"], synonyms: {}, description: "JSON", maxContextTokens: 500,
 *   contextFile: "knowledge/prompts/context.md", knowledgeFiles: [],
 * }]);
 * const out = await injector.augmentContext("pretty print this json", 200);
 * if (!out.systemContext.includes("jq -r") || out.tokens > 200) throw new Error();
 * if (out.skills[0].id !== "tool.jq") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class ContextInjector {
  readonly #skills: Map<string, InjectableSkill>;
  readonly #index: TopicIndex;
  readonly #options: ContextInjectorOptions;
  readonly #knowledge = new Map<string, Promise<SkillKnowledge>>();
  readonly #termSets = new WeakMap<Chunk, Set<string>>();

  /**
   * @param skills the skills taking part (enabled, passing `--skills`)
   * @param index a prebuilt match index of exactly these skills (else built here)
   */
  constructor(
    skills: InjectableSkill[],
    options: ContextInjectorOptions = {},
    index?: TopicIndex,
  ) {
    this.#skills = new Map(skills.map((s) => [s.id, s]));
    this.#options = options;
    this.#index = index ?? TopicIndex.build(skills, options);
  }

  /** The skills `prompt` matches, best first (no knowledge is read). */
  async match(prompt: string): Promise<SkillMatch[]> {
    return await this.#index.match(prompt);
  }

  /**
   * The system context for `prompt` within `maxTokens` tokens.
   *
   * @throws {SkillError} `io` when a chosen skill's knowledge cannot be read
   */
  async augmentContext(
    prompt: string,
    maxTokens: number = DEFAULT_MAX_TOKENS,
  ): Promise<ContextAugmentation> {
    const matches = await this.#index.match(prompt);
    const baseId = this.#options.baseSkill ?? "core.shell";
    const base = this.#skills.get(baseId);
    const pieces: Piece[] = [];
    const reasons: string[] = [];
    const chosen = new Map<string, ChosenSkill>();
    let used = 0;
    // Every piece after the first costs a separator too.
    const room = () => maxTokens - used - (pieces.length > 0 ? SEPARATOR_TOKENS : 0);
    const take = (piece: Piece) => {
      used += piece.tokens + (pieces.length > 0 ? SEPARATOR_TOKENS : 0);
      pieces.push(piece);
      const skill = chosen.get(piece.skill);
      if (skill) skill.tokens += piece.tokens;
    };

    let basePieces = 0;
    if (base) {
      const match = matches.find((m) => m.id === baseId);
      chosen.set(baseId, {
        id: baseId,
        score: match?.score ?? 0,
        reasons: ["base prompt (always included)", ...(match?.reasons.map(describe) ?? [])],
        tokens: 0,
      });
      const knowledge = await this.#load(base);
      // When other skills matched, the base prompt leaves them 40% of a small budget.
      const hasOthers = matches.some((m) => m.id !== baseId);
      const baseBudget = hasOthers ? Math.floor(maxTokens * 0.6) : maxTokens;
      if (knowledge.context) {
        const piece = fit(
          baseId,
          knowledge.context,
          Math.min(baseBudget, base.maxContextTokens),
          knowledge,
        );
        if (piece) take(piece);
        else reasons.push(`${baseId}: no room for the base prompt in ${maxTokens} tokens`);
      }
      basePieces = pieces.length;
      reasons.push(`${baseId}: base prompt`);
    }

    for (const match of matches) {
      const skill = this.#skills.get(match.id);
      if (!skill) continue;
      const isBase = match.id === baseId;
      const ownBudget = isBase
        ? skill.maxContextTokens - (chosen.get(baseId)?.tokens ?? 0)
        : skill.maxContextTokens;
      if (room() <= 0 || ownBudget <= 0) {
        reasons.push(`${match.id}: matched (score ${match.score}) but no room left`);
        continue;
      }
      let knowledge: SkillKnowledge;
      try {
        knowledge = await this.#load(skill);
      } catch (error) {
        // One broken skill must not take the context of every request down with it.
        if (!(error instanceof SkillError)) throw error;
        const why = `${match.id}: matched but skipped: ${error.message}`;
        reasons.push(why);
        this.#options.warn?.(why);
        continue;
      }
      const start = pieces.length;
      let skillUsed = 0;
      const allowance = () =>
        Math.min(room(), ownBudget - skillUsed - (skillUsed > 0 ? SEPARATOR_TOKENS : 0));
      const add = (piece: Piece) => {
        skillUsed += piece.tokens + (skillUsed > 0 ? SEPARATOR_TOKENS : 0);
        take(piece);
      };
      if (!isBase) {
        chosen.set(match.id, {
          id: match.id,
          score: match.score,
          reasons: match.reasons.map(describe),
          tokens: 0,
        });
      }
      if (!isBase && knowledge.context) {
        const piece = fit(match.id, knowledge.context, allowance(), knowledge);
        if (!piece) {
          chosen.delete(match.id);
          reasons.push(`${match.id}: matched (score ${match.score}) but its context does not fit`);
          continue;
        }
        add(piece);
      }
      for (const chunk of this.#rankChunks(knowledge, prompt, match)) {
        if (allowance() <= 0) break;
        const piece = fit(match.id, chunk, allowance(), knowledge);
        if (piece) add(piece);
      }
      if (pieces.length === start) {
        if (!isBase) chosen.delete(match.id);
        reasons.push(`${match.id}: matched (score ${match.score}) but nothing fits`);
        continue;
      }
      reasons.push(`${match.id}: ${match.reasons.map(describe).join(", ")}`);
    }

    // Skill knowledge first, the base prompt last (as in the seed).
    const baseContext = pieces.slice(0, basePieces);
    const rest = pieces.slice(basePieces);
    const order = [...chosen.keys()].filter((id) => id !== baseId);
    if (chosen.has(baseId)) order.push(baseId);
    const ordered: Piece[] = [];
    for (const id of order) ordered.push(...inReadingOrder(rest.filter((p) => p.skill === id)));
    ordered.push(...baseContext);

    const files = new Map<string, InjectedFile>();
    for (const p of ordered) {
      const key = `${p.skill}\n${p.file}`;
      const file = files.get(key) ?? { skill: p.skill, path: p.file, tokens: 0, isCut: false };
      file.tokens += p.tokens;
      file.isCut ||= p.isCut;
      files.set(key, file);
    }
    const skills = [...chosen.values()].filter((s) => s.tokens > 0 || s.id === baseId);
    return {
      systemContext: ordered.map((p) => p.text).join("\n\n"),
      skills: skills.sort((
        a,
        b,
      ) => (a.id === baseId ? 1 : b.id === baseId ? -1 : b.score - a.score)),
      files: [...files.values()],
      tokens: used,
      maxTokens,
      reasons,
    };
  }

  #load(skill: InjectableSkill): Promise<SkillKnowledge> {
    let knowledge = this.#knowledge.get(skill.id);
    if (!knowledge) {
      knowledge = loadKnowledge(skill, {
        cacheDir: this.#options.cacheDir,
        warn: this.#options.warn,
      });
      // A failed load is retried next time rather than remembered.
      knowledge.catch(() => this.#knowledge.delete(skill.id));
      this.#knowledge.set(skill.id, knowledge);
    }
    return knowledge;
  }

  /** Chunks that share words with the prompt or the matched topics, most relevant first. */
  #rankChunks(knowledge: SkillKnowledge, prompt: string, match: SkillMatch): Chunk[] {
    const query = contentTerms(`${prompt} ${match.terms.join(" ")}`);
    const sets = knowledge.chunks.map((c) => this.#terms(c));
    const n = knowledge.chunks.length;
    const scored: Array<{ chunk: Chunk; score: number; order: number }> = [];
    const idf = new Map<string, number>();
    for (const term of query) {
      let df = 0;
      for (const set of sets) if (set.has(term)) df++;
      if (df > 0) idf.set(term, Math.log(1 + n / df));
    }
    knowledge.chunks.forEach((chunk, order) => {
      let score = 0;
      for (const [term, weight] of idf) {
        const inTitle = chunk.titleTerms.includes(term);
        if (sets[order].has(term)) score += weight * (inTitle ? 2 : 1);
        else if (inTitle) score += weight;
      }
      if (score > 0) scored.push({ chunk, score, order });
    });
    return scored.sort((a, b) => b.score - a.score || a.order - b.order).map((s) => s.chunk);
  }

  #terms(chunk: Chunk): Set<string> {
    let set = this.#termSets.get(chunk);
    if (!set) this.#termSets.set(chunk, set = new Set(chunk.terms));
    return set;
  }
}

function fit(skill: string, chunk: Chunk, budget: number, k: SkillKnowledge): Piece | null {
  if (chunk.tokens <= budget) {
    return {
      skill,
      file: chunk.file,
      index: chunk.index,
      text: chunk.text,
      tokens: chunk.tokens,
      isCut: false,
    };
  }
  const cut = cutChunk(chunk, budget, k.markerTokens);
  return cut ? { skill, file: chunk.file, index: chunk.index, ...cut, isCut: true } : null;
}

/** A skill's pieces: the context file first, then files in order of their best chunk, chunks in file order. */
function inReadingOrder(pieces: Piece[]): Piece[] {
  const fileOrder: string[] = [];
  for (const p of pieces) if (!fileOrder.includes(p.file)) fileOrder.push(p.file);
  return fileOrder.flatMap((file) =>
    pieces.filter((p) => p.file === file).sort((a, b) => a.index - b.index)
  );
}

/**
 * A reason as one short line.
 *
 * @example
 * ```ts
 * import { describe } from "./injector.ts";
 * const line = describe({ kind: "synonym", said: "this week", term: "find", weight: 2.5 });
 * if (line !== 'synonym "this week" → find') throw new Error(line);
 * ```
 */
export function describe(reason: MatchReason): string {
  switch (reason.kind) {
    case "topic":
    case "keyword":
      return reason.said === reason.term
        ? `${reason.kind} "${reason.term}"`
        : `${reason.kind} "${reason.term}" ("${reason.said}")`;
    case "synonym":
      return `synonym "${reason.said}" → ${reason.term}`;
    case "fuzzy":
      return `fuzzy "${reason.said}" ≈ ${reason.term}`;
    case "description":
      return `description word "${reason.term}"`;
  }
}
