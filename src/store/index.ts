import { z } from "zod";
import { CapabilitiesSchema } from "../capability/mod.ts";
import { SkillError } from "../errors/mod.ts";
import { didYouMean } from "../suggest/mod.ts";
import type { LockedSkill } from "../lockfile/mod.ts";
import type { LoadedSkill } from "../manifest/mod.ts";

/**
 * One skill in `skills.json`: everything needed to list skills and to match a
 * prompt against them without opening any skill folder. Unknown keys are kept.
 *
 * @example
 * ```ts
 * import { SkillIndexEntrySchema } from "./index.ts";
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
 * import { SkillIndexSchema } from "./index.ts";
 * const index = SkillIndexSchema.parse({ version: 1, bundledFingerprint: "", skills: [] });
 * if (index.skills.length !== 0) throw new Error();
 * ```
 */
export const SkillIndexSchema = z.looseObject({
  version: z.literal(1),
  bundledFingerprint: z.string(),
  /** SHA-256 of the lock text and the stored entries: an edit of either shows. */
  stateDigest: z.string().optional(),
  skills: z.array(SkillIndexEntrySchema),
});

/** The whole `skills.json`. */
export type SkillIndexData = z.infer<typeof SkillIndexSchema>;

/** Where an index is written and the lock it agrees with. */
export interface IndexContext {
  /** The home's folder: installed skills' paths are stored relative to it. */
  root: string;
  /** The `skills.lock` text the index agrees with ("" when there is none). */
  lockText: string;
}

/**
 * `skills.json` text as written by {@link indexText}, parsed with its schema,
 * installed skills' paths resolved against the home's root. Null — and so
 * rebuilt from `skills/` and the lock — for a file that is not one, that was
 * written with another lock or changed since (the lock wins: an entry deleted
 * from it, or a skill enabled in the index by hand), or whose installed skills
 * are not at `skills/<id>`.
 *
 * @example
 * ```ts
 * import { indexText, parseIndex } from "./index.ts";
 * const context = { root: "/h", lockText: "version = 1\n" };
 * const text = await indexText({ version: 1, bundledFingerprint: "x", skills: [] }, [], context);
 * if ((await parseIndex(text, context))?.bundledFingerprint !== "x") throw new Error();
 * if (await parseIndex(text, { ...context, lockText: "" }) !== null) throw new Error("lock changed");
 * ```
 */
export async function parseIndex(
  text: string,
  context: IndexContext,
): Promise<SkillIndexData | null> {
  const read = await readIndex(text, context);
  return read?.isTrusted ? read.data : null;
}

/**
 * Like {@link parseIndex}, but an index that is well formed yet not to be
 * trusted (written with another lock, or edited) is returned too, marked so:
 * a rebuild keeps its unknown keys while taking every known field from the
 * lock and the skill folders.
 */
