import {
  boundedEditDistance,
  contentTerms,
  isStopword,
  promptTokens,
  singular,
  wordsOf,
} from "./_text.ts";

/** What topic matching reads of a skill: a slice of its `skills.json` entry. */
export interface MatchableSkill {
  id: string;
  /** Higher first among equal scores (SPEC §2 `priority`). */
  priority: number;
  topics: string[];
  keywords: string[];
  /** topic → words or phrases that mean it. */
  synonyms: Record<string, string[]>;
  description: string;
  /** AgentSkills skills (`SKILL.md`) also match on the words of their description. */
  format: "skill.toml" | "SKILL.md";
}

/** How a prompt term matched a skill. */
export type MatchKind = "topic" | "keyword" | "synonym" | "fuzzy" | "description";

/** One reason a skill matched. */
export interface MatchReason {
  kind: MatchKind;
  /** What the prompt said (`this week`, `permisions`). */
  said: string;
  /** The topic, keyword or description word it matched (`find`, `permissions`). */
  term: string;
  weight: number;
}

/** A skill the prompt matched, with its score and why. */
export interface SkillMatch {
  id: string;
  score: number;
  priority: number;
  reasons: MatchReason[];
  /** Topics and keywords the prompt points at (synonyms resolved), for ranking chunks. */
  terms: string[];
}

/** Fuzzy matching settings: no fuzzy match for short words, whose neighbours are everything. */
export interface FuzzyOptions {
  /** Words shorter than this only match exactly (default 5: `du`, `df`, `tr`, `ps` never fuzzy). */
  minLength: number;
  /** The largest edit distance at all (default 2, SPEC §9). */
  maxDistance: number;
  /** Words up to this length allow distance 1 only (default 7); longer ones `maxDistance`. */
  shortUpTo: number;
}

/** Matching settings of a {@link TopicIndex}. */
export interface MatchOptions {
  fuzzy?: Partial<FuzzyOptions>;
  /** The score a skill needs to be chosen (default 2: one topic, keyword or synonym). */
  minScore?: number;
}

const WEIGHTS: Record<Exclude<MatchKind, "fuzzy">, number> = {
  topic: 3,
  keyword: 2,
  synonym: 1.5,
  description: 1,
};

/** A multi-word synonym ("this week", "disk usage") says more than one word does. */
const PHRASE_WEIGHT = 2.5;

interface TermScore {
  exact: number;
  near: number;
}

interface Posting {
  skill: number;
  kind: Exclude<MatchKind, "fuzzy">;
  /** The topic or keyword it stands for. */
  term: string;
  /** The phrase tokens after the first (multi-word topics and synonyms). */
  rest: string[];
  /** The phrase as written. */
  said: string;
}

/** The plain data of a {@link TopicIndex}, cacheable as JSON. */
export interface TopicIndexData {
  skills: Array<{ id: string; priority: number }>;
  /** First token (lowercase, singular variants too) → postings. */
  postings: Record<string, Posting[]>;
}

/**
 * The match index over skills' topics, keywords, synonyms and (AgentSkills)
 * description words, built from index entries only: no skill folder is read.
 * Matching (SPEC §9): exact keyword or topic, then fuzzy (edit distance scaled
 * with word length), then per-skill synonyms (multi-word synonyms as phrases).
 * Skills are ranked by score, then priority, then id.
 *
 * @example
 * ```ts
 * import { TopicIndex } from "./topic_index.ts";
 * const index = TopicIndex.build([{
 *   id: "core.posix", priority: 80, topics: ["find", "permissions", "du"], keywords: [],
 *   synonyms: { find: ["this week"] }, description: "", format: "skill.toml",
 * }]);
 * const [match] = await index.match("find files changed this week");
 * if (match.id !== "core.posix" || match.reasons.length !== 2) throw new Error();
 * const typo = await index.match("fix permisions");
 * if (typo[0]?.reasons[0].kind !== "fuzzy") throw new Error();
 * if ((await index.match("do it")).length !== 0) throw new Error("du is too short for fuzzy");
 * ```
 */
