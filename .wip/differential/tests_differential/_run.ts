/**
 * The outside of the differential test: splits the lines over throwaway
 * namespaces (one per core; each builds its own world), runs the harness in
 * each, and turns the records into a report grouped the way the escapes are
 * fixed: by mode, then by the construct the line was built from, then by
 * what escaped (exec, write, secret, network).
 *
 * @module
 */
import type { GeneratedLine } from "./_generator.ts";
import type { Job, LineResult, Mode, RunMode } from "./_harness.ts";
import { LINE_UID, type NamespaceRun, runInThrowawayNamespace } from "./_namespace.ts";
import { worldEnvironment } from "./_world.ts";

const HARNESS = new URL("./_harness.ts", import.meta.url).pathname;
const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** Options of {@link runDifferential}. */
export interface DifferentialOptions {
  lines: GeneratedLine[];
  modes: RunMode[];
  /** How many allowed and refused lines (in all) also run through the real CLI. */
  cli?: { allowed: number; refused: number };
  /** Per run (default 20 s). */
  timeoutMs?: number;
  /** Namespaces run side by side (default 2). */
  shards?: number;
  /** Run the lines without the enforcer (tracer tests). */
  skipEnforcer?: boolean;
  /** Progress lines from the harnesses. */
  onProgress?: (text: string) => void;
}

/** The records of a run, in line order, and how long it took. */
export interface DifferentialRun {
  results: LineResult[];
  wallMs: number;
}

/**
 * Runs the lines in throwaway namespaces and returns one record per line.
 *
 * @throws {Error} when a harness fails (its stderr is in the message)
 */
export async function runDifferential(options: DifferentialOptions): Promise<DifferentialRun> {
  const t0 = performance.now();
  const shards = Math.max(1, Math.min(options.shards ?? 2, options.lines.length));
  const aws = await awsProgram();
  const keep = await foldersToKeep(aws);
  const env: Record<string, string> = {
    ...worldEnvironment(),
    DENO_DIR: denoDir(),
    TMPDIR: "/srv/diff/tmp",
    NO_COLOR: "1",
    ...(aws ? { CARO_DIFF_AWS: aws } : {}),
  };
  const cli = options.cli ?? { allowed: 0, refused: 0 };
  const runs: Promise<NamespaceRun>[] = [];
  for (let s = 0; s < shards; s++) {
    const job: Job = {
      lines: options.lines.filter((_, i) => i % shards === s),
      modes: options.modes,
      // The CLI sample is split over the shards.
      cli: {
        allowed: Math.ceil(cli.allowed / shards),
        refused: Math.ceil(cli.refused / shards),
      },
      timeoutMs: options.timeoutMs ?? 20_000,
      skipEnforcer: options.skipEnforcer,
    };
    runs.push(
      runInThrowawayNamespace(
        [
          "bash",
          "-c",
          // The world is built as root, then the harness runs as the line user.
          `"$0" "$@" --prepare </dev/null && exec setpriv --reuid=${LINE_UID} ` +
          `--regid=${LINE_UID} --clear-groups -- "$0" "$@"`,
          Deno.execPath(),
          "run",
          "--quiet",
          "--config",
          `${REPO}/deno.json`,
          "-A",
          HARNESS,
        ],
        {
          env,
          keep,
          cwd: REPO,
          stdin: JSON.stringify(job),
          onStderr: (chunk) => options.onProgress?.(chunk.replaceAll(/^/gm, `[${s}] `).trimEnd()),
        },
      ),
    );
  }
  const results: LineResult[] = [];
  for (const [s, run] of (await Promise.all(runs)).entries()) {
    if (run.code !== 0) {
      throw new Error(
        `differential shard ${s} failed (exit ${run.code}):\n${run.stderr.slice(-4000)}`,
      );
    }
    for (const line of run.stdout.split("\n")) {
      if (line.trim() !== "") results.push(JSON.parse(line) as LineResult);
    }
  }
  results.sort((a, b) => a.n - b.n);
  return { results, wallMs: performance.now() - t0 };
}

function denoDir(): string {
  return Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME") ?? "/root"}/.cache/deno`;
}

/** What the namespace hides (`/root`, `/home`) but the harness needs: the Deno cache, binary, repo, aws. */
async function foldersToKeep(aws: string | null): Promise<string[]> {
  const hidden = (path: string) => /^\/(root|home)(\/|$)/.test(path);
  const wanted = [
    denoDir(),
    Deno.execPath().slice(0, Deno.execPath().lastIndexOf("/")),
    REPO,
  ];
  // pyenv: …/versions/3.11.7/bin/aws runs …/versions/3.11.7/bin/python.
  if (aws) wanted.push(aws.replace(/\/bin\/aws$/, ""));
  const out: string[] = [];
  for (const path of wanted) {
    const real = await Deno.realPath(path).catch(() => null);
    if (real !== null && hidden(real) && !out.includes(real)) out.push(real);
  }
  return out;
}

