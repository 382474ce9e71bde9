export { CARO_VERSION } from "../config/mod.ts";
