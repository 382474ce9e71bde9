export { CARO_VERSION } from "../store/mod.ts";
