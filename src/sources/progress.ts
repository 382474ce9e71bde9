/**
 * Progress text of a fetch: a bar with size, rate and ETA for a download, object counts for
 * a git fetch. Pure, so the CLI chooses where (and whether) to draw it.
 *
 * @module
 */

import type { FetchProgress } from "./source.ts";

/**
 * One line describing a fetch's progress; `width` is the bar's width in cells (0 for none).
 *
 * @example
 * ```ts
 * import { formatFetchProgress } from "./progress.ts";
 * const line = formatFetchProgress({ kind: "download", bytes: 512 * 1024, total: 1024 * 1024, rate: 256 * 1024 }, 10);
 * if (line !== "Downloading [=====     ]  50%  512 KiB / 1.0 MiB  256 KiB/s  ETA 2s") throw new Error(line);
 * const git = formatFetchProgress({ kind: "git", phase: "Receiving objects", loaded: 3, total: 10 }, 0);
 * if (git !== "Receiving objects 3/10") throw new Error(git);
 * ```
 */
export function formatFetchProgress(progress: FetchProgress, width = 24): string {
  if (progress.kind === "git") {
    return progress.total
      ? `${progress.phase} ${progress.loaded}/${progress.total}`
      : `${progress.phase} ${progress.loaded}`;
  }
  const { bytes, total, rate } = progress;
  const parts: string[] = [];
  if (total && total > 0) {
    const share = Math.min(1, bytes / total);
    if (width > 0) {
      const filled = Math.round(share * width);
      parts.push(`[${"=".repeat(filled)}${" ".repeat(width - filled)}]`);
    }
    parts.push(`${Math.floor(share * 100)}%`);
    parts.push(`${formatBytes(bytes)} / ${formatBytes(total)}`);
  } else {
    parts.push(formatBytes(bytes));
  }
  parts.push(`${formatBytes(rate)}/s`);
  if (total && rate > 0 && bytes < total) {
    parts.push(`ETA ${formatSeconds((total - bytes) / rate)}`);
  }
  return `Downloading ${parts.join("  ")}`;
}

/**
 * Bytes in B, KiB, MiB or GiB.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./progress.ts";
 * if (formatBytes(1536) !== "1.5 KiB") throw new Error(formatBytes(1536));
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}