export class TopicIndex {
  readonly data: TopicIndexData;
  readonly #fuzzy: FuzzyOptions;
  readonly #minScore: number;
  #vocabulary?: Promise<{ near(word: string, distance: number): string[] }>;

  constructor(data: TopicIndexData, options: MatchOptions = {}) {
    this.data = data;
    this.#fuzzy = { minLength: 5, maxDistance: 2, shortUpTo: 7, ...options.fuzzy };
    this.#minScore = options.minScore ?? 2;
  }

  /** Builds the index of `skills`. */
  static build(skills: MatchableSkill[], options: MatchOptions = {}): TopicIndex {
    const postings: Record<string, Posting[]> = Object.create(null);
    const add = (key: string, posting: Posting) => {
      (postings[key] ??= []).push(posting);
      const single = singular(key);
      if (posting.rest.length === 0 && single !== key) (postings[single] ??= []).push(posting);
    };
    skills.forEach((s, skill) => {
      const phrase = (text: string, kind: Posting["kind"], term: string) => {
        const tokens = promptTokens(text).trimmed.filter((t) => t !== "");
        if (tokens.length === 0) {
          const raw = text.trim().toLowerCase();
          if (raw !== "") add(raw, { skill, kind, term, rest: [], said: raw });
          return;
        }
        add(tokens[0], { skill, kind, term, rest: tokens.slice(1), said: text.toLowerCase() });
      };
      for (const topic of s.topics) phrase(topic, "topic", topic.toLowerCase());
      for (const keyword of s.keywords) phrase(keyword, "keyword", keyword.toLowerCase());
      for (const [topic, words] of Object.entries(s.synonyms)) {
        for (const word of words) phrase(word, "synonym", topic.toLowerCase());
      }
      if (s.format === "SKILL.md") {
        const named = new Set([...s.topics, ...s.keywords].map((t) => t.toLowerCase()));
        for (const word of wordsOf(s.description)) {
          if (word.length < 3 || isStopword(word) || named.has(word)) continue;
          named.add(word);
          add(word, { skill, kind: "description", term: word, rest: [], said: word });
        }
      }
    });
    return new TopicIndex({
      skills: skills.map((s) => ({ id: s.id, priority: s.priority })),
      postings,
    }, options);
  }

