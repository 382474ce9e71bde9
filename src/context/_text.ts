// Words of prompts and knowledge, normalized the same way on both sides.

/** Words too common to say anything about a topic. */
const STOPWORDS = new Set(
  ("a an and are as at be been but by can could do does did for from has have how i if in " +
    "into is it its me my of on or our over so than that the their them then there these this " +
    "those to up was we were what when where which while who why will with would you your " +
    "all any each some use using used get make want need please just also not no yes one " +
    "should about like more most other only out such very via way new").split(" "),
);

/** Whether a word says nothing about a topic. */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Punctuation trimmed from both ends of a whitespace-separated token. */
const EDGE_PUNCTUATION = /^[\s"'`“”‘’([{<,.;:!?]+|[\s"'`“”‘’)\]}>,.;:!?]+$/gu;

/** The prompt's whitespace-separated tokens, lowercased, and the same with edge punctuation trimmed. */
export function promptTokens(text: string): { raw: string[]; trimmed: string[] } {
  const raw = text.toLowerCase().split(/\s+/u).filter((t) => t !== "");
  return { raw, trimmed: raw.map((t) => t.replace(EDGE_PUNCTUATION, "")) };
}

/** Letter/digit words of a text (`tar.gz` → `tar`, `gz`; `-size` → `size`), lowercased. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}_]*/gu) ?? [];
}

/** A light singular: `files` → `file`, `processes` → `process`, `directories` → `directory`. */
export function singular(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** Distinct content words of a text with their singulars, stopwords left out. */
export function contentTerms(text: string): Set<string> {
  const terms = new Set<string>();
  for (const word of wordsOf(text)) {
    if (isStopword(word) || word.length < 2) continue;
    terms.add(word);
    terms.add(singular(word));
  }
  return terms;
}

const row = new Uint16Array(128);

/**
 * Levenshtein distance of `a` and `b` if it is at most `max`, else `max + 1`;
 * stops as soon as a row has no cell within `max` (fuzzy topic matching runs
 * it over thousands of terms per prompt).
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  if (b.length >= row.length) return max + 1;
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    let best = row[0];
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(above + 1, row[j - 1] + 1, diagonal + cost);
      row[j] = value;
      diagonal = above;
      if (value < best) best = value;
    }
    if (best > max) return max + 1;
  }
  return Math.min(row[b.length], max + 1);
}
