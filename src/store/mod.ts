/**
 * The skill store: `$CARO_HOME`, installed skills and the bundled `core.*` skills.
 *
 * @module
 */
export { bundledSkillsDir, isBundledPath } from "./bundled.ts";
