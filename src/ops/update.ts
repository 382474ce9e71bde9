/**
 * `caro skill update`: each installed skill's source is asked for something
 * newer, which is fetched into a staging folder of this process and installed
 * as an explicit update (the one path that may change a locked integrity). A
 * failed or killed update leaves the installed version and the lock untouched.
 *
 * @module
 */

import { SkillError } from "../errors/mod.ts";
import {
  type Capabilities,
  type CapabilityName,
  requestedCapabilityNames as requestedNames,
} from "../capability/mod.ts";
import type { FetchProgress } from "../sources/mod.ts";
import type { LockedSkill } from "../lockfile/mod.ts";
import { validationError } from "../manifest/mod.ts";
import {
  diffTrees,
  type FileChanges,
  parseTreeHashLines,
  removeIfExists,
  treeHash,
  type TreeHashEntry,
} from "../tree/mod.ts";
import type { SkillStore } from "../store/mod.ts";
import { fetchContext, installFetched, type InstallOptions } from "./install.ts";
import { validateSkill } from "./validate.ts";

/** Options of {@link updateSkills}. */
export interface UpdateOptions {
  /** Only this skill (default every installed skill). */
  id?: string;
  /** Change nothing; report what would change (`--check`). */
  check?: boolean;
  /** Allow a newer major version of a git tag (`--major`). */
  major?: boolean;
  /** Allow plain `http://` to hosts other than loopback. */
  insecure?: boolean;
  /** Progress lines. */
  progress?: (message: string) => void;
  /** Download and git progress. */
  onFetchProgress?: (progress: FetchProgress) => void;
  /** Reads an environment variable (tokens); `Deno.env.get` by default. */
  env?: (name: string) => string | undefined;
  /** The HTTP edge for archive downloads. */
  fetch?: typeof fetch;
  /**
   * The capability prompt, passed to {@link SkillStore.install}; it sees the new version's
   * requests (see {@link SkillUpdate.newCapabilities} for what is new).
   */
  consent?: InstallOptions["consent"];
}

/** One skill's outcome in {@link updateSkills}. */
export interface SkillUpdate {
  /** The skill's id. */
  id: string;
  /**
   * `current` (nothing newer), `available` (found by `--check`), `updated`, `failed` (the old
   * version stays installed and locked), `skipped` (its source cannot be checked).
   */
  status: "current" | "available" | "updated" | "failed" | "skipped";
  /** The installed version. */
  fromVersion: string;
  /** The newer version's manifest version. */
  toVersion?: string;
  /** What the lock has, in the source's terms: a tag, `branch@commit`, a digest. */
  from?: string;
  /** What is newer, in the same terms. */
  to?: string;
  /** The locked source. */
  source: string;
  /** The source the newer version is locked with. */
  newSource?: string;
  /** The file-level change. */
  files?: FileChanges;
  /** Capabilities the newer version requests that the installed one does not: to grant again. */
  newCapabilities: CapabilityName[];
  /** Why it failed or was skipped. */
  error?: { code: string; message: string; why?: string };
}

/** The outcome of {@link updateSkills}. */
export interface UpdateReport {
  /** Whether it changed nothing (`--check`). */
  checked: boolean;
  /** Each installed skill considered, by id. */
  skills: SkillUpdate[];
}

