/**
 * Removes credentials and secrets from text bound for an error or a log, in time
 * linear in the text: the audit log redacts every command a skill asks to run,
 * so a skill must not stall caro with a long one. The single regexes used before
 * re-scanned a run of letters from each of its letters: a 40 KB command took
 * seconds, a 1 MB one tens of minutes.
 *
 * Each rule is one left-to-right pass: it finds an anchor (`://`, a `?token=`,
 * a word naming a secret, a `-password` flag, a `Bearer` word) with `indexOf` or
 * a regex without repetition, then reads the characters around it with plain
 * loops. What one anchor reads is never read again for another (the comments
 * say why), so every pass is linear.
 *
 * @module
 */

/**
 * Removes credentials from every URL in a text: the userinfo (`user:pass@`, up to
 * the authority's last `@`, since a password may hold `@` itself) and the values of
 * query parameters named like tokens (`token`, `access_token`, `key`, `sig`, …).
 *
 * @param text Any text: a URL, an error message, a command line.
 * @returns The text with each credential replaced by `***`.
 *
 * @example
 * ```ts
 * import { redactCredentials } from "./redact.ts";
 * const text = redactCredentials("fetch https://bob:s3cret@git.example.com/r.git failed");
 * if (text !== "fetch https://***@git.example.com/r.git failed") throw new Error(text);
 * const at = redactCredentials("https://bob:p@ss@h.test/x");
 * if (at !== "https://***@h.test/x") throw new Error(at);
 * const query = redactCredentials("https://h.test/x?access_token=abc&page=2");
 * if (query !== "https://h.test/x?access_token=***&page=2") throw new Error(query);
 * ```
 */
export function redactCredentials(text: string): string {
  return redactQueryTokens(redactUserinfo(text));
}

/**
 * Removes secrets from text bound for a log: what {@link redactCredentials}
 * removes, the values of variables named like secrets (`GITHUB_TOKEN=…`,
 * `DB_PASSWORD='…'`), of flags named like secrets (`--password=…`, `-token …`),
 * and `Bearer`/`Basic`/`token` credentials.
 *
 * @param text Any text: usually a command line or a reason.
 * @returns The text with each secret replaced by `***`.
 *
 * @example
 * ```ts
 * import { redactSecrets } from "./redact.ts";
 * const text = redactSecrets("AWS_SECRET_ACCESS_KEY=abc aws --token=xyz s3 ls");
 * if (text !== "AWS_SECRET_ACCESS_KEY=*** aws --token=*** s3 ls") throw new Error(text);
 * const header = redactSecrets("curl -H 'Authorization: Bearer eyJhbGciOi.x.y'");
 * if (header !== "curl -H 'Authorization: Bearer ***'") throw new Error(header);
 * ```
 */
export function redactSecrets(text: string): string {
  return redactAuthorizations(redactSecretFlags(redactSecretAssignments(redactCredentials(text))));
}

/** The output of one pass: its input with ranges replaced, left to right. */
class Redacted {
  #out = "";
  /** Where the text not yet in `#out` starts; 0 until something is replaced. */
  #rest = 0;

  constructor(readonly text: string) {}

  /** Replaces the characters `[start, end)`, which follow every range replaced before. */
  replace(start: number, end: number, by: string): void {
    this.#out += this.text.slice(this.#rest, start) + by;
    this.#rest = end;
  }

  toString(): string {
    return this.#rest === 0 ? this.text : this.#out + this.text.slice(this.#rest);
  }
}

/**
 * `\s` of a regex: ECMAScript WhiteSpace and LineTerminator. The tests check
 * every code unit against the regexes this module replaced.
 */
function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  return code >= 160 &&
    (code === 160 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
      code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f ||
      code === 0x3000 || code === 0xfeff);
}

/** `\w`, what `\b` counts as a word character: `[A-Za-z0-9_]`. */
function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) || code === 95;
}

