let tokenizer: Promise<(text: string) => number> | undefined;

/**
 * Counts the tokens of `text` with `gpt-tokenizer` (o200k_base), imported on
 * first use: the import costs ~300 ms, so only a cache miss pays it. Special
 * token strings in text (`<|endoftext|>`) count as plain text, never as control.
 *
 * @example
 * ```ts
 * import { countTokens } from "./token_count.ts";
 * if ((await countTokens("find . -size +100M")) < 3) throw new Error();
 * if ((await countTokens("<|endoftext|>")) < 2) throw new Error("special tokens are text");
 * ```
 */
export async function countTokens(text: string): Promise<number> {
  tokenizer ??= import("gpt-tokenizer").then((m) => (t: string) =>
    m.countTokens(t, { disallowedSpecial: new Set() })
  );
  return (await tokenizer)(text);
}

/**
 * Whether {@link countTokens} has loaded the tokenizer in this process (a warm
 * chunk cache never needs it).
 *
 * @example
 * ```ts
 * import { countTokens, isTokenizerLoaded } from "./token_count.ts";
 * await countTokens("x");
 * if (!isTokenizerLoaded()) throw new Error();
 * ```
 */
export function isTokenizerLoaded(): boolean {
  return tokenizer !== undefined;
}