/**
 * `caro skill update [ID] [--check] [--major]`: for each installed skill asks its source for
 * something newer (git tags as semver within the major, branches to their head, archives by
 * re-download and digest), fetches it, and unless `check` installs it as an explicit update
 * (the one path that may change a locked integrity). A failing skill keeps its old version.
 *
 * @throws {SkillError} `not_found` for an unknown id; with an `id`, that skill's failure
 *
 * @example
 * ```ts
 * import { installSkill, openStore, updateSkills } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/notes`);
 * const manifest = (v: string) => `---\nname: notes\ndescription: Notes ${v}\n---\n`;
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, manifest("1"));
 * const store = await openStore(`${root}/home`);
 * await installSkill(store, `${root}/notes`);
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, manifest("2"));
 * const check = await updateSkills(store, { check: true });
 * const notes = check.skills.find((s) => s.id === "custom.notes")!;
 * if (notes.status !== "available" || notes.files?.changed[0] !== "SKILL.md") throw new Error();
 * const done = await updateSkills(store, { id: "custom.notes" });
 * if (done.skills[0].status !== "updated") throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function updateSkills(
  store: SkillStore,
  options: UpdateOptions = {},
): Promise<UpdateReport> {
  const ids = options.id !== undefined
    ? [options.id]
    : (await store.list()).filter((s) => !s.bundled).map((s) => s.id);
  const skills: SkillUpdate[] = [];
  for (const id of ids) {
    const info = await store.info(id);
    if (!info.locked) {
      if (options.id !== undefined) {
        throw new SkillError("usage", `Cannot update ${id}: it is bundled with caro`, {
          why: "bundled core.* skills are updated with caro itself",
        });
      }
      continue;
    }
    const outcome = await updateOne(store, info.locked, info.entry.requestedCapabilities, options);
    if (outcome.status === "failed" && options.id !== undefined && outcome.cause) {
      throw outcome.cause;
    }
    const { cause: _cause, ...update } = outcome;
    skills.push(update);
  }
  return { checked: options.check === true, skills };
}

async function updateOne(
  store: SkillStore,
  locked: LockedSkill,
  oldRequested: Capabilities,
  options: UpdateOptions,
): Promise<SkillUpdate & { cause?: unknown }> {
  const progress = options.progress ?? (() => {});
  const base = {
    id: locked.id,
    fromVersion: locked.version,
    source: locked.source,
    newCapabilities: [] as CapabilityName[],
  };
  const { parseSourceSpec, pickSource } = await import("../sources/mod.ts");
  const staging = await store.makeStagingDir();
  try {
    const spec = parseSourceSpec(locked.source);
    const ctx = await fetchContext(store, staging, options);
    progress(`Checking ${locked.id} (${locked.source})`);
    const candidate = await pickSource(spec).checkUpdate(locked, ctx, { major: options.major });
    if (!candidate) return { ...base, status: "current" };
    progress(`Fetching ${locked.id} ${candidate.to}`);
    const fetched = await pickSource(candidate.spec).fetch(candidate.spec, ctx);
    const report = await validateSkill(fetched.dir);
    if (!report.ok || !report.skill) {
      throw validationError({ ...report, path: fetched.resolved });
    }
    const manifest = report.skill.manifest;
    if (manifest.id !== locked.id) {
      throw new SkillError(
        "validation",
        `Cannot update ${locked.id}: ${candidate.to} holds ${manifest.id}`,
        { why: `${fetched.resolved} is another skill now` },
      );
    }
    const newHash = await treeHash(fetched.dir);
    const oldLines = await lockedTreeLines(store, locked);
    const found = {
      ...base,
      toVersion: manifest.version,
      from: candidate.from,
      to: candidate.to,
      newSource: fetched.resolved,
      files: diffTrees(oldLines, newHash.files),
      newCapabilities: requestedNames(manifest.capabilities).filter((c) =>
        !requestedNames(oldRequested).includes(c)
      ),
    };
    if (newHash.integrity === locked.integrity) return { ...found, status: "current" };
    if (options.check) return { ...found, status: "available" };
    const known = Object.keys(manifest.features);
    await installFetched(store, fetched.dir, {
      source: fetched.resolved,
      spec: locked.source,
      update: true,
      // An update keeps what the user chose: enabled state and features.
      enable: locked.enabled,
      features: locked.features.filter((f) => known.includes(f)),
      defaultFeatures: false,
      progress,
      consent: options.consent,
    });
    return { ...found, status: "updated" };
  } catch (error) {
    if (!(error instanceof SkillError)) throw error;
    return {
      ...base,
      status: error.code === "usage" ? "skipped" : "failed",
      error: { code: error.code, message: error.message, why: error.why },
      cause: error,
    };
  } finally {
    await removeIfExists(staging);
  }
}

/** The tree-hash lines the store recorded at install, else the installed folder hashed now. */
async function lockedTreeLines(
  store: SkillStore,
  locked: { id: string; integrity: string },
): Promise<TreeHashEntry[]> {
  const text = await store.readTreeRecord(locked.integrity);
  if (text !== null) return parseTreeHashLines(text);
  return (await treeHash(store.home.skillDir(locked.id))).files;
}
