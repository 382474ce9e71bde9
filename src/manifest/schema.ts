import { z } from "zod";
import { TerminalExecSchema } from "../capability/mod.ts";

// The raw skill.toml format of SPEC §2, table by table. Strict objects so that
// unknown keys surface (as warnings, with the nearest known key as a hint).

const text = z.string();
const words = z.array(z.string());

/** `[skill]`. */
export const SkillTableSchema = z.strictObject({
  id: text,
  name: text.min(1),
  version: text,
  description: text.min(1),
  api_version: text,
  authors: words.optional(),
  license: text.optional(),
  repository: text.optional(),
  documentation: text.optional(),
  keywords: words.optional(),
  min_caro_version: text.optional(),
});

/** `[provides]`. */
export const ProvidesTableSchema = z.strictObject({
  knowledge: z.boolean().default(false),
  recipes: z.boolean().default(false),
  executable: z.boolean().default(false),
});

/** `[knowledge]`. */
export const KnowledgeTableSchema = z.strictObject({
  topics: words.default([]),
  priority: z.int().default(50),
  max_context_tokens: z.int().positive().default(1000),
  synonyms: z.record(z.string(), words).default({}),
});

/** Confirmation level of a recipe step (SPEC §3). */
export const ConfirmationSchema = z.enum(["auto", "prompt", "always"]);

/** `[recipes]`. */
export const RecipesTableSchema = z.strictObject({
  files: words.default(["recipes/*.yaml"]),
  default_confirmation: ConfirmationSchema.default("prompt"),
});

/** `[executable]`. */
export const ExecutableTableSchema = z.strictObject({
  module: text.min(1),
  exports: words.default([]),
});

/** `[capabilities]`: strict here so a typo in a request is reported. */
export const CapabilitiesTableSchema = z.strictObject({
  terminal_exec: z.strictObject(TerminalExecSchema.shape).optional(),
  filesystem_read: words.default([]),
  filesystem_write: words.default([]),
  network: words.default([]),
  env_read: words.default([]),
  secrets_access: z.boolean().default(false),
});

/** One `[dependencies]` entry: `"id" = "range"` or a table. */
export const DependencySchema = z.union([
  text,
  z.strictObject({
    version: text,
    optional: z.boolean().default(false),
    features: words.default([]),
  }),
]);

/** One `[features]` entry. */
export const FeatureSchema = z.strictObject({
  description: text.default(""),
  default: z.boolean().default(false),
});

/** `[platform]`. */
export const PlatformTableSchema = z.strictObject({
  os: words.default([]),
  arch: words.default([]),
  required_tools: words.default([]),
  optional_tools: words.default([]),
});

/** The whole `skill.toml` document. */
export const SkillTomlSchema = z.strictObject({
  skill: SkillTableSchema,
  provides: ProvidesTableSchema,
  knowledge: KnowledgeTableSchema.optional(),
  recipes: RecipesTableSchema.optional(),
  executable: ExecutableTableSchema.optional(),
  capabilities: CapabilitiesTableSchema.optional(),
  dependencies: z.record(z.string(), DependencySchema).default({}),
  suggestions: z.record(z.string(), text).default({}),
  features: z.record(z.string(), FeatureSchema).default({}),
  platform: PlatformTableSchema.optional(),
});

/** The raw `skill.toml` document, as written. */
export type SkillToml = z.infer<typeof SkillTomlSchema>;

/** AgentSkills `SKILL.md` front matter (https://agentskills.io). */
export const AgentSkillFrontMatterSchema = z.strictObject({
  name: text,
  description: text,
  license: text.optional(),
  "allowed-tools": z.union([text, words]).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  compatibility: text.optional(),
});

/** The raw `SKILL.md` front matter. */
export type AgentSkillFrontMatter = z.infer<typeof AgentSkillFrontMatterSchema>;
