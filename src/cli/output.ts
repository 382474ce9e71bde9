import pc from "picocolors";

/** Output formats of commands that print data (SPEC §9 `--format`). */
export type Format = "text" | "table" | "json" | "yaml";

/** Global options every command sees. */
export interface GlobalOptions {
  home?: string;
  quiet?: boolean;
  color?: boolean;
  skills?: string;
}

/**
 * Where a command writes: results to stdout, progress and diagnostics to
 * stderr, so `--format json` output never mixes with anything else (SPEC §9).
 */
export class Output {
  readonly isColor: boolean;
  readonly isQuiet: boolean;
  readonly colors: ReturnType<typeof pc.createColors>;

  constructor(options: { quiet?: boolean; color?: boolean } = {}) {
    const noColorEnv = (Deno.env.get("NO_COLOR") ?? "") !== "";
    this.isColor = options.color !== false && !noColorEnv && Deno.stderr.isTerminal();
    this.isQuiet = options.quiet === true;
    this.colors = pc.createColors(this.isColor);
  }

  /** A line of the command's result, on stdout. */
  line(text = ""): void {
    writeAll(Deno.stdout, `${text}\n`);
  }

  /** A value as pretty JSON on stdout. */
  json(value: unknown): void {
    writeAll(Deno.stdout, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Progress or status, on stderr; silent with `--quiet`. */
  progress(text: string): void {
    if (!this.isQuiet) writeAll(Deno.stderr, `${text}\n`);
  }

  /** A diagnostic or warning, on stderr even with `--quiet`. */
  diagnostic(text: string): void {
    writeAll(Deno.stderr, `${text}\n`);
  }
}

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}
