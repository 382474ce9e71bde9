// C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidi and
// invisible format characters that reorder or hide text on a terminal. Matching
// control characters is this pattern's whole purpose.
const HIDING =
  // deno-lint-ignore no-control-regex
  /[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * A command as the user must see it before confirming it: every character that
 * could move the cursor, erase, recolour or reorder text (`\r`, escape
 * sequences, bidi overrides) written as a visible `\x..`/`\u....` escape, so
 * what is shown is what runs. `hasHidden` tells whether anything was escaped.
 *
 * @example
 * ```ts
 * import { visibleCommand } from "./visible.ts";
 * const shown = visibleCommand("rm -rf ~/x\r\x1b[2Kls -la");
 * if (!shown.hasHidden || shown.text !== "rm -rf ~/x\\x0d\\x1b[2Kls -la") throw new Error(shown.text);
 * if (visibleCommand("ls -la\n").hasHidden) throw new Error();
 * ```
 */
export function visibleCommand(command: string): { text: string; hasHidden: boolean } {
  let hasHidden = false;
  const text = command.replace(HIDING, (ch) => {
    hasHidden = true;
    const code = ch.codePointAt(0)!;
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
  return { text, hasHidden };
}
