import type { Capabilities } from "../capability/mod.ts";

/** Current skill API version (SPEC §2): same major loads, other minor warns. */
export const API_VERSION = "1.0";

/** Namespaces a skill id may use; `core` is reserved for bundled skills. */
export const NAMESPACES = ["core", "cloud", "tool", "lang", "platform", "custom"] as const;

/** How a recipe step is confirmed (SPEC §3). */
export type Confirmation = "auto" | "prompt" | "always";

/** One resolved `[dependencies]` entry. */
export interface Dependency {
  /** Id of the skill depended on. */
  id: string;
  /** SPEC §2 range text, e.g. `>=1.0,<2.0`. */
  range: string;
  optional: boolean;
  features: string[];
}

/**
 * What a skill is, whichever format it was written in: `skill.toml` or an
 * AgentSkills `SKILL.md` (read as a knowledge skill `custom.<name>`).
 */
export interface SkillManifest {
  /** The file the manifest came from. */
  format: "skill.toml" | "SKILL.md";
  id: string;
  name: string;
  version: string;
  description: string;
  apiVersion: string;
  authors: string[];
  license?: string;
  repository?: string;
  documentation?: string;
  keywords: string[];
  minCaroVersion?: string;
  provides: { knowledge: boolean; recipes: boolean; executable: boolean };
  knowledge: {
    topics: string[];
    priority: number;
    maxContextTokens: number;
    synonyms: Record<string, string[]>;
  };
  recipes: { files: string[]; defaultConfirmation: Confirmation };
  executable?: { module: string; exports: string[] };
  /** What the skill requests; granting is the user's (SPEC §6). */
  capabilities: Capabilities;
  dependencies: Dependency[];
  suggestions: Record<string, string>;
  features: Record<string, { description: string; default: boolean }>;
  platform: { os: string[]; arch: string[]; requiredTools: string[]; optionalTools: string[] };
  /** AgentSkills extras (`allowed-tools`, `metadata`), kept for display. */
  agentSkill?: { allowedTools: string[]; metadata: Record<string, unknown> };
}

/**
 * What matching needs of one recipe, kept in the `skills.json` index so
 * `caro context` and `caro ask` suggest recipes without reading YAML.
 */
export interface RecipeSummary {
  id: string;
  name: string;
  description: string;
  /** The recipe's `triggers`, in the recipe format's own shape. */
  triggers: { keywords: string[]; intent: string[]; context: { has_files: string[] } };
}
