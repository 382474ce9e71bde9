/**
 * Installing from any source and updating installed skills (SPEC §4, §5): the source is
 * fetched into a staging folder of this process under `$CARO_HOME/staging/`, then handed to
 * {@link SkillStore.install}, which validates, hashes, refuses drift against the lock and
 * commits kill-safely. A failed or killed fetch or update leaves the installed version and
 * the lock untouched; the staging folder is removed (or, after a kill, by the next command).
 *
 * @module
 */

import { SkillError } from "../errors/mod.ts";
import type { Capabilities, CapabilityName } from "../capability/schema.ts";
import type { FetchContext, FetchProgress, SourceFlags } from "../sources/mod.ts";
import type { LockedSkill } from "../lockfile/mod.ts";
import type { InstallOptions, InstallResult, SkillStore } from "./store.ts";
import { makeStagingDir, readTextOrNull, removeIfExists } from "./_state.ts";
import { isDirectory } from "./home.ts";

/** Options of {@link installFromSource}. */
export interface SourceInstallOptions extends Omit<InstallOptions, "source" | "spec" | "update"> {
  /** `--path`, `--git`, `--ref`, `--subdir`, `--url`, `--oci` (instead of or with the spec). */
  flags?: SourceFlags;
  /** Allow plain `http://` to hosts other than loopback (`--insecure`). */
  insecure?: boolean;
  /** Download and git progress (a progress bar in the CLI). */
  onFetchProgress?: (progress: FetchProgress) => void;
  /** Reads an environment variable (tokens named in `config.toml`); `Deno.env.get` by default. */
  env?: (name: string) => string | undefined;
  /** The HTTP edge for archive downloads. */
  fetch?: typeof fetch;
}

/** What {@link installFromSource} did. */
export interface SourceInstallResult extends InstallResult {
  /** The source recorded in the lock (a git source carries the resolved commit). */
  source: string;
  /** Whether nothing was downloaded (clone cache or archive cache). */
  fromCache: boolean;
}

