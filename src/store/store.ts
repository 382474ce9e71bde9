import { SkillError } from "../errors/mod.ts";
import { CARO_VERSION } from "../config/mod.ts";
import type { LoadedSkill, LoadOptions } from "../manifest/mod.ts";
import { type LockedSkill, Lockfile } from "../lockfile/mod.ts";
import { type Capabilities, noCapabilities } from "../capability/mod.ts";
import {
  exists,
  readDirOrEmpty,
  readTextOrNull,
  type TreeHash,
  treeHash,
  treeHashLines,
  treeRecordName,
  writeFileAtomic,
} from "../tree/mod.ts";
import { bundledSkillsDir } from "./bundled.ts";
import { CaroHome } from "./home.ts";
import {
  brokenEntry,
  dependentsOf,
  findEntry,
  indexEntryOf,
  indexText,
  parseIndex,
  readIndex,
  type SkillIndexData,
  type SkillIndexEntry,
} from "./index.ts";
import {
  commitChange,
  makeStagingDir,
  recoverJournal,
  removeLeftovers,
  trashPath,
  withStateLock,
} from "./_state.ts";

/** The skill that can never be disabled: the base rules of every command (SPEC §4). */
export const ALWAYS_ENABLED = "core.shell";

/**
 * Loads an installed or bundled skill folder for the index. The store is given
 * one by its opener (src/ops passes the loader that also reads recipes); the
 * default reads the manifest and knowledge only.
 */
export type InstalledSkillLoader = (dir: string, options: LoadOptions) => Promise<LoadedSkill>;

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
  /** How skill folders are loaded when the index is rebuilt. */
  loadSkill?: InstalledSkillLoader;
  /**
   * How long a change waits for the state lock before it gives up with an
   * error naming the holder (default {@link DEFAULT_LOCK_TIMEOUT_MS}).
   */
  lockTimeoutMs?: number;
  /** What this process is doing, told to others that wait for the lock. */
  purpose?: string;
}

/** How long a change waits for another caro process's state lock by default: 60 s. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

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
 * The state a change reads and writes, handed to {@link SkillStore.change}
 * under the state lock: the index as it is, and the lock to edit.
 */
export interface StateChange {
  /** The index, consistent with `skills/` and the lock. */
  readonly index: SkillIndexData;
  /** The lock as read; edits are written by {@link StateChange.commit}. */
  readonly lock: Lockfile;
  /**
   * Applies the change kill-safely (see `_state.ts`): the edited lock, the
   * index made of `skills`, and, for `install`, the staged tree renamed to
   * `skills/<id>` (the old folder goes to the trash); for `remove`, the folder
   * of `id` goes to the trash.
   */
  commit(change: {
    op: "install" | "remove" | "update";
    id?: string;
    staged?: string;
    skills: readonly SkillIndexEntry[];
  }): Promise<void>;
}

