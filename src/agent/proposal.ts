/** The command the model proposes and what it says about it. */
export interface Proposal {
  /** The shell command (the first fenced block), or null when the answer has none. */
  command: string | null;
  /** The rest of the answer: the explanation, or the model's question. */
  explanation: string;
}

/**
 * Reads a model answer in the base prompt's shape: the command in the first
 * fenced code block, then the explanation.
 *
 * @example
 * ```ts
 * import { parseProposal } from "./proposal.ts";
 * const p = parseProposal("~~~sh\nfind . -size +100M\n~~~\n- `-size +100M`: over 100 MiB\n");
 * if (p.command !== "find . -size +100M" || !p.explanation.startsWith("- `-size")) throw new Error();
 * if (parseProposal("Which directory?").command !== null) throw new Error();
 * ```
 */
export function parseProposal(answer: string): Proposal {
  const text = answer.replace(/\r\n/g, "\n");
  const fence = /^[ \t]*(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n[ \t]*\1[ \t]*$/m.exec(text);
  if (!fence) return { command: null, explanation: text.trim() };
  const command = fence[2].split("\n").filter((l) => !/^\s*\$\s*$/.test(l))
    .map((l) => l.replace(/^\s*\$\s+/, "")).join("\n").trim();
  const explanation = `${text.slice(0, fence.index)}\n${text.slice(fence.index + fence[0].length)}`
    .trim();
  return { command: command === "" ? null : command, explanation };
}
