/**
 * The program's own settings: `config.toml` read and parsed in one place
 * ({@link readConfig}; each owner reads its own table from the result), and the
 * running version ({@link CARO_VERSION}).
 *
 * @example
 * ```ts
 * import { CARO_VERSION, parseConfig } from "./mod.ts";
 * const config = await parseConfig('[skills.capabilities]\nnever_grant = ["network"]\n');
 * if (!("skills" in config.data) || CARO_VERSION === "") throw new Error();
 * ```
 *
 * @module
 */
export { type CaroConfig, parseConfig, readConfig } from "./config.ts";
export { CARO_VERSION } from "./version.ts";
