import { parse, stringify } from "smol-toml";
import { z } from "zod";
import { SkillError } from "../errors/mod.ts";
import { type Capabilities, CapabilitiesSchema } from "../capability/mod.ts";

/** A TOML datetime (smol-toml gives a `Date`) or RFC 3339 text, as RFC 3339 text. */
const Rfc3339 = z.union([z.date(), z.string()]).transform((value) =>
  value instanceof Date ? value.toISOString() : value
);

/** One `[[skills]]` entry of `skills.lock` as written (unknown keys are kept). */
export const LockedSkillRawSchema = z.looseObject({
  id: z.string().min(1),
  version: z.string().min(1),
  source: z.string().min(1),
  integrity: z.string().regex(/^sha256:[0-9a-f]{64}$/, "integrity is sha256:<64 hex digits>"),
  installed: Rfc3339,
  enabled: z.boolean().default(true),
  features: z.array(z.string()).default([]),
  capabilities: CapabilitiesSchema.default(CapabilitiesSchema.parse({})),
});

/** One `[[retained]]` entry: the configuration kept by `caro skill remove --keep-config`. */
export const RetainedConfigRawSchema = z.looseObject({
  id: z.string().min(1),
  enabled: z.boolean().default(true),
  features: z.array(z.string()).default([]),
  capabilities: CapabilitiesSchema.default(CapabilitiesSchema.parse({})),
});

/**
 * The raw `skills.lock` format (SPEC §4): `version = 1`, `[[skills]]`, and two
 * tables of our own, `[[retained]]` and `[bundled] disabled`. Unknown keys are
 * kept so the format can grow.
 *
 * @example
 * ```ts
 * import { LockfileRawSchema } from "./lockfile.ts";
 * const raw = LockfileRawSchema.parse({ version: 1, future_key: "kept" });
 * if (raw.skills.length !== 0 || raw.future_key !== "kept") throw new Error();
 * ```
 */
export const LockfileRawSchema = z.looseObject({
  version: z.literal(1),
  skills: z.array(LockedSkillRawSchema).default([]),
  retained: z.array(RetainedConfigRawSchema).default([]),
  bundled: z.looseObject({ disabled: z.array(z.string()).default([]) }).default({
    disabled: [],
  }),
});

/** An installed skill as the lock records it. */
export type LockedSkill = z.infer<typeof LockedSkillRawSchema>;
/** Configuration of a removed skill kept for a later re-install. */
export type RetainedConfig = z.infer<typeof RetainedConfigRawSchema>;

/**
 * `skills.lock`: the truth for installed versions, sources, integrity, enabled
 * state, features and capability grants.
 *
 * - `[[skills]]`: one entry per installed skill (SPEC §4 keys plus `enabled`
 *   and `features`).
 * - `[[retained]]`: what `remove --keep-config` keeps of a removed skill: its
 *   grants (`capabilities`), `enabled` and `features`; a later `add` of the
 *   same id starts from them. Its integrity is not kept, so re-adding another
 *   version is not drift.
 * - `[bundled] disabled`: bundled skills the user disabled.
 *
 * @example
 * ```ts
 * import { Lockfile } from "./lockfile.ts";
 * import { noCapabilities } from "../capability/mod.ts";
 * const lock = Lockfile.empty();
 * lock.set({
 *   id: "tool.jq", version: "1.0.0", source: "file:///tmp/jq", enabled: true, features: [],
 *   integrity: `sha256:${"0".repeat(64)}`, installed: "2026-01-01T00:00:00.000Z",
 *   capabilities: noCapabilities(),
 * });
 * const again = Lockfile.parse(lock.toToml());
 * if (again.get("tool.jq")?.version !== "1.0.0") throw new Error(lock.toToml());
 * ```
 */
export class Lockfile {
  /** Installed skills by id. */
  readonly skills: Map<string, LockedSkill>;
  /** Kept configuration of removed skills by id. */
  readonly retained: Map<string, RetainedConfig>;
  /** Ids of bundled skills the user disabled. */
  readonly disabledBundled: Set<string>;
  readonly #extra: Record<string, unknown>;
  readonly #bundledExtra: Record<string, unknown>;

  private constructor(raw: z.infer<typeof LockfileRawSchema>) {
    const { version: _v, skills, retained, bundled, ...extra } = raw;
    const { disabled, ...bundledExtra } = bundled;
    this.skills = new Map(skills.map((s) => [s.id, s]));
    this.retained = new Map(retained.map((r) => [r.id, r]));
    this.disabledBundled = new Set(disabled);
    this.#extra = extra;
    this.#bundledExtra = bundledExtra;
  }

  /** A lock with nothing installed. */
  static empty(): Lockfile {
    return new Lockfile(LockfileRawSchema.parse({ version: 1 }));
  }

  /**
   * Reads `skills.lock` text.
   *
   * @param file shown in errors
   * @throws {SkillError} `validation` when the text is not TOML or not the lock format
   */
  static parse(text: string, file = "skills.lock"): Lockfile {
    let data: unknown;
    try {
      data = parse(text);
    } catch (error) {
      throw corrupt(file, error instanceof Error ? error.message : String(error), error);
    }
    const result = LockfileRawSchema.safeParse(data);
    if (!result.success) {
      const why = result.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`)
        .join("\n");
      throw corrupt(file, why, result.error);
    }
    return new Lockfile(result.data);
  }

  /** Reads the lock at `path`; a missing file is an empty lock. */
  static async read(path: string): Promise<Lockfile> {
    try {
      return Lockfile.parse(await Deno.readTextFile(path), path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return Lockfile.empty();
      throw error;
    }
  }

  /** The entry of an installed skill. */
  get(id: string): LockedSkill | undefined {
    return this.skills.get(id);
  }

  /** Adds or replaces an installed skill's entry. */
  set(entry: LockedSkill): void {
    this.skills.set(entry.id, entry);
  }

  /** Removes an installed skill's entry; returns whether there was one. */
  delete(id: string): boolean {
    return this.skills.delete(id);
  }

  /** The TOML text, skills sorted by id so equal locks are equal text. */
  toToml(): string {
    const byId = <T extends { id: string }>(m: Map<string, T>) =>
      [...m.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const doc: Record<string, unknown> = {
      version: 1,
      ...this.#extra,
      skills: byId(this.skills).map((s) => ({
        ...s,
        installed: new Date(s.installed),
        capabilities: tomlCapabilities(s.capabilities),
      })),
      bundled: { ...this.#bundledExtra, disabled: [...this.disabledBundled].sort() },
    };
    // An empty array of tables would be written as `retained = []`: leave it out.
    if (this.retained.size > 0) {
      doc.retained = byId(this.retained).map((r) => ({
        ...r,
        capabilities: tomlCapabilities(r.capabilities),
      }));
    }
    return `# caro skills lock file: written by caro, do not edit.\n${stringify(doc)}\n`;
  }
}

function tomlCapabilities(caps: Capabilities): Record<string, unknown> {
  // TOML has no null: a capability not asked for is left out.
  return Object.fromEntries(Object.entries(caps).filter(([, v]) => v !== undefined));
}

function corrupt(file: string, why: string, cause: unknown): SkillError {
  return new SkillError("validation", `Cannot read ${file}: it is not a valid caro lock file`, {
    why,
    cause,
    hints: [
      { to: "see which skills are affected", run: "caro skill verify" },
      { to: "start over (forgets grants and pins)", run: `mv ${file} ${file}.broken` },
    ],
  });
}