/**
 * `caro skill add SPEC`: parses the spec, fetches it into staging and installs it. A locked
 * skill reinstalls from `$CARO_HOME/cache` when the network is down and the cache holds what
 * the lock pins.
 *
 * @throws {SkillError} `usage` for an unknown spec, `network`, `not_found`, `validation`
 *   (a refused archive or an invalid skill), `version_conflict` (locked with other content)
 *
 * @example
 * ```ts
 * import { SkillStore } from "./store.ts";
 * import { installFromSource } from "./update.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/notes`);
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, "---\nname: notes\ndescription: Notes\n---\n");
 * const store = await SkillStore.open(`${root}/home`);
 * const result = await installFromSource(store, `file://${root}/notes`);
 * if (result.id !== "custom.notes" || !result.source.startsWith("file:///")) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function installFromSource(
  store: SkillStore,
  text: string | undefined,
  options: SourceInstallOptions = {},
): Promise<SourceInstallResult> {
  const { flags, insecure, onFetchProgress, env, fetch, ...install } = options;
  // Loaded here, not at the top: `caro skill list` imports this module's door and stays light.
  const { parseSourceSpec, pickSource } = await import("../sources/mod.ts");
  const spec = parseSourceSpec(text, flags);
  const named = text ?? flags?.path ?? flags?.git ?? flags?.url ?? flags?.oci ?? "";
  if (spec.kind === "registry" && text !== undefined && await isDirectory(text)) {
    // `tool.jq` names a registry skill; a folder of that name must be written as a path.
    throw new SkillError("usage", `${text} is read as a registry id, not as the folder ${text}`, {
      why: "a bare ns.name is a registry lookup (SPEC §5); folders are ./dir or /abs/dir",
      hints: [{ to: "install the folder", run: `caro skill add ./${text}` }],
    });
  }
  if (spec.kind === "folder") {
    // The store copies a folder itself and records its real path.
    const result = await store.install(spec.path, { ...install, spec: named });
    return { ...result, source: `file://${await Deno.realPath(spec.path)}`, fromCache: true };
  }
  const staging = await makeStagingDir(store.home);
  try {
    const ctx = await fetchContext(store, staging, { insecure, onFetchProgress, env, fetch });
    const fetched = await pickSource(spec).fetch(spec, ctx);
    const result = await store.install(fetched.dir, {
      ...install,
      source: fetched.resolved,
      spec: named,
    });
    return { ...result, source: fetched.resolved, fromCache: fetched.fromCache };
  } finally {
    await removeIfExists(staging);
  }
}

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

/** Files an update adds, removes and changes (from the tree-hash lines). */
export interface FileChanges {
  added: string[];
  removed: string[];
  changed: string[];
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
 * import { SkillStore } from "./store.ts";
 * import { installFromSource, updateSkills } from "./update.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/notes`);
 * const manifest = (v: string) => `---\nname: notes\ndescription: Notes ${v}\n---\n`;
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, manifest("1"));
 * const store = await SkillStore.open(`${root}/home`);
 * await installFromSource(store, `${root}/notes`);
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
  const { requestedCapabilityNames: requestedNames } = await import("../capability/schema.ts");
  const staging = await makeStagingDir(store.home);
  try {
    const spec = parseSourceSpec(locked.source);
    const ctx = await fetchContext(store, staging, options);
    progress(`Checking ${locked.id} (${locked.source})`);
    const candidate = await pickSource(spec).checkUpdate(locked, ctx, { major: options.major });
    if (!candidate) return { ...base, status: "current" };
    progress(`Fetching ${locked.id} ${candidate.to}`);
    const fetched = await pickSource(candidate.spec).fetch(candidate.spec, ctx);
    const { validateSkillFolder, validationError } = await import("../manifest/mod.ts");
    const report = await validateSkillFolder(fetched.dir);
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
    const { treeHash } = await import("../lockfile/mod.ts");
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
    await store.install(fetched.dir, {
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

/** The context every fetch of this home shares: cache, tokens, locked sources. */
async function fetchContext(
  store: SkillStore,
  staging: string,
  options: Pick<SourceInstallOptions, "insecure" | "onFetchProgress" | "env" | "fetch">,
): Promise<FetchContext> {
  const { gitTokenFor, sourceConfigOf } = await import("../sources/mod.ts");
  const configText = await readTextOrNull(store.home.configFile);
  const config = sourceConfigOf(configText ?? "", store.home.configFile);
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const lockedSources = (await store.list()).filter((s) => !s.bundled).map((s) => s.source);
  return {
    staging,
    cacheDir: store.home.cacheDir,
    insecure: options.insecure,
    tokenFor: (url) => gitTokenFor(url, config, env),
    onProgress: options.onFetchProgress,
    lockedSources,
    fetch: options.fetch,
  };
}

/** The tree-hash lines the store wrote at install, else the installed folder hashed now. */
async function lockedTreeLines(
  store: SkillStore,
  locked: { id: string; integrity: string },
): Promise<Array<{ path: string; sha256: string }>> {
  const text = await readTextOrNull(`${store.home.hashesDir}/${locked.integrity.slice(7)}.lines`);
  if (text !== null) {
    return text.split("\n").filter((l) => l !== "").map((line) => {
      const gap = line.indexOf("  ");
      return { sha256: line.slice(0, gap), path: line.slice(gap + 2) };
    });
  }
  const { treeHash } = await import("../lockfile/mod.ts");
  return (await treeHash(store.home.skillDir(locked.id))).files;
}

/**
 * Added, removed and changed files between two lists of tree-hash lines.
 *
 * @example
 * ```ts
 * import { diffTrees } from "./update.ts";
 * const d = diffTrees(
 *   [{ path: "a.md", sha256: "1" }, { path: "b.md", sha256: "2" }],
 *   [{ path: "a.md", sha256: "9" }, { path: "c.md", sha256: "3" }],
 * );
 * if (d.changed[0] !== "a.md" || d.removed[0] !== "b.md" || d.added[0] !== "c.md") throw new Error();
 * ```
 */
export function diffTrees(
  before: ReadonlyArray<{ path: string; sha256: string }>,
  after: ReadonlyArray<{ path: string; sha256: string }>,
): FileChanges {
  const old = new Map(before.map((f) => [f.path, f.sha256]));
  const now = new Map(after.map((f) => [f.path, f.sha256]));
  const changes: FileChanges = { added: [], removed: [], changed: [] };
  for (const [path, sha] of now) {
    if (!old.has(path)) changes.added.push(path);
    else if (old.get(path) !== sha) changes.changed.push(path);
  }
  for (const path of old.keys()) if (!now.has(path)) changes.removed.push(path);
  return changes;
}