  /**
   * The skills `prompt` matches, best first, each with a score at least
   * `minScore` and the reasons.
   */
  async match(prompt: string): Promise<SkillMatch[]> {
    const { raw, trimmed } = promptTokens(prompt);
    // Per skill: every distinct reason, and per term the best exact weight and the sum of
    // synonym/fuzzy weights (capped): one generic synonym ("today") is not enough alone,
    // two of them for the same topic are ("unpack backup.tgz").
    const hits = new Map<
      number,
      { reasons: Map<string, MatchReason>; terms: Map<string, TermScore> }
    >();
    const record = (skill: number, reason: MatchReason) => {
      let hit = hits.get(skill);
      if (!hit) hits.set(skill, hit = { reasons: new Map(), terms: new Map() });
      const id = `${reason.kind}:${reason.said}:${reason.term}`;
      if (hit.reasons.has(id)) return;
      hit.reasons.set(id, reason);
      const key = `${reason.kind === "description" ? "d" : "t"}:${singular(reason.term)}`;
      const score = hit.terms.get(key) ?? { exact: 0, near: 0 };
      if (reason.kind === "synonym" || reason.kind === "fuzzy") score.near += reason.weight;
      else score.exact = Math.max(score.exact, reason.weight);
      hit.terms.set(key, score);
    };
    const matchedWords = new Set<string>();
    const tryPostings = (key: string, at: number, word: string) => {
      const list = this.data.postings[key];
      if (!list) return false;
      let found = false;
      for (const p of list) {
        if (p.rest.length > 0 && !p.rest.every((t, i) => trimmed[at + 1 + i] === t)) continue;
        if (p.rest.length === 0 && isStopword(word) && p.kind !== "topic") continue;
        const weight = p.rest.length > 0 && p.kind === "synonym" ? PHRASE_WEIGHT : WEIGHTS[p.kind];
        record(p.skill, { kind: p.kind, said: p.said, term: p.term, weight });
        found = true;
      }
      return found;
    };
    for (let i = 0; i < raw.length; i++) {
      const candidates = new Set([raw[i], trimmed[i], singular(trimmed[i])]);
      for (const word of wordsOf(trimmed[i])) candidates.add(word).add(singular(word));
      for (const key of candidates) {
        if (
          key === "" || (isStopword(key) && !this.data.postings[key]?.some((p) => p.rest.length))
        ) {
          continue;
        }
        if (tryPostings(key, i, key)) matchedWords.add(key);
      }
    }
    await this.#matchFuzzy(prompt, matchedWords, record);
    const matches: SkillMatch[] = [];
    for (const [skill, hit] of hits) {
      const reasons = [...hit.reasons.values()].sort((a, b) => b.weight - a.weight);
      const score = [...hit.terms.values()].reduce(
        (sum, t) => sum + Math.max(t.exact, Math.min(WEIGHTS.topic, t.near)),
        0,
      );
      if (score < this.#minScore) continue;
      const { id, priority } = this.data.skills[skill];
      const terms = [
        ...new Set(reasons.filter((r) => r.kind !== "description").map((r) => r.term)),
      ];
      matches.push({ id, score, priority, reasons, terms });
    }
    return matches.sort((a, b) =>
      b.score - a.score || b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    );
  }

  async #matchFuzzy(
    prompt: string,
    matched: Set<string>,
    record: (skill: number, reason: MatchReason) => void,
  ): Promise<void> {
    const { minLength, maxDistance, shortUpTo } = this.#fuzzy;
    // Words with digits (100mb, 8080, v2) are values, not misspelt topics.
    const words = [...contentTerms(prompt)].filter((w) =>
      w.length >= minLength && !/\d/.test(w) && !matched.has(w) && !matched.has(singular(w)) &&
      this.data.postings[w] === undefined
    );
    if (words.length === 0 || maxDistance <= 0) return;
    // Single-word terms bucketed by length: a word is compared only with terms whose length
    // is within the distance. Measured cold with 1,000 skills: building a minisearch index
    // of the same vocabulary took 100–200 ms per process (loading its JSON 60 ms); this
    // scan takes a few ms, so fuzzy matching adds nothing a user notices.
    this.#vocabulary ??= Promise.resolve(
      bucketByLength(this.data.postings, minLength - maxDistance),
    )
      .then((buckets) => ({
        near: (word: string, distance: number) => {
          const near: string[] = [];
          for (let len = word.length - distance; len <= word.length + distance; len++) {
            for (const key of buckets.get(len) ?? []) {
              if (boundedEditDistance(word, key, distance) <= distance) near.push(key);
            }
          }
          return near;
        },
      }));
    const vocabulary = await this.#vocabulary;
    for (const word of words) {
      const allowed = Math.min(maxDistance, word.length <= shortUpTo ? 1 : 2);
      // Nearest first: a term reached at distance 1 and (through its singular) 2 keeps 1.
      const near = vocabulary.near(word, allowed)
        .map((key) => ({ key, distance: boundedEditDistance(word, key, allowed) }))
        .sort((a, b) => a.distance - b.distance);
      for (const { key, distance } of near) {
        if (distance === 0 || distance > allowed || key.length < minLength - 1) continue;
        for (const p of this.data.postings[key]) {
          if (p.kind === "description" || p.rest.length > 0) continue;
          record(p.skill, {
            kind: "fuzzy",
            said: word,
            term: p.term,
            weight: distance === 1 ? 2 : 1.5,
          });
        }
      }
    }
  }
}

function bucketByLength(
  postings: Record<string, Posting[]>,
  minLength: number,
): Map<number, string[]> {
  const buckets = new Map<number, string[]>();
  for (const [key, list] of Object.entries(postings)) {
    if (key.length < minLength) continue;
    if (!list.some((p) => p.kind !== "description" && p.rest.length === 0)) continue;
    let bucket = buckets.get(key.length);
    if (!bucket) buckets.set(key.length, bucket = []);
    bucket.push(key);
  }
  return buckets;
}
