import { SkillError } from "../errors/mod.ts";
import { CARO_VERSION } from "./version.ts";
import type { Diagnostic } from "../errors/mod.ts";
import { didYouMean } from "../suggest/mod.ts";
import type { LoadedSkill } from "../manifest/mod.ts";
import type { LockedSkill, Lockfile } from "../lockfile/mod.ts";
import type { Capabilities, CapabilityName } from "../capability/schema.ts";
import { bundledSkillsDir } from "./bundled.ts";
import { CaroHome, ioError } from "./home.ts";
import { loadInstalledSkill } from "./_installed.ts";
import type { SkillIndexData, SkillIndexEntry } from "./index_schema.ts";
import {
  commitChange,
  exists,
  makeStagingDir,
  readDirOrEmpty,
  readTextOrNull,
  recoverJournal,
  removeIfExists,
  removeLeftovers,
  trashPath,
  withStateLock,
  writeFileAtomic,
} from "./_state.ts";

/** The skill that can never be disabled: the base rules of every command (SPEC §4). */
export const ALWAYS_ENABLED = "core.shell";

/** Options of {@link SkillStore.open}. */
export interface StoreOptions {
  /** Told once when the home is created (the CLI prints it on stderr). */
  announce?: (message: string) => void;
  /** Told about repairs and other things worth knowing (stderr in the CLI). */
  warn?: (message: string) => void;
  /**
   * The running caro version, checked against `min_caro_version` (default
   * {@link CARO_VERSION}; every opener of a home must agree, as it is part of
   * the index's fingerprint).
   */
  caroVersion?: string;
  /** Where the bundled skills are (default: the ones shipped with caro). */
  bundledDir?: string;
  /** The clock for `installed` times. */
  now?: () => Date;
}

/** Options of {@link SkillStore.install}. */
export interface InstallOptions {
  /** The source recorded in the lock (default `file://` + the folder's real path). */
  source?: string;
  /** How the user named it, for hints (default the folder path). */
  spec?: string;
  /** Enable it after install (default true; `--no-enable`). */
  enable?: boolean;
  /** Replace a locked skill whose content differs, or reinstall identical content. */
  force?: boolean;
  /**
   * This is `caro skill update`: the locked skill may change content (the one
   * explicit path that changes a locked integrity); dependents are still checked.
   */
  update?: boolean;
  /** Features asked for with `--features`. */
  features?: string[];
  /** Include the features marked default (default true; `--no-default-features`). */
  defaultFeatures?: boolean;
  /** Progress lines (stderr in the CLI). */
  progress?: (message: string) => void;
  /**
   * The capability prompt (SPEC §5/§6): called after validation and before
   * anything changes, with what the skill requests and what it holds already;
   * returns what to grant. Throwing (a refusal) aborts the install with the
   * state untouched. Not called when the same content is already installed.
   * Default: keep what it holds (grants kept by `remove --keep-config`), else
   * nothing.
   */
  consent?: (request: GrantRequest) => Promise<Capabilities>;
}

/** What {@link InstallOptions.consent} is asked about. */
export interface GrantRequest {
  /** The skill being installed. */
  id: string;
  /** Its version. */
  version: string;
  /** The `[capabilities]` its manifest requests. */
  requested: Capabilities;
  /** What it is granted now (installed, or kept by `remove --keep-config`), else null. */
  previous: Capabilities | null;
}

/** What {@link SkillStore.install} did. */
export interface InstallResult {
  /** The installed skill's id. */
  id: string;
  /** Its version now. */
  version: string;
  /** `installed` (new), `replaced` (another copy was installed), `unchanged` (same content). */
  status: "installed" | "replaced" | "unchanged";
  /** The version that was installed before, when replaced. */
  previousVersion?: string;
  /** The canonical tree hash recorded in the lock. */
  integrity: string;
  /** The installed copy, `skills/<id>`. */
  path: string;
  /** Whether it is enabled. */
  enabled: boolean;
  /** Features chosen. */
  features: string[];
  /** Capabilities the skill requests. */
  requestedCapabilities: CapabilityName[];
  /** What is granted to it now, as recorded in skills.lock. */
  granted: Capabilities;
  /** Optional dependencies that are missing or of another version. */
  missingOptional: Array<{ id: string; range: string; installed?: string }>;
  /** Validation warnings of the installed copy. */
  warnings: Diagnostic[];
}