/** The real aws program (through a pyenv shim), or null. */
async function awsProgram(): Promise<string | null> {
  const out = await new Deno.Command("bash", {
    args: [
      "-c",
      'p=$(command -v aws) || exit 1; if grep -q pyenv "$p" 2>/dev/null && command -v pyenv >/dev/null; then pyenv which aws; else echo "$p"; fi',
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const path = new TextDecoder().decode(out.stdout).trim();
  return out.success && path !== "" ? await Deno.realPath(path).catch(() => null) : null;
}

/** Escapes of one construct class and kind, with example lines. */
export interface EscapeGroup {
  mode: Mode;
  construct: string;
  kind: string;
  /** How many lines escaped this way. */
  lines: number;
  examples: Array<{ n: number; policy: string; line: string; details: string[] }>;
}

/** Lines whose escape had the same signature, with the classes they came from. */
export interface SignatureGroup {
  mode: Mode;
  signature: string;
  lines: number;
  constructs: Record<string, number>;
  examples: Array<{ n: number; policy: string; line: string }>;
}

/** What a run found, by mode. */
export interface DifferentialReport {
  generated: number;
  allowed: number;
  refused: number;
  /** Per mode: lines run, lines with an escape, runs that never started, timing. */
  modes: Partial<
    Record<Mode, {
      run: number;
      escaped: number;
      notStarted: number;
      errors: number;
      minMs: number;
      medianMs: number;
    }>
  >;
  checkMs: { min: number; median: number };
  groups: EscapeGroup[];
  /** The same escapes by what escaped (`exec /usr/bin/id`, `secret ~/.kube/config`), across classes. */
  signatures: SignatureGroup[];
  /** CLI runs whose decision or escapes differ from the library's sandbox run. */
  cliMismatches: Array<{ n: number; line: string; library: string; cli: string }>;
}

/** Summarises the records (examples: up to `examples` per group). */
export function summarize(results: readonly LineResult[], examples = 5): DifferentialReport {
  const allowed = results.filter((r) => r.decision !== "refused");
  const report: DifferentialReport = {
    generated: results.length,
    allowed: allowed.length,
    refused: results.length - allowed.length,
    modes: {},
    checkMs: {
      min: Math.min(...results.map((r) => r.checkMs)),
      median: median(results.map((r) => r.checkMs)),
    },
    groups: [],
    signatures: [],
    cliMismatches: [],
  };
  const signatures = new Map<string, SignatureGroup>();
  const groups = new Map<string, EscapeGroup>();
  for (const mode of ["sandbox", "enforcer", "sandbox-alone", "cli"] as const) {
    const runs = results.filter((r) => r.modes[mode] !== undefined);
    if (runs.length === 0) continue;
    const times = runs.map((r) => r.modes[mode]!.ms).filter((ms) => ms > 0);
    report.modes[mode] = {
      run: runs.length,
      escaped: runs.filter((r) => r.modes[mode]!.escapes.length > 0).length,
      notStarted: runs.filter((r) => !r.modes[mode]!.started && !r.modes[mode]!.refused).length,
      errors: runs.filter((r) => r.modes[mode]!.error !== undefined).length,
      minMs: times.length ? Math.min(...times) : 0,
      medianMs: median(times),
    };
    for (const r of runs) {
      const byKind = new Map<string, string[]>();
      for (const e of r.modes[mode]!.escapes) {
        byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e.detail]);
      }
      for (const signature of new Set(r.modes[mode]!.escapes.map(signatureOf))) {
        const key = `${mode}\0${signature}`;
        const group = signatures.get(key) ??
          { mode, signature, lines: 0, constructs: {}, examples: [] };
        group.lines++;
        group.constructs[r.construct] = (group.constructs[r.construct] ?? 0) + 1;
        if (group.examples.length < 3) {
          group.examples.push({ n: r.n, policy: r.policy, line: r.line });
        }
        signatures.set(key, group);
      }
      for (const [kind, details] of byKind) {
        const key = `${mode}\0${r.construct}\0${kind}`;
        const group = groups.get(key) ??
          { mode, construct: r.construct, kind, lines: 0, examples: [] };
        group.lines++;
        if (group.examples.length < examples) {
          group.examples.push({
            n: r.n,
            policy: r.policy,
            line: r.line,
            details: details.slice(0, 3),
          });
        }
        groups.set(key, group);
      }
    }
  }
  report.groups = [...groups.values()].sort((a, b) =>
    a.mode.localeCompare(b.mode) || b.lines - a.lines || a.construct.localeCompare(b.construct)
  );
  report.signatures = [...signatures.values()].sort((a, b) =>
    a.mode.localeCompare(b.mode) || b.lines - a.lines || a.signature.localeCompare(b.signature)
  );
  for (const r of results) {
    const cli = r.modes.cli;
    if (!cli) continue;
    const library = r.decision === "refused" ? "refused" : kindsOf(r.modes.sandbox?.escapes ?? []);
    const viaCli = cli.refused
      ? "refused"
      : cli.error !== undefined
      ? `failed: ${cli.error}`
      : kindsOf(cli.escapes);
    if (library !== viaCli) {
      report.cliMismatches.push({ n: r.n, line: r.line, library, cli: viaCli });
    }
  }
  return report;
}

/**
 * What escaped, without the line's particulars: the program run, the path
 * written (project and home shortened, temporary names folded), the decoy
 * read, the address reached.
 *
 * @example
 * ```ts
 * import { signatureOf } from "./_run.ts";
 * const s = signatureOf({ kind: "write", detail: "openat /home/dev/work/project/.git/index.lock" });
 * if (s !== "write ./.git/index.lock") throw new Error(s);
 * ```
 */
export function signatureOf(escape: { kind: string; detail: string }): string {
  let d = escape.detail.replace(/ \(seen on the host afterwards\)$/, "");
  if (escape.kind === "exec") d = d.replace(/ \(.*$/, "");
  if (escape.kind === "write") {
    d = d.replace(/^(\S+) /, "").replace(/\s.*$/, "");
  }
  if (escape.kind === "network") d = d.replace(/ \([A-Z]+\)$/, "");
  d = d
    .replaceAll("/home/dev/work/project/", "./")
    .replaceAll("/home/dev/", "~/")
    .replace(/\/objects\/[0-9a-f]{2}(\/\S*)?/, "/objects/*")
    .replace(/(tmp_obj_|sort|git-blob-|tmp\.)[A-Za-z0-9]{6,}/g, "$1*")
    .replace(/…$/, "");
  return `${escape.kind} ${d}`;
}

function kindsOf(escapes: ReadonlyArray<{ kind: string }>): string {
  const kinds = [...new Set(escapes.map((e) => e.kind))].sort();
  return kinds.length === 0 ? "contained" : `escaped: ${kinds.join(",")}`;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Shows a line on one terminal line: control characters made visible. */
export function visible(line: string): string {
  // deno-lint-ignore no-control-regex -- making control characters visible is the point
  return line.replace(/[\x00-\x1f\x7f]/g, (c) => {
    const named: Record<string, string> = {
      "\n": "\\n",
      "\t": "\\t",
      "\r": "\\r",
      "\v": "\\v",
      "\f": "\\f",
    };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}

/** The report as text: figures, then each group with its examples. */
export function formatReport(report: DifferentialReport, header: string): string {
  const out: string[] = [header];
  out.push(
    `lines generated ${report.generated}, allowed ${report.allowed}, refused ${report.refused}; ` +
      `enforcer check min ${report.checkMs.min} ms, median ${report.checkMs.median} ms`,
  );
  for (const [mode, m] of Object.entries(report.modes)) {
    out.push(
      `${mode.padEnd(8)} run ${m.run}, escaped ${m.escaped}, not started ${m.notStarted}, ` +
        `errors ${m.errors}; per line min ${m.minMs} ms, median ${m.medianMs} ms`,
    );
  }
  const byMode = new Map<string, EscapeGroup[]>();
  for (const g of report.groups) byMode.set(g.mode, [...(byMode.get(g.mode) ?? []), g]);
  for (const [mode, groups] of byMode) {
    out.push("", `escapes in mode ${mode} (class / what escaped: lines):`);
    for (const g of groups) {
      out.push(`  ${g.construct} / ${g.kind}: ${g.lines}`);
      for (const e of g.examples) {
        out.push(`    #${e.n} [${e.policy}] ${visible(e.line)}`);
        for (const d of e.details) out.push(`        ${visible(d)}`);
      }
    }
  }
  const bySignature = new Map<string, SignatureGroup[]>();
  for (const g of report.signatures) {
    bySignature.set(g.mode, [...(bySignature.get(g.mode) ?? []), g]);
  }
  for (const [mode, groups] of bySignature) {
    out.push("", `the same escapes in mode ${mode}, by what escaped (lines; classes):`);
    for (const g of groups.slice(0, 40)) {
      const classes = Object.entries(g.constructs).sort((a, b) => b[1] - a[1])
        .map(([c, n]) => `${c} ${n}`).join(", ");
      out.push(`  ${visible(g.signature)}: ${g.lines}; ${classes}`);
      for (const e of g.examples.slice(0, 2)) {
        out.push(`    #${e.n} [${e.policy}] ${visible(e.line)}`);
      }
    }
    if (groups.length > 40) out.push(`  … and ${groups.length - 40} more signatures`);
  }
  if (report.cliMismatches.length > 0) {
    out.push("", "CLI runs that differ from the library's:");
    for (const m of report.cliMismatches) {
      out.push(`  #${m.n} ${visible(m.line)}: library ${m.library}, cli ${m.cli}`);
    }
  }
  return out.join("\n");
}
