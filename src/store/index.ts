import { z } from "zod";
import { CapabilitiesSchema } from "../capability/schema.ts";

/**
 * One skill in `skills.json`: everything needed to list skills and to match a
 * prompt against them without opening any skill folder. Unknown keys are kept.
 *
 * @example
 * ```ts
 * import { SkillIndexEntrySchema } from "./index_schema.ts";
 * const entry = SkillIndexEntrySchema.parse({
 *   id: "tool.jq", name: "jq", version: "1.0.0", description: "JSON on the command line",
 *   format: "skill.toml", source: "file:///src/jq", path: "/home/u/.caro/skills/tool.jq",
 *   enabled: true, bundled: false, provides: { knowledge: true, recipes: false, executable: false },
 *   topics: ["json"], integrity: `sha256:${"0".repeat(64)}`, installed: "2026-01-01T00:00:00.000Z",
 * });
 * if (entry.priority !== 50 || entry.maxContextTokens !== 1000) throw new Error();
 * ```
 */
export const SkillIndexEntrySchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  version: z.string(),
  description: z.string(),
  /** `skill.toml` or an AgentSkills `SKILL.md`. */
  format: z.enum(["skill.toml", "SKILL.md"]),
  /** Where it was installed from (`file:///…`, …); `bundled` for the `core.*` skills. */
  source: z.string(),
  /** Absolute path of the skill folder. */
  path: z.string(),
  enabled: z.boolean(),
  /** Ships inside caro (`core.*`), needs no install. */
  bundled: z.boolean(),
  provides: z.object({ knowledge: z.boolean(), recipes: z.boolean(), executable: z.boolean() }),
  topics: z.array(z.string()).default([]),
  keywords: z.array(z.string()).default([]),
  synonyms: z.record(z.string(), z.array(z.string())).default({}),
  priority: z.number().int().default(50),
  maxContextTokens: z.number().int().default(1000),
  /** The always-injected context file, relative to `path`. */
  contextFile: z.string().nullable().default(null),
  /** Other knowledge markdown, relative to `path`. */
  knowledgeFiles: z.array(z.string()).default([]),
  /** Recipe YAML files, relative to `path`. */
  recipeFiles: z.array(z.string()).default([]),
  /**
   * What matching needs of each recipe (id, name, description, triggers), so
   * recipe suggestions read no YAML; absent in an index written before it.
   */
  recipes: z.array(z.object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    triggers: z.object({
      keywords: z.array(z.string()),
      intent: z.array(z.string()),
      context: z.object({ has_files: z.array(z.string()) }),
    }),
  })).optional(),
  /** What the skill's manifest requests (not what is granted: that is in the lock). */
  requestedCapabilities: CapabilitiesSchema.default(CapabilitiesSchema.parse({})),
  dependencies: z.array(z.object({
    id: z.string(),
    range: z.string(),
    optional: z.boolean(),
    features: z.array(z.string()).default([]),
  })).default([]),
  /** Features chosen at install (`--features`, defaults). */
  features: z.array(z.string()).default([]),
  /** The canonical tree hash; null for bundled skills. */
  integrity: z.string().nullable(),
  /** RFC 3339 install time; null for bundled skills. */
  installed: z.string().nullable(),
});

/** One skill of the index. */
export type SkillIndexEntry = z.infer<typeof SkillIndexEntrySchema>;

/**
 * `skills.json`: `version`, a fingerprint of the bundled skills it was built
 * from, and the entries sorted by id.
 *
 * @example
 * ```ts
 * import { SkillIndexSchema } from "./index_schema.ts";
 * const index = SkillIndexSchema.parse({ version: 1, bundledFingerprint: "", skills: [] });
 * if (index.skills.length !== 0) throw new Error();
 * ```
 */
export const SkillIndexSchema = z.looseObject({
  version: z.literal(1),
  bundledFingerprint: z.string(),
  skills: z.array(SkillIndexEntrySchema),
});

/** The whole `skills.json`. */
export type SkillIndexData = z.infer<typeof SkillIndexSchema>;
