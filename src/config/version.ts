import meta from "../../deno.json" with { type: "json" };

/**
 * The running caro skills version, from deno.json: checked against a skill's
 * `min_caro_version` and part of the bundled skills' fingerprint in the index.
 *
 * @example
 * ```ts
 * import { CARO_VERSION } from "./version.ts";
 * if (!/^\d+\.\d+\.\d+/.test(CARO_VERSION)) throw new Error(CARO_VERSION);
 * ```
 */
export const CARO_VERSION: string = meta.version;
