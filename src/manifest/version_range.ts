import * as semver from "semver";

/**
 * Parses a dependency range of SPEC §2 (`>=1.0`, `<2.0`, `>=1.0,<2.0`, `1.0`,
 * `*`) into a `semver` range. Commas mean "and"; a bare version means
 * "compatible with" (`1.0` = `^1.0`), as in Cargo. Returns `null` when invalid.
 *
 * @example
 * ```ts
 * import { parseVersionRange } from "./version_range.ts";
 * import * as semver from "semver";
 * const range = parseVersionRange(">=1.0,<2.0")!;
 * if (!semver.satisfies("1.4.2", range) || semver.satisfies("2.0.0", range)) throw new Error();
 * if (!semver.satisfies("1.9.0", parseVersionRange("1.0")!)) throw new Error();
 * if (parseVersionRange("banana") !== null) throw new Error();
 * ```
 */
export function parseVersionRange(text: string): semver.Range | null {
  const parts = text.split(",").map((part) => part.trim());
  if (parts.some((part) => part === "")) return null;
  const normalized = parts.map((part) => (/^\d/.test(part) ? `^${part}` : part)).join(" ");
  try {
    return new semver.Range(normalized);
  } catch {
    return null;
  }
}

/**
 * The highest version in `versions` that satisfies the SPEC §2 range, or null.
 *
 * @example
 * ```ts
 * import { bestVersion } from "./version_range.ts";
 * if (bestVersion(["1.0.0", "1.2.0", "2.0.0"], "<2.0") !== "1.2.0") throw new Error();
 * ```
 */
export function bestVersion(versions: readonly string[], range: string): string | null {
  const parsed = parseVersionRange(range);
  return parsed ? semver.maxSatisfying([...versions], parsed) : null;
}