export async function readIndex(
  text: string,
  context: IndexContext,
): Promise<{ data: SkillIndexData; isTrusted: boolean } | null> {
  let data: { skills?: unknown; stateDigest?: unknown };
  try {
    data = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
  if (data === null || typeof data !== "object") return null;
  let isTrusted = data.stateDigest ===
    await stateDigest(context.lockText, JSON.stringify(data.skills));
  const parsed = SkillIndexSchema.safeParse(data);
  if (!parsed.success) return null;
  for (const entry of parsed.data.skills) {
    if (entry.bundled) continue;
    // Only `skills/<id>` of this home: a moved home keeps its skills, and a
    // copied or hand-edited index cannot point caro at another folder's files.
    if (entry.path !== `skills/${entry.id}`) isTrusted = false;
    entry.path = `${context.root}/skills/${entry.id}`;
  }
  return { data: parsed.data, isTrusted };
}

/**
 * The index text: entries sorted by id, installed skills' paths relative to
 * the home, and a digest of them with the lock they agree with.
 *
 * @example
 * ```ts
 * import { indexText } from "./index.ts";
 * const text = await indexText({ version: 1, bundledFingerprint: "x", skills: [] }, [], {
 *   root: "/h",
 *   lockText: "",
 * });
 * if (!text.endsWith("}\n")) throw new Error();
 * ```
 */
export async function indexText(
  base: SkillIndexData,
  skills: readonly SkillIndexEntry[],
  context: IndexContext,
): Promise<string> {
  const prefix = `${context.root}/`;
  const stored = [...skills].sort(byId).map((s) =>
    !s.bundled && s.path.startsWith(prefix) ? { ...s, path: s.path.slice(prefix.length) } : s
  );
  const digest = await stateDigest(context.lockText, JSON.stringify(stored));
  // Compact: the index is read on every command, and 1,000 skills make it ~1 MB indented.
  return `${JSON.stringify({ ...base, stateDigest: digest, skills: stored })}\n`;
}

async function stateDigest(lockText: string, skillsJson: string): Promise<string> {
  const bytes = new TextEncoder().encode(`${lockText}\u0000${skillsJson}`);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What an index entry records besides the manifest; see {@link indexEntryOf}. */
export interface EntryContext {
  /** The entry it replaces: unknown keys a newer caro wrote are kept. */
  previous?: SkillIndexEntry;
  source: string;
  path: string;
  enabled: boolean;
  bundled: boolean;
  integrity: string | null;
  installed: string | null;
  features: string[];
}

/**
 * The index entry of a loaded skill.
 *
 * @example
 * ```ts
 * import { indexEntryOf } from "./index.ts";
 * import { loadSkillFolder } from "../manifest/mod.ts";
 * const dir = await Deno.makeTempDir({ prefix: "notes" });
 * await Deno.writeTextFile(`${dir}/SKILL.md`, `---\nname: ${dir.split("/").pop()}\ndescription: Notes\n---\n`);
 * const skill = await loadSkillFolder(dir);
 * const entry = indexEntryOf(skill, {
 *   source: "file:///x", path: dir, enabled: true, bundled: false,
 *   integrity: null, installed: null, features: [],
 * });
 * if (entry.contextFile !== "SKILL.md") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function indexEntryOf(skill: LoadedSkill, ctx: EntryContext): SkillIndexEntry {
  const m = skill.manifest;
  const { previous, ...rest } = ctx;
  return {
    // Unknown keys a newer caro wrote are kept.
    ...(previous ?? {}),
    id: m.id,
    name: m.name,
    version: m.version,
    description: m.description,
    format: m.format,
    ...rest,
    provides: { ...m.provides },
    topics: m.knowledge.topics,
    keywords: m.keywords,
    synonyms: m.knowledge.synonyms,
    priority: m.knowledge.priority,
    maxContextTokens: m.knowledge.maxContextTokens,
    contextFile: skill.contextFile ?? null,
    knowledgeFiles: skill.knowledgeFiles,
    recipeFiles: skill.recipeFiles,
    recipes: skill.recipes,
    requestedCapabilities: m.capabilities,
    dependencies: m.dependencies.map((d) => ({ ...d })),
  };
}

/** The entry of an installed skill that no longer loads: listed, never matched. */
export function brokenEntry(
  locked: LockedSkill,
  dir: string,
  previous?: SkillIndexEntry,
): SkillIndexEntry {
  return {
    ...(previous ?? {}),
    id: locked.id,
    name: previous?.name ?? locked.id,
    version: locked.version,
    description: previous?.description ?? "(cannot be loaded; see caro skill verify)",
    format: previous?.format ?? "skill.toml",
    source: locked.source,
    path: dir,
    // A skill that no longer loads takes no part in matching.
    enabled: false,
    bundled: false,
    provides: { knowledge: false, recipes: false, executable: false },
    topics: [],
    keywords: [],
    synonyms: {},
    priority: 50,
    maxContextTokens: 1000,
    contextFile: null,
    knowledgeFiles: [],
    recipeFiles: [],
    requestedCapabilities: locked.capabilities,
    dependencies: previous?.dependencies ?? [],
    features: locked.features,
    integrity: locked.integrity,
    installed: locked.installed,
  };
}

/**
 * The `not_found` error for an unknown id, with the nearest ids as hints.
 *
 * @example
 * ```ts
 * import { unknownSkill } from "./index.ts";
 * const err = unknownSkill("tool.jqq", ["tool.jq", "core.shell"]);
 * if (err.code !== "not_found" || err.hints[0].run !== "caro skill info tool.jq") throw new Error();
 * ```
 */
export function unknownSkill(id: string, known: Iterable<string>): SkillError {
  const near = didYouMean(id, known);
  return new SkillError("not_found", `Skill ${id} is not installed`, {
    why: near.length > 0 ? `did you mean ${near.join(", ")}?` : "no installed skill has that id",
    hints: [
      ...near.map((n) => ({ to: `see ${n}`, run: `caro skill info ${n}` })),
      { to: "see installed skills", run: "caro skill list" },
    ],
  });
}

/**
 * The entry of `id`.
 *
 * @throws {SkillError} `not_found` naming the nearest ids
 */
export function findEntry(index: SkillIndexData, id: string): SkillIndexEntry {
  const entry = index.skills.find((s) => s.id === id);
  if (!entry) throw unknownSkill(id, index.skills.map((s) => s.id));
  return entry;
}

/** The skills that depend on `id` (only through required dependencies with `requiredOnly`). */
export function dependentsOf(index: SkillIndexData, id: string, requiredOnly: boolean): string[] {
  return index.skills
    .filter((s) =>
      s.id !== id && s.dependencies.some((d) => d.id === id && !(requiredOnly && d.optional))
    )
    .map((s) => s.id);
}

/** Orders anything with an id by that id. */
export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