/** `[A-Za-z0-9+.-]`: a URL scheme character (RFC 3986 §3.1). */
function isSchemeChar(code: number): boolean {
  return (isWordChar(code) && code !== 95) || code === 43 || code === 46 || code === 45;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

// One loop per class of characters rather than one loop taking a predicate or
// a sticky regex: V8 inlines these, and a regex call per short run cost a third
// of the time on texts full of secrets (measured on 1 MB of `--token `).

/** The end of the run of `\s` characters at `from`. */
function skipSpaces(text: string, from: number): number {
  let end = from;
  while (end < text.length && isSpace(text.charCodeAt(end))) end++;
  return end;
}

/** The end of the run of `\S` characters at `from`. */
function skipNonSpaces(text: string, from: number): number {
  let end = from;
  while (end < text.length && !isSpace(text.charCodeAt(end))) end++;
  return end;
}

/** The end of the run of `[^&\s#]`, a query parameter's value, at `from`. */
function skipQueryValue(text: string, from: number): number {
  let end = from;
  for (; end < text.length; end++) {
    const code = text.charCodeAt(end);
    if (code === 38 || code === 35 || isSpace(code)) break;
  }
  return end;
}

/** The end of the run of `[A-Za-z0-9._~+/=-]`, a bearer token (RFC 6750 §2.1), at `from`. */
function skipTokenChars(text: string, from: number): number {
  let end = from;
  for (; end < text.length; end++) {
    const code = text.charCodeAt(end);
    const isTokenChar = isWordChar(code) || code === 46 || code === 126 || code === 43 ||
      code === 47 || code === 61 || code === 45;
    if (!isTokenChar) break;
  }
  return end;
}

/**
 * The end of a secret's value starting at `from`: a `"…"` or `'…'` string when it
 * is closed, else the run of non-space characters; -1 when there is none.
 */
function valueEnd(text: string, from: number): number {
  const quote = text[from];
  if (quote === '"' || quote === "'") {
    // A quote left open is the last of its kind in the text, so this search
    // fails at most once per kind and per pass; a search that succeeds is
    // consumed by the value it ends.
    const close = text.indexOf(quote, from + 1);
    if (close !== -1) return close + 1;
  }
  const end = skipNonSpaces(text, from);
  return end > from ? end : -1;
}

/** `scheme://user:pass@` → `scheme://***@`, up to the last `@` before a `/` or a space. */
function redactUserinfo(text: string): string {
  const out = new Redacted(text);
  for (let sep = text.indexOf("://"); sep !== -1; sep = text.indexOf("://", sep + 1)) {
    // The scheme is the run of scheme characters before `://`, from its first
    // letter. Runs before two `://` never overlap: `:` and `/` end them, and
    // the `@` that ends a match.
    let start = sep;
    while (start > 0 && isSchemeChar(text.charCodeAt(start - 1))) start--;
    while (start < sep && !isAsciiLetter(text.charCodeAt(start))) start++;
    if (start === sep) continue;
    // A password may hold `@`: the userinfo ends at the authority's last one,
    // and is at least one character long. Authorities after two `://` never
    // overlap: they end at the `/` of the next one.
    const authority = sep + 3;
    let at = -1;
    for (let i = authority; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 47 || isSpace(code)) break;
      if (code === 64) at = i;
    }
    if (at <= authority) continue;
    out.replace(authority, at, "***");
    sep = at;
  }
  return out.toString();
}

/** A query parameter whose value is a credential, as in `?access_token=…`. */
const QUERY_TOKEN =
  /[?&](?:access_token|token|api_key|apikey|key|password|secret|sig|signature)=/gi;

/** `?token=abc` → `?token=***`, the value ending at `&`, `#` or a space. */
function redactQueryTokens(text: string): string {
  const out = new Redacted(text);
  QUERY_TOKEN.lastIndex = 0;
  while (QUERY_TOKEN.test(text)) {
    const value = QUERY_TOKEN.lastIndex;
    const end = skipQueryValue(text, value);
    if (end === value) continue;
    out.replace(value, end, "***");
    QUERY_TOKEN.lastIndex = end;
  }
  return out.toString();
}

/** What the name of a variable holding a secret contains (PASS covers PASSWORD, PASSWD). */
const SECRET_NAME = /SECRET|TOKEN|PASS|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?|AUTH/gi;

/** `DB_PASSWORD='a b'` → `DB_PASSWORD=***`: a whole word naming a secret, then `=`. */
function redactSecretAssignments(text: string): string {
  const out = new Redacted(text);
  SECRET_NAME.lastIndex = 0;
  // Each word is read once, from the first secret name in it: the search goes
  // on after the word (or its value), never inside it again. Searching for the
  // name is what made the old regex quadratic: it backtracked over the word
  // from each of its letters. The search starts at 0 or where a word or a value
  // ended, so the word holding the name found starts after it: a whole word.
  while (SECRET_NAME.test(text)) {
    let eq = SECRET_NAME.lastIndex;
    while (eq < text.length && isWordChar(text.charCodeAt(eq))) eq++;
    SECRET_NAME.lastIndex = eq;
    if (text[eq] !== "=") continue;
    const end = valueEnd(text, eq + 1);
    if (end === -1) continue;
    out.replace(eq + 1, end, "***");
    SECRET_NAME.lastIndex = end;
  }
  return out.toString();
}

/** A flag whose value is a secret, then its separator: `--password=`, `-token `. */
const SECRET_FLAG =
  /-(?:password|passwd|token|secret|api-key|apikey|access-key|secret-key|auth)(?=[=\s])/gi;

/** `--password=x`, `-token x` → `--password=***`, `-token ***`. */
function redactSecretFlags(text: string): string {
  const out = new Redacted(text);
  SECRET_FLAG.lastIndex = 0;
  while (SECRET_FLAG.test(text)) {
    const name = SECRET_FLAG.lastIndex;
    const value = text[name] === "=" ? name + 1 : skipSpaces(text, name);
    const end = valueEnd(text, value);
    if (end === -1) continue;
    out.replace(value, end, "***");
    SECRET_FLAG.lastIndex = end;
  }
  return out.toString();
}

/** An HTTP authorization scheme or `token`, as a whole word, then a space. */
const AUTHORIZATION = /\b(?:Bearer|Basic|token)(?=\s)/g;

/** `Bearer eyJ…` → `Bearer ***`: a credential of eight or more token characters. */
function redactAuthorizations(text: string): string {
  const out = new Redacted(text);
  AUTHORIZATION.lastIndex = 0;
  while (AUTHORIZATION.test(text)) {
    const after = AUTHORIZATION.lastIndex;
    const credential = skipSpaces(text, after);
    const end = skipTokenChars(text, credential);
    if (end - credential < 8) continue;
    out.replace(after, end, " ***");
    AUTHORIZATION.lastIndex = end;
  }
  return out.toString();
}