/** What {@link SkillStore.remove} did. */
export interface RemoveResult {
  /** The removed skill's id. */
  id: string;
  /** The version that was installed. */
  version: string;
  /** Whether its grants, enabled state and features were kept in the lock's `[[retained]]`. */
  keptConfig: boolean;
  /** Skills that depend on it, removed anyway with `--force`. */
  brokenDependents: string[];
}

/** One skill's outcome in {@link SkillStore.verify}. */
export interface VerifiedSkill {
  /** The skill's id. */
  id: string;
  /** The locked version. */
  version: string;
  /** Where it was installed from. */
  source: string;
  /** Whether the folder hashes to the locked integrity. */
  ok: boolean;
  /** The integrity in the lock. */
  expected: string;
  /** The integrity of the folder now. */
  actual: string;
  /** The first file (byte order) that differs from what was installed. */
  firstDifference?: { path: string; change: "changed" | "added" | "missing" };
}

/** The outcome of {@link SkillStore.verify}. */
export interface VerifyReport {
  /** Whether every installed skill matches the lock. */
  ok: boolean;
  /** Each installed skill, by id. */
  skills: VerifiedSkill[];
  /** Bundled skills ship inside caro and have no lock entry to check against. */
  bundled: string[];
}

/** A skill's index entry and what the lock says about it. */
export interface SkillInfo {
  /** What the index records. */
  entry: SkillIndexEntry;
  /** The lock entry; absent for bundled skills. */
  locked?: LockedSkill;
  /** What is granted (nothing until the user grants it). */
  granted: Capabilities | null;
  /** Installed skills that depend on this one. */
  dependents: string[];
}

