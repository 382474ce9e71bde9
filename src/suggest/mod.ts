/**
 * "Did you mean" suggestions: the nearest candidates to a mistyped word, used
 * for unknown manifest keys, unknown skill ids and unknown commands.
 *
 * @example
 * ```ts
 * import { didYouMean } from "./mod.ts";
 * const near = didYouMean("verison", ["version", "name", "description"]);
 * if (near[0] !== "version") throw new Error(near.join());
 * ```
 *
 * @module
 */

/**
 * Levenshtein edit distance between two strings (insert, delete, substitute).
 *
 * @example
 * ```ts
 * import { editDistance } from "./mod.ts";
 * if (editDistance("kitten", "sitting") !== 3) throw new Error();
 * ```
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidates closest to `word`, nearest first: those within `maxDistance`
 * edits (default: a third of the word's length, at least 2), or that contain it.
 *
 * @param limit how many to return (default 3)
 * @example
 * ```ts
 * import { didYouMean } from "./mod.ts";
 * const ids = ["cloud.aws", "cloud.gcp", "core.shell"];
 * if (didYouMean("cloud.asw", ids)[0] !== "cloud.aws") throw new Error();
 * if (didYouMean("zzzzzz", ids).length !== 0) throw new Error();
 * ```
 */
export function didYouMean(
  word: string,
  candidates: Iterable<string>,
  options: { maxDistance?: number; limit?: number } = {},
): string[] {
  const lower = word.toLowerCase();
  const maxDistance = options.maxDistance ?? Math.max(2, Math.floor(word.length / 3));
  const scored: Array<[string, number]> = [];
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    const contains = lower.length >= 3 && candidate.toLowerCase().includes(lower);
    if (distance <= maxDistance || contains) scored.push([candidate, contains ? 0.5 : distance]);
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
  return scored.slice(0, options.limit ?? 3).map(([candidate]) => candidate);
}
