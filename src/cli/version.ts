import meta from "../../deno.json" with { type: "json" };

/** The running caro skills version, from deno.json. */
export const CARO_VERSION: string = meta.version;