/**
 * The skills of one caro home: installed ones under `skills/`, bundled `core.*`
 * ones, the `skills.json` index and the `skills.lock`. Every operation first
 * replays or undoes an interrupted one and removes its leftovers, so a process
 * killed at any point never leaves a state `list` or `verify` disagrees with.
 *
 * @example
 * ```ts
 * import { SkillStore } from "./store.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/notes`);
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, "---\nname: notes\ndescription: Take notes\n---\nBe brief.\n");
 * const store = await SkillStore.open(`${root}/home`);
 * const result = await store.install(`${root}/notes`);
 * if (result.id !== "custom.notes" || result.status !== "installed") throw new Error();
 * const ids = (await store.list()).map((s) => s.id);
 * if (!ids.includes("custom.notes")) throw new Error(ids.join());
 * if (!(await store.verify()).ok) throw new Error("verify failed");
 * await store.remove("custom.notes");
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class SkillStore {
  /** The home this store manages. */
  readonly home: CaroHome;
  readonly #options: StoreOptions & { caroVersion: string };

  private constructor(home: CaroHome, options: StoreOptions) {
    this.home = home;
    this.#options = { ...options, caroVersion: options.caroVersion ?? CARO_VERSION };
  }

  /**
   * Opens (and on first use creates) a caro home.
   *
   * @param home a {@link CaroHome} or its path
   */
  static async open(home: CaroHome | string, options: StoreOptions = {}): Promise<SkillStore> {
    const resolved = typeof home === "string" ? new CaroHome(home) : home;
    await resolved.ensure(options.announce);
    return new SkillStore(resolved, options);
  }

  /** Every installed and bundled skill, sorted by id, as the index records it. */
  async list(): Promise<SkillIndexEntry[]> {
    return (await withStateLock(this.home, () => this.#sync())).skills;
  }

  /**
   * One skill's index entry and lock entry.
   *
   * @throws {SkillError} `not_found` naming the nearest ids
   */
  async info(id: string): Promise<SkillInfo> {
    return await withStateLock(this.home, async () => {
      const index = await this.#sync();
      const entry = findEntry(index, id);
      const lock = await this.#readLock();
      const locked = lock.get(id);
      return {
        entry,
        locked,
        granted: locked?.capabilities ?? null,
        dependents: dependentsOf(index, id, false),
      };
    });
  }

  /**
   * Installs a skill folder: copy to staging → validate → tree hash → refuse
   * drift → check dependencies → atomically move into `skills/<id>` and
   * update `skills.lock` and `skills.json`. Nothing changes until the move.
   *
   * @throws {SkillError} `validation` (invalid skill), `version_conflict`
   *   (locked with other content, or a dependency of the wrong version),
   *   `not_found` (missing required dependency), `usage` (unknown feature)
   */
  async install(from: string, options: InstallOptions = {}): Promise<InstallResult> {
    const progress = options.progress ?? (() => {});
    const realFrom = await realFolder(from);
    const staging = await makeStagingDir(this.home);
    try {
      // The source folder's name is kept: an AgentSkills name must equal it.
      const tree = `${staging}/${realFrom.slice(realFrom.lastIndexOf("/") + 1)}`;
      progress(`Copying ${from} to staging`);
      await copySkillTree(realFrom, tree);
      const { validateSkillFolder, validationError, bestVersion } = await import(
        "../manifest/mod.ts"
      );
      const { treeHash, treeHashLines } = await import("../lockfile/mod.ts");
      const rangeAccepts = (range: string, version: string) =>
        bestVersion([version], range) !== null;
      progress("Validating");
      const report = await validateSkillFolder(tree, { caroVersion: this.#options.caroVersion });
      // Findings name the folder the user gave, not the staging copy.
      if (!report.ok || !report.skill) {
        throw validationError({ ...report, path: options.spec ?? from });
      }
      const skill = report.skill;
      progress("Hashing");
      const hash = await treeHash(tree);
      const features = chooseFeatures(skill, options);
      const { requestedCapabilityNames, noCapabilities } = await import(
        "../capability/schema.ts"
      );
      const id = skill.manifest.id;
      // The grant prompt runs before the state lock is taken (a person may take
      // a while; other caro commands must not wait) and before anything changes.
      let consented: Capabilities | undefined;
      if (options.consent) {
        const seen = await this.#readLock();
        const seenLocked = seen.get(id);
        const needsNoChange = seenLocked !== undefined && !options.force && !options.update;
        if (!needsNoChange) {
          consented = await options.consent({
            id,
            version: skill.manifest.version,
            requested: skill.manifest.capabilities,
            previous: seenLocked?.capabilities ?? seen.retained.get(id)?.capabilities ?? null,
          });
        }
      }
      return await withStateLock(this.home, async () => {
        const index = await this.#sync();
        const lock = await this.#readLock();
        const locked = lock.get(id);
        const spec = options.spec ?? from;
        if (
          locked && locked.integrity !== hash.integrity && !options.force && !options.update
        ) {
          throw new SkillError(
            "version_conflict",
            `Cannot install ${id} ${skill.manifest.version}: ${id} ${locked.version} is locked with different content`,
            {
              why:
                `skills.lock pins ${locked.integrity}\nthe copy at ${spec} hashes to ${hash.integrity}`,
              hints: [
                { to: "update it", run: `caro skill update ${id}` },
                { to: "replace it anyway", run: `caro skill add ${spec} --force` },
              ],
            },
          );
        }
        const base = {
          id,
          version: skill.manifest.version,
          integrity: hash.integrity,
          path: this.home.skillDir(id),
          features,
          requestedCapabilities: requestedCapabilityNames(skill.manifest.capabilities),
          warnings: skill.diagnostics,
        };
        if (locked && locked.integrity === hash.integrity && !options.force) {
          return {
            ...base,
            granted: locked.capabilities,
            status: "unchanged" as const,
            enabled: locked.enabled,
            features: locked.features,
            missingOptional: [],
          };
        }
        const others = index.skills.filter((s) => s.id !== id);
        const missingOptional = checkDependencies(skill, others, spec, rangeAccepts);
        if (!options.force) checkDependents(id, skill.manifest.version, others, rangeAccepts);
        const retained = lock.retained.get(id);
        const enabled = options.enable ?? retained?.enabled ?? true;
        const source = options.source ?? `file://${realFrom}`;
        const installed = (this.#options.now?.() ?? new Date()).toISOString();
        // Grants: what the capability prompt decided; without one, what
        // `remove --keep-config` kept, else nothing (SPEC §6: deny is the default).
        // An update without a prompt keeps what was granted; what the new version
        // newly requests stays ungranted until the user grants it.
        const granted = consented ?? (options.update ? locked?.capabilities : undefined) ??
          retained?.capabilities ?? noCapabilities();
        lock.set({
          id,
          version: skill.manifest.version,
          source,
          integrity: hash.integrity,
          installed,
          enabled,
          features,
          capabilities: granted,
        });
        lock.retained.delete(id);
        const previous = index.skills.find((s) => s.id === id);
        const entry = indexEntryOf(skill, {
          previous,
          source,
          path: this.home.skillDir(id),
          enabled,
          bundled: false,
          integrity: hash.integrity,
          installed,
          features,
        });
        const hashFile = `${this.home.hashesDir}/${hash.integrity.slice(7)}.lines`;
        await writeFileAtomic(hashFile, treeHashLines(hash.files), this.home.root);
        progress(`Installing ${id} ${skill.manifest.version}`);
        await commitChange(this.home, {
          op: "install",
          id,
          staged: tree,
          aside: locked || await exists(this.home.skillDir(id))
            ? trashPath(this.home, id)
            : undefined,
          lockText: lock.toToml(),
          indexText: indexText(index, [...others, entry]),
        });
        return {
          ...base,
          status: locked ? "replaced" as const : "installed" as const,
          granted,
          previousVersion: locked?.version,
          enabled,
          missingOptional,
        };
      });
    } finally {
      await removeIfExists(staging);
    }
  }

  /**
   * Removes an installed skill. With `keepConfig`, its grants, enabled state
   * and features stay in the lock's `[[retained]]` for a later `add`.
   *
   * @throws {SkillError} `not_found`; `usage` for a bundled skill;
   *   `version_conflict` when other skills depend on it (unless `force`)
   */
  async remove(
    id: string,
    options: { force?: boolean; keepConfig?: boolean } = {},
  ): Promise<RemoveResult> {
    return await withStateLock(this.home, async () => {
      const index = await this.#sync();
      const entry = findEntry(index, id);
      if (entry.bundled) {
        throw new SkillError("usage", `Cannot remove ${id}: it is bundled with caro`, {
          why: "bundled core.* skills ship inside the program",
          hints: id === ALWAYS_ENABLED
            ? []
            : [{ to: "turn it off", run: `caro skill disable ${id}` }],
        });
      }
      const dependents = dependentsOf(index, id, true);
      if (dependents.length > 0 && !options.force) {
        throw new SkillError("version_conflict", `Cannot remove ${id}: other skills depend on it`, {
          why: dependents.map((d) => `${d} requires ${id}`).join("\n"),
          hints: [
            ...dependents.map((d) => ({ to: `remove ${d} first`, run: `caro skill remove ${d}` })),
            { to: "remove it anyway", run: `caro skill remove ${id} --force` },
          ],
        });
      }
      const lock = await this.#readLock();
      const locked = lock.get(id);
      lock.delete(id);
      if (options.keepConfig && locked) {
        lock.retained.set(id, {
          id,
          enabled: locked.enabled,
          features: locked.features,
          capabilities: locked.capabilities,
        });
      } else {
        lock.retained.delete(id);
      }
      await commitChange(this.home, {
        op: "remove",
        id,
        aside: trashPath(this.home, id),
        lockText: lock.toToml(),
        indexText: indexText(index, index.skills.filter((s) => s.id !== id)),
      });
      return {
        id,
        version: entry.version,
        keptConfig: options.keepConfig === true && locked !== undefined,
        brokenDependents: dependents,
      };
    });
  }

  /**
   * Enables or disables a skill; `core.shell` cannot be disabled.
   * @returns whether anything changed
   * @throws {SkillError} `not_found`; `usage` for disabling `core.shell`
   */
  async setEnabled(id: string, enabled: boolean): Promise<boolean> {
    return await withStateLock(this.home, async () => {
      const index = await this.#sync();
      const entry = findEntry(index, id);
      if (!enabled && id === ALWAYS_ENABLED) {
        throw new SkillError("usage", `Cannot disable ${id}`, {
          why: `${id} holds the base rules for safe shell commands; caro always uses it`,
          hints: [{ to: "leave it out of one run", run: `caro --skills=!${id} …` }],
        });
      }
      if (entry.enabled === enabled) return false;
      const lock = await this.#readLock();
      if (entry.bundled) {
        if (enabled) lock.disabledBundled.delete(id);
        else lock.disabledBundled.add(id);
      } else {
        const locked = lock.get(id);
        if (locked) lock.set({ ...locked, enabled });
      }
      const skills = index.skills.map((s) => (s.id === id ? { ...s, enabled } : s));
      await commitChange(this.home, {
        op: "update",
        lockText: lock.toToml(),
        indexText: indexText(index, skills),
      });
      return true;
    });
  }

  /**
   * What every skill is granted: installed skills what `skills.lock` records,
   * bundled `core.*` skills what their manifest requests (they ship inside
   * caro and are trusted like caro itself).
   */
  async grants(): Promise<Map<string, Capabilities>> {
    return await withStateLock(this.home, async () => {
      const index = await this.#sync();
      const lock = await this.#readLock();
      const grants = new Map<string, Capabilities>();
      for (const entry of index.skills) {
        if (entry.bundled) grants.set(entry.id, entry.requestedCapabilities);
      }
      for (const locked of lock.skills.values()) grants.set(locked.id, locked.capabilities);
      return grants;
    });
  }

  /**
   * Changes what an installed skill is granted (`caro skill capabilities ID
   * grant|revoke CAP`), kill-safely under the state lock. `change` gets the
   * current grants and the skill's requests and returns the new grants.
   *
   * @returns the grants before and after
   * @throws {SkillError} `not_found`; `usage` for a bundled skill (its grants are fixed)
   */
  async changeGrants(
    id: string,
    change: (granted: Capabilities, requested: Capabilities) => Capabilities,
  ): Promise<{ before: Capabilities; after: Capabilities }> {
    return await withStateLock(this.home, async () => {
      const index = await this.#sync();
      const entry = findEntry(index, id);
      if (entry.bundled) {
        throw new SkillError(
          "usage",
          `Cannot change the grants of ${id}: it is bundled with caro`,
          {
            why: "bundled core.* skills ship inside caro and hold what they request",
            hints: id === ALWAYS_ENABLED
              ? [{ to: "leave it out of one run", run: `caro --skills=!${id} …` }]
              : [{ to: "turn it off", run: `caro skill disable ${id}` }],
          },
        );
      }
      const lock = await this.#readLock();
      const locked = lock.get(id);
      if (!locked) throw unknownSkill(id, lock.skills.keys());
      const before = locked.capabilities;
      const after = change(structuredClone(before), entry.requestedCapabilities);
      lock.set({ ...locked, capabilities: after });
      await commitChange(this.home, {
        op: "update",
        lockText: lock.toToml(),
        indexText: indexText(index, index.skills),
      });
      return { before, after };
    });
  }

  /**
   * Recomputes the tree hash of every installed skill and compares it with the
   * lock, naming the first file that differs.
   */
  async verify(): Promise<VerifyReport> {
    const { treeHash } = await import("../lockfile/mod.ts");
    return await withStateLock(this.home, async () => {
      const index = await this.#sync();
      const lock = await this.#readLock();
      const skills: VerifiedSkill[] = [];
      const keep = new Set<string>();
      for (const locked of [...lock.skills.values()].sort(byId)) {
        keep.add(`${locked.integrity.slice(7)}.lines`);
        const now = await treeHash(this.home.skillDir(locked.id));
        const ok = now.integrity === locked.integrity;
        skills.push({
          id: locked.id,
          version: locked.version,
          source: locked.source,
          ok,
          expected: locked.integrity,
          actual: now.integrity,
          firstDifference: ok ? undefined : await this.#firstDifference(locked, now.files),
        });
      }
      for (const entry of await readDirOrEmpty(this.home.hashesDir)) {
        if (!keep.has(entry.name)) await removeIfExists(`${this.home.hashesDir}/${entry.name}`);
      }
      return {
        ok: skills.every((s) => s.ok),
        skills,
        bundled: index.skills.filter((s) => s.bundled).map((s) => s.id),
      };
    });
  }

  /**
   * Replays or undoes an interrupted change, removes leftovers, and rebuilds
   * `skills.json` from `skills/` and the lock when they disagree.
   */
  async repair(): Promise<void> {
    await withStateLock(this.home, () => this.#sync());
  }

  async #firstDifference(
    locked: LockedSkill,
    files: Array<{ path: string; sha256: string }>,
  ): Promise<VerifiedSkill["firstDifference"]> {
    const text = await readTextOrNull(`${this.home.hashesDir}/${locked.integrity.slice(7)}.lines`);
    if (text === null) return undefined;
    const { createHash } = await import("node:crypto");
    // Trust the recorded lines only when they are exactly what the lock pinned.
    if (`sha256:${createHash("sha256").update(text).digest("hex")}` !== locked.integrity) {
      return undefined;
    }
    const recorded = new Map<string, string>();
    for (const line of text.split("\n")) {
      if (line === "") continue;
      recorded.set(line.slice(66), line.slice(0, 64));
    }
    const { compareBytes } = await import("../manifest/mod.ts");
    const current = new Map(files.map((f) => [f.path, f.sha256]));
    const paths = [...new Set([...recorded.keys(), ...current.keys()])].sort(compareBytes);
    for (const path of paths) {
      const was = recorded.get(path);
      const is = current.get(path);
      if (was === is) continue;
      return {
        path,
        change: was === undefined ? "added" : is === undefined ? "missing" : "changed",
      };
    }
    return undefined;
  }

  async #readLock(): Promise<Lockfile> {
    const { Lockfile } = await import("../lockfile/mod.ts");
    return await Lockfile.read(this.home.lockFile);
  }

  /** Recovery, clean-up and the consistency check; returns the index. Under the lock. */
  async #sync(): Promise<SkillIndexData> {
    const recovered = await recoverJournal(this.home);
    if (recovered !== "none") {
      this.#options.warn?.(
        `Recovered an interrupted change in ${this.home.root} (${
          recovered === "replayed" ? "completed it" : "rolled it back"
        })`,
      );
    }
    await removeLeftovers(this.home);
    const fingerprint = await bundledFingerprint(this.#bundledDir(), this.#options.caroVersion);
    const text = await readTextOrNull(this.home.indexFile);
    const index = text === null ? null : parseIndexLight(text);
    if (index && index.bundledFingerprint === fingerprint) {
      const onDisk = (await readDirOrEmpty(this.home.skillsDir)).map((e) => e.name).sort();
      const indexed = index.skills.filter((s) => !s.bundled).map((s) => s.id).sort();
      if (onDisk.join("\n") === indexed.join("\n")) return index;
    }
    return await this.#rebuild(index, fingerprint);
  }

  /** Rebuilds the index (and drops or adopts lock entries) from disk. */
  async #rebuild(old: SkillIndexData | null, fingerprint: string): Promise<SkillIndexData> {
    const { treeHash, treeHashLines } = await import("../lockfile/mod.ts");
    const { noCapabilities } = await import("../capability/schema.ts");
    const warn = this.#options.warn ?? (() => {});
    const lock = await this.#readLock();
    const previous = new Map((old?.skills ?? []).map((s) => [s.id, s]));
    const entries: SkillIndexEntry[] = [];
    for (const dir of await listSkillDirs(this.#bundledDir())) {
      try {
        const skill = await loadInstalledSkill(`${this.#bundledDir()}/${dir}`, {
          isBundled: true,
          caroVersion: this.#options.caroVersion,
        });
        entries.push(indexEntryOf(skill, {
          previous: previous.get(skill.manifest.id),
          source: "bundled",
          path: skill.dir,
          enabled: skill.manifest.id === ALWAYS_ENABLED ||
            !lock.disabledBundled.has(skill.manifest.id),
          bundled: true,
          integrity: null,
          installed: null,
          features: defaultFeatures(skill),
        }));
      } catch (error) {
        if (!(error instanceof SkillError)) throw error;
        warn(`Bundled skill ${dir} cannot be loaded: ${error.message}`);
      }
    }
    const onDisk = new Set((await readDirOrEmpty(this.home.skillsDir)).map((e) => e.name));
    for (const id of [...lock.skills.keys()]) {
      if (onDisk.has(id)) continue;
      const locked = lock.get(id)!;
      // The folder is gone (deleted by hand): keep what the user chose, drop the pin.
      lock.retained.set(id, {
        id,
        enabled: locked.enabled,
        features: locked.features,
        capabilities: locked.capabilities,
      });
      lock.delete(id);
      warn(`${id} is in skills.lock but ${this.home.skillDir(id)} is missing; forgot it`);
    }
    for (const id of [...onDisk].sort()) {
      const dir = this.home.skillDir(id);
      let locked = lock.get(id);
      if (!locked) {
        const hash = await treeHash(dir);
        locked = {
          id,
          version: "0.0.0",
          source: `file://${dir}`,
          integrity: hash.integrity,
          installed: new Date().toISOString(),
          enabled: false,
          features: [],
          capabilities: noCapabilities(),
        };
        await writeFileAtomic(
          `${this.home.hashesDir}/${hash.integrity.slice(7)}.lines`,
          treeHashLines(hash.files),
          this.home.root,
        );
        warn(
          `${dir} was not in skills.lock; adopted it disabled (check it with caro skill verify, ` +
            `then caro skill enable ${id})`,
        );
      }
      try {
        const skill = await loadInstalledSkill(dir, { caroVersion: this.#options.caroVersion });
        if (skill.manifest.id !== id) {
          throw new SkillError("validation", `${dir} holds ${skill.manifest.id}, not ${id}`);
        }
        lock.set({ ...locked, version: skill.manifest.version });
        entries.push(indexEntryOf(skill, {
          previous: previous.get(id),
          source: locked.source,
          path: dir,
          enabled: locked.enabled,
          bundled: false,
          integrity: locked.integrity,
          installed: locked.installed,
          features: locked.features,
        }));
      } catch (error) {
        if (!(error instanceof SkillError)) throw error;
        lock.set(locked);
        warn(`Installed skill ${id} cannot be loaded: ${error.message}`);
        entries.push(brokenEntry(locked, dir, previous.get(id)));
      }
    }
    const index: SkillIndexData = {
      ...(old ?? {}),
      version: 1,
      bundledFingerprint: fingerprint,
      skills: [],
    };
    const newIndexText = indexText(index, entries);
    await commitChange(this.home, {
      op: "update",
      lockText: lock.toToml(),
      indexText: newIndexText,
    });
    return JSON.parse(newIndexText) as SkillIndexData;
  }

  #bundledDir(): string {
    return this.#options.bundledDir ?? bundledSkillsDir();
  }
}

/**
 * The `not_found` error for an unknown id, with the nearest ids as hints.
 *
 * @example
 * ```ts
 * import { unknownSkill } from "./store.ts";
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

function findEntry(index: SkillIndexData, id: string): SkillIndexEntry {
  const entry = index.skills.find((s) => s.id === id);
  if (!entry) throw unknownSkill(id, index.skills.map((s) => s.id));
  return entry;
}

function dependentsOf(index: SkillIndexData, id: string, requiredOnly: boolean): string[] {
  return index.skills
    .filter((s) =>
      s.id !== id && s.dependencies.some((d) => d.id === id && !(requiredOnly && d.optional))
    )
    .map((s) => s.id);
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The index text: entries sorted by id, stable so an unchanged index is not rewritten. */
function indexText(base: SkillIndexData, skills: SkillIndexEntry[]): string {
  // Compact: the index is read on every command, and 1,000 skills make it ~1 MB indented.
  return `${JSON.stringify({ ...base, skills: [...skills].sort(byId) })}\n`;
}

/**
 * `skills.json` read without zod: `list` must stay light (bench/store_bench.ts).
 * A file that is not what we write is rebuilt from `skills/` and the lock.
 */
function parseIndexLight(text: string): SkillIndexData | null {
  try {
    const data = JSON.parse(text) as SkillIndexData;
    const isIndex = data !== null && typeof data === "object" && data.version === 1 &&
      typeof data.bundledFingerprint === "string" && Array.isArray(data.skills) &&
      data.skills.every((s) =>
        s !== null && typeof s === "object" && typeof s.id === "string" &&
        typeof s.version === "string" && typeof s.enabled === "boolean" &&
        typeof s.bundled === "boolean" && Array.isArray(s.dependencies)
      );
    return isIndex ? data : null;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

interface EntryContext {
  previous?: SkillIndexEntry;
  source: string;
  path: string;
  enabled: boolean;
  bundled: boolean;
  integrity: string | null;
  installed: string | null;
  features: string[];
}

function indexEntryOf(skill: LoadedSkill, ctx: EntryContext): SkillIndexEntry {
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

function brokenEntry(
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

function defaultFeatures(skill: LoadedSkill): string[] {
  return Object.entries(skill.manifest.features).filter(([, f]) => f.default).map(([n]) => n)
    .sort();
}

function chooseFeatures(skill: LoadedSkill, options: InstallOptions): string[] {
  const known = Object.keys(skill.manifest.features);
  for (const name of options.features ?? []) {
    if (!known.includes(name)) {
      throw new SkillError("usage", `${skill.manifest.id} has no feature "${name}"`, {
        why: known.length > 0
          ? `its features are: ${known.join(", ")}`
          : "it declares no [features]",
        hints: didYouMean(name, known).map((n) => ({
          to: `choose ${n}`,
          run: `caro skill add … --features ${n}`,
        })),
      });
    }
  }
  const chosen = new Set(options.defaultFeatures === false ? [] : defaultFeatures(skill));
  for (const name of options.features ?? []) chosen.add(name);
  return [...chosen].sort();
}

function checkDependencies(
  skill: LoadedSkill,
  available: SkillIndexEntry[],
  spec: string,
  rangeAccepts: RangeAccepts,
): InstallResult["missingOptional"] {
  const m = skill.manifest;
  const missingOptional: InstallResult["missingOptional"] = [];
  for (const dep of m.dependencies) {
    if (dep.id === m.id) continue;
    const have = available.find((s) => s.id === dep.id);
    const fits = have !== undefined && rangeAccepts(dep.range, have.version);
    if (fits) continue;
    if (dep.optional) {
      missingOptional.push({ id: dep.id, range: dep.range, installed: have?.version });
    } else if (have === undefined) {
      throw new SkillError(
        "not_found",
        `Cannot install ${m.id}: it needs ${dep.id} (${dep.range}), which is not installed`,
        {
          why: `${m.id}'s [dependencies] require ${dep.id} ${dep.range}`,
          hints: [
            { to: "install the dependency", run: `caro skill add ${dep.id}` },
            { to: "then install this one", run: `caro skill add ${spec}` },
          ],
        },
      );
    } else {
      throw new SkillError(
        "version_conflict",
        `Cannot install ${m.id}: it needs ${dep.id} ${dep.range}, but ${have.version} is installed`,
        {
          why: `${m.id}'s [dependencies] require ${dep.id} ${dep.range}`,
          hints: [{ to: "update the dependency", run: `caro skill update ${dep.id}` }],
        },
      );
    }
  }
  return missingOptional;
}

function checkDependents(
  id: string,
  version: string,
  others: SkillIndexEntry[],
  rangeAccepts: RangeAccepts,
): void {
  const broken = others.flatMap((s) =>
    s.dependencies.filter((d) => d.id === id && !d.optional && !rangeAccepts(d.range, version))
      .map((d) => `${s.id} requires ${id} ${d.range}`)
  );
  if (broken.length > 0) {
    throw new SkillError(
      "version_conflict",
      `Cannot install ${id} ${version}: installed skills need another version`,
      {
        why: broken.join("\n"),
        hints: [{ to: "install it anyway", run: `caro skill add … --force` }],
      },
    );
  }
}

/** Whether `version` is inside a SPEC §2 range. */
type RangeAccepts = (range: string, version: string) => boolean;

async function realFolder(path: string): Promise<string> {
  try {
    const real = await Deno.realPath(path);
    if ((await Deno.stat(real)).isDirectory) return real;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw ioError(`Cannot read ${path}`, error);
  }
  throw new SkillError("not_found", `No skill folder at ${path}`, {
    why: "the path does not exist or is not a directory",
    hints: [{ to: "create a skill there", run: `caro skill init custom.my-skill --dir ${path}` }],
  });
}

/**
 * Copies a skill folder's files (links staying inside become plain files;
 * `.git/` is left out). A link leaving the folder or a special file is refused.
 */
async function copySkillTree(from: string, to: string): Promise<void> {
  const { listSkillFiles } = await import("../manifest/mod.ts");
  const { files, diagnostics } = await listSkillFiles(from);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    throw new SkillError(
      "validation",
      `Cannot install ${from}: it has files a skill may not hold`,
      {
        why: errors.map((d) => `${d.file}: ${d.message}`).join("\n"),
        hints: [{ to: "see every finding", run: `caro skill validate ${from}` }],
      },
    );
  }
  const made = new Set<string>();
  await Deno.mkdir(to, { recursive: true });
  for (const file of files) {
    const slash = file.lastIndexOf("/");
    if (slash > 0) {
      const dir = file.slice(0, slash);
      if (!made.has(dir)) {
        await Deno.mkdir(`${to}/${dir}`, { recursive: true });
        made.add(dir);
      }
    }
    await Deno.copyFile(`${from}/${file}`, `${to}/${file}`);
  }
}

async function listSkillDirs(dir: string): Promise<string[]> {
  return (await readDirOrEmpty(dir)).filter((e) => e.isDirectory).map((e) => e.name).sort();
}

/** Changes when caro's version or any bundled manifest changes, so the index is rebuilt. */
async function bundledFingerprint(dir: string, caroVersion: string): Promise<string> {
  const parts = [caroVersion];
  for (const name of await listSkillDirs(dir)) {
    for (const manifest of ["skill.toml", "SKILL.md"]) {
      try {
        const info = await Deno.stat(`${dir}/${name}/${manifest}`);
        parts.push(`${name}/${manifest}:${info.size}:${info.mtime?.getTime() ?? 0}`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
  }
  return parts.join("|");
}
