import type { FetchProgress } from "../sources/mod.ts";
import type { Output } from "./output.ts";

/**
 * Draws fetch progress on stderr: a redrawn bar on a terminal, else a plain
 * line a second; nothing with `--quiet`.
 *
 * @example
 * ```ts
 * import { progressReporter } from "./progress.ts";
 * import { Output } from "./output.ts";
 * const bar = progressReporter(new Output({ quiet: true, color: false }), () => "x");
 * bar.report({ kind: "download", bytes: 1, total: 1, rate: 1 });
 * bar.end();
 * ```
 */
export function progressReporter(
  out: Output,
  format: (progress: FetchProgress, width?: number) => string,
): { report: (p: FetchProgress) => void; end: () => void } {
  const isTerminal = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  let drawn = false;
  let last = 0;
  let lastText = "";
  const write = (text: string) => {
    let bytes = encoder.encode(text);
    while (bytes.length > 0) bytes = bytes.subarray(Deno.stderr.writeSync(bytes));
  };
  return {
    report: (progress) => {
      if (out.isQuiet) return;
      const now = performance.now();
      const done = progress.kind === "download"
        ? progress.total !== undefined && progress.bytes >= progress.total
        : progress.total !== undefined && progress.loaded >= progress.total;
      if (now - last < (isTerminal ? 100 : 1000) && !done) return;
      const text = format(progress, isTerminal ? 24 : 0);
      // git reports the end of a phase more than once.
      if (text === lastText) return;
      last = now;
      lastText = text;
      if (isTerminal) {
        write(`\r${text}\x1b[K`);
        drawn = true;
      } else {
        write(`${text}\n`);
      }
    },
    end: () => {
      if (drawn) write("\n");
      drawn = false;
    },
  };
}