/**
 * The skills of one caro home: installed ones under `skills/`, bundled `core.*`
 * ones, the `skills.json` index and the `skills.lock`. Every read first
 * replays or undoes an interrupted change and removes its leftovers, so a
 * process killed at any point never leaves a state `list` or `verify`
 * disagrees with. What a change means (install, remove, grants) is decided in
 * `src/ops/`; the store holds the state and commits it.
 *
 * @example
 * ```ts
 * import { SkillStore } from "./store.ts";
 * const root = await Deno.makeTempDir();
 * const store = await SkillStore.open(`${root}/home`);
 * const ids = (await store.list()).map((s) => s.id);
 * if (!ids.includes("core.shell")) throw new Error(ids.join());
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

  /** The running caro version this store checks skills against. */
  get caroVersion(): string {
    return this.#options.caroVersion;
  }

  /** The clock for `installed` times. */
  now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  /**
   * Every installed and bundled skill, sorted by id, as the index records it.
   * Read without the state lock when the home is consistent (read-only
   * commands never wait for a writer, and work on a read-only home).
   */
  async list(): Promise<SkillIndexEntry[]> {
    return (await this.#read()).skills;
  }

  /**
   * One skill's index entry and lock entry.
   *
   * @throws {SkillError} `not_found` naming the nearest ids
   */
  async info(id: string): Promise<SkillInfo> {
    const index = await this.#read();
    const entry = findEntry(index, id);
    const locked = (await this.readLock()).get(id);
    return {
      entry,
      locked,
      granted: locked?.capabilities ?? null,
      dependents: dependentsOf(index, id, false),
    };
  }

  /** The lock as it is on disk (read without the state lock: a snapshot). */
  async readLock(): Promise<Lockfile> {
    return await Lockfile.read(this.home.lockFile);
  }

  /**
   * What every skill is granted: installed skills what `skills.lock` records,
   * bundled `core.*` skills what their manifest requests (they ship inside
   * caro and are trusted like caro itself).
   */
  async grants(): Promise<Map<string, Capabilities>> {
    const index = await this.#read();
    const lock = await this.readLock();
    const grants = new Map<string, Capabilities>();
    for (const entry of index.skills) {
      if (entry.bundled) grants.set(entry.id, entry.requestedCapabilities);
    }
    for (const locked of lock.skills.values()) grants.set(locked.id, locked.capabilities);
    return grants;
  }

  /**
   * Runs `fn` under the state lock with the current index and lock: every
   * read-modify-write of state goes through here, so no change is decided on
   * state another process has changed since.
   */
  async change<T>(fn: (state: StateChange) => Promise<T>): Promise<T> {
    return await this.#locked(async () => {
      const index = await this.#sync();
      const lock = await this.readLock();
      const home = this.home;
      return await fn({
        index,
        lock,
        async commit(change) {
          const target = change.id ? home.skillDir(change.id) : undefined;
          const movesAside = change.op === "remove" ||
            (change.op === "install" && target !== undefined && await exists(target));
          await commitChange(home, {
            op: change.op,
            id: change.id,
            staged: change.staged,
            aside: movesAside && change.id ? trashPath(home, change.id) : undefined,
            lockText: lock.toToml(),
            indexText: await indexText(index, change.skills, {
              root: home.root,
              lockText: lock.toToml(),
            }),
          });
        },
      });
    });
  }

  /** A fresh staging folder of this process under the home (removed by the caller). */
  async makeStagingDir(): Promise<string> {
    return await makeStagingDir(this.home);
  }

  /**
   * Records the lines of a tree hash under `hashes/`, so a later `update` or
   * `verify` can say which files changed.
   */
  async recordTree(hash: TreeHash): Promise<void> {
    await writeFileAtomic(
      `${this.home.hashesDir}/${treeRecordName(hash.integrity)}`,
      treeHashLines(hash.files),
      this.home.root,
    );
  }

  /** The recorded lines of a tree hash, or null when none were kept. */
  async readTreeRecord(integrity: string): Promise<string | null> {
    return await readTextOrNull(`${this.home.hashesDir}/${treeRecordName(integrity)}`);
  }

  /** Removes tree records no locked integrity names any more. */
  async pruneTreeRecords(keep: Iterable<string>): Promise<void> {
    const names = new Set([...keep].map(treeRecordName));
    for (const entry of await readDirOrEmpty(this.home.hashesDir)) {
      if (!names.has(entry.name)) {
        await Deno.remove(`${this.home.hashesDir}/${entry.name}`).catch((error) => {
          if (!(error instanceof Deno.errors.NotFound)) throw error;
        });
      }
    }
  }

  /**
   * Loads a skill folder the way this store loads installed ones (an
   * installed AgentSkills folder is `custom.<name>`, so its name is checked
   * against `<name>`).
   */
  async loadSkill(dir: string, options: { isBundled?: boolean } = {}): Promise<LoadedSkill> {
    const folder = dir.slice(dir.lastIndexOf("/") + 1);
    const folderName = !options.isBundled && folder.startsWith("custom.")
      ? folder.slice("custom.".length)
      : undefined;
    const load = this.#options.loadSkill ?? defaultLoader;
    return await load(dir, { ...options, folderName, caroVersion: this.#options.caroVersion });
  }

  /**
   * Replays or undoes an interrupted change, removes leftovers, and rebuilds
   * `skills.json` from `skills/` and the lock when they disagree.
   */
  async repair(): Promise<void> {
    await this.#locked(() => this.#sync());
  }

  /** Runs `fn` under the state lock, saying who holds it when the wait is long. */
  async #locked<T>(fn: () => Promise<T>): Promise<T> {
    return await withStateLock(this.home, fn, {
      timeoutMs: this.#options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      purpose: this.#options.purpose,
      onWait: (holder) =>
        this.#options.warn?.(
          `waiting for the state lock of ${this.home.root}${
            holder
              ? `, held by process ${holder.pid} (${holder.purpose}) since ${holder.since}`
              : ""
          }`,
        ),
    });
  }

  /**
   * The index, read without the lock when the home is consistent (no
   * interrupted change, the index matching caro's version and \`skills/\`);
   * otherwise repaired under the lock. A change committed meanwhile shows as
   * a journal or a mismatch, so a lock-free read sees the old or the new state
   * whole, or takes the lock.
   */
  async #read(): Promise<SkillIndexData> {
    const index = await this.#consistentIndex();
    if (!index) return await this.#locked(() => this.#sync());
    if (await hasLeftovers(this.home)) {
      // What a killed command left (staging, trash, temp files) is cleared by
      // the next command, a read too — but a read never waits for it: only if
      // the lock is free now and the home writable.
      await withStateLock(this.home, () => this.#sync(), { timeoutMs: 100, noticeMs: 1e9 })
        .catch((error) => {
          if (!(error instanceof SkillError && error.code === "io")) throw error;
        });
    }
    return index;
  }

  async #consistentIndex(): Promise<SkillIndexData | null> {
    if (await exists(this.home.journalFile)) return null;
    return (await this.#checkIndex()).consistent;
  }

  /**
   * The index when it is consistent: trusted against the lock, of caro's own
   * version and bundled skills, and naming exactly the folders in `skills/`.
   * `read` is whatever could be read of it (its unknown keys survive a rebuild).
   */
  async #checkIndex(): Promise<{ consistent: SkillIndexData | null; read: SkillIndexData | null }> {
    const fingerprint = await bundledFingerprint(this.#bundledDir(), this.#options.caroVersion);
    const text = await readTextOrNull(this.home.indexFile);
    const read = text === null ? null : await this.#readIndex(text);
    if (!read?.isTrusted || read.data.bundledFingerprint !== fingerprint) {
      return { consistent: null, read: read?.data ?? null };
    }
    const onDisk = (await readDirOrEmpty(this.home.skillsDir)).map((e) => e.name).sort();
    const indexed = read.data.skills.filter((s) => !s.bundled).map((s) => s.id).sort();
    const isSame = onDisk.join("\n") === indexed.join("\n");
    return { consistent: isSame ? read.data : null, read: read.data };
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
    const { consistent, read } = await this.#checkIndex();
    return consistent ?? await this.#rebuild(read);
  }

  /** The index text read against the lock as it is now (the lock wins). */
  async #readIndex(text: string): Promise<{ data: SkillIndexData; isTrusted: boolean } | null> {
    const lockText = await readTextOrNull(this.home.lockFile) ?? "";
    return await readIndex(text, { root: this.home.root, lockText });
  }

  /** Rebuilds the index (and drops or adopts lock entries) from disk. */
  async #rebuild(old: SkillIndexData | null): Promise<SkillIndexData> {
    const fingerprint = await bundledFingerprint(this.#bundledDir(), this.#options.caroVersion);
    const warn = this.#options.warn ?? (() => {});
    const lock = await this.readLock();
    const previous = new Map((old?.skills ?? []).map((s) => [s.id, s]));
    const entries: SkillIndexEntry[] = [];
    for (const dir of await listSkillDirs(this.#bundledDir())) {
      try {
        const skill = await this.loadSkill(`${this.#bundledDir()}/${dir}`, { isBundled: true });
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
        await this.recordTree(hash);
        warn(
          `${dir} was not in skills.lock; adopted it disabled (check it with caro skill verify, ` +
            `then caro skill enable ${id})`,
        );
      }
      try {
        const skill = await this.loadSkill(dir);
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
    const lockText = lock.toToml();
    const newIndexText = await indexText(index, entries, { root: this.home.root, lockText });
    await commitChange(this.home, { op: "update", lockText, indexText: newIndexText });
    return (await parseIndex(newIndexText, { root: this.home.root, lockText }))!;
  }

  #bundledDir(): string {
    return this.#options.bundledDir ?? bundledSkillsDir();
  }
}

/** The features marked `default = true`, sorted. */
export function defaultFeatures(skill: LoadedSkill): string[] {
  return Object.entries(skill.manifest.features).filter(([, f]) => f.default).map(([n]) => n)
    .sort();
}

/** Whether a killed command left anything to clear: trash, staging, temp files. */
async function hasLeftovers(home: CaroHome): Promise<boolean> {
  if ((await readDirOrEmpty(home.trashDir)).length > 0) return true;
  if ((await readDirOrEmpty(home.stagingDir)).length > 0) return true;
  return (await readDirOrEmpty(home.root)).some((e) =>
    e.isFile && e.name.startsWith(".") && e.name.endsWith(".tmp")
  );
}

async function defaultLoader(dir: string, options: LoadOptions): Promise<LoadedSkill> {
  const { loadSkillFolder } = await import("../manifest/mod.ts");
  return await loadSkillFolder(dir, options);
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
