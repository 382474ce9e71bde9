/**
 * `caro skill add`: any source into the store (SPEC §4, §5). The spec is
 * fetched into a staging folder of this process, its files are copied into a
 * second staging folder (links that stay inside become files, `.git/` is left
 * out, links leaving the folder and special files are refused), validated and
 * hashed; the grant prompt runs before the state lock is taken; then, under
 * the lock, drift against the lock and dependencies are checked and the tree
 * is committed kill-safely. A failed or killed install changes nothing.
 *
 * @module
 */
import { type Diagnostic, SkillError } from "../errors/mod.ts";
import { didYouMean } from "../suggest/mod.ts";
import {
  bestVersion,
  copySkillFolder,
  type LoadedSkill,
  validationError,
} from "../manifest/mod.ts";
import {
  type Capabilities,
  type CapabilityName,
  noCapabilities,
  requestedCapabilityNames,
} from "../capability/mod.ts";
import { isDirectory, removeIfExists, treeHash } from "../tree/mod.ts";
import type { FetchContext, FetchProgress, SourceFlags } from "../sources/mod.ts";
import { readConfig } from "../config/mod.ts";
import {
  defaultFeatures,
  indexEntryOf,
  type SkillIndexEntry,
  type SkillStore,
} from "../store/mod.ts";
import { validateSkill } from "./validate.ts";

/** Options of {@link installSkill}. */
export interface InstallOptions {
  /** `--path`, `--git`, `--ref`, `--subdir`, `--url`, `--oci` (instead of or with the spec). */
  flags?: SourceFlags;
  /** Enable it after install (default true; `--no-enable`). */
  enable?: boolean;
  /** Replace a locked skill whose content differs, or reinstall identical content. */
  force?: boolean;
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
  /** Allow plain `http://` to hosts other than loopback (`--insecure`). */
  insecure?: boolean;
  /** Download and git progress (a progress bar in the CLI). */
  onFetchProgress?: (progress: FetchProgress) => void;
  /** Reads an environment variable (tokens named in `config.toml`); `Deno.env.get` by default. */
  env?: (name: string) => string | undefined;
  /** The HTTP edge for archive downloads. */
  fetch?: typeof fetch;
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

/** What {@link installSkill} did. */
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
  /** The source recorded in the lock (a git source carries the resolved commit). */
  source: string;
  /** Whether nothing was downloaded (clone cache or archive cache). */
  fromCache: boolean;
}

/**
 * `caro skill add SPEC`: parses the spec, fetches it into staging and installs
 * it. A locked skill reinstalls from `$CARO_HOME/cache` when the network is
 * down and the cache holds what the lock pins.
 *
 * @throws {SkillError} `usage` for an unknown spec, `network`, `not_found`, `validation`
 *   (a refused archive or an invalid skill), `version_conflict` (locked with other content,
 *   or a dependency of the wrong version)
 * @example
 * ```ts
 * import { installSkill, openStore } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/notes`);
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, "---\nname: notes\ndescription: Notes\n---\n");
 * const store = await openStore(`${root}/home`);
 * const result = await installSkill(store, `file://${root}/notes`);
 * if (result.id !== "custom.notes" || !result.source.startsWith("file:///")) throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function installSkill(
  store: SkillStore,
  text: string | undefined,
  options: InstallOptions = {},
): Promise<InstallResult> {
  // Loaded here, not at the top: `caro skill list` imports this module's door and stays light.
  const { parseSourceSpec, pickSource } = await import("../sources/mod.ts");
  const spec = parseSourceSpec(text, options.flags);
  const named = text ?? options.flags?.path ?? options.flags?.git ?? options.flags?.url ??
    options.flags?.oci ?? "";
  if (spec.kind === "registry" && text !== undefined && await isDirectory(text)) {
    // `tool.jq` names a registry skill; a folder of that name must be written as a path.
    throw new SkillError("usage", `${text} is read as a registry id, not as the folder ${text}`, {
      why: "a bare ns.name is a registry lookup (SPEC §5); folders are ./dir or /abs/dir",
      hints: [{ to: "install the folder", run: `caro skill add ./${text}` }],
    });
  }
  const staging = await store.makeStagingDir();
  try {
    const ctx = await fetchContext(store, staging, options);
    const fetched = await pickSource(spec).fetch(spec, ctx);
    const result = await installFetched(store, fetched.dir, {
      ...options,
      source: fetched.resolved,
      spec: named,
      // A folder source already made the clean private copy; others (archives,
      // git checkouts) may hold links and `.git/`, which the copy drops or refuses.
      isClean: spec.kind === "folder",
    });
    return { ...result, source: fetched.resolved, fromCache: fetched.fromCache };
  } finally {
    await removeIfExists(staging);
  }
}

/** Options of {@link installFetched}: an install of a tree already fetched. */
export interface FetchedInstallOptions extends InstallOptions {
  /** The source recorded in the lock. */
  source: string;
  /** How the user named it, for hints. */
  spec: string;
  /**
   * This is `caro skill update`: the locked skill may change content (the one
   * explicit path that changes a locked integrity); dependents are still checked.
   */
  update?: boolean;
  /**
   * `from` is already this process's private copy, made by `copySkillFolder` in
   * a staging folder of this home: it is validated and committed in place.
   */
  isClean?: boolean;
}

/**
 * Installs a fetched skill folder: copy to staging → validate → tree hash →
 * grant prompt → under the state lock: refuse drift → check dependencies →
 * commit. Nothing changes until the commit.
 *
 * @throws {SkillError} `validation`, `version_conflict`, `not_found` (a missing
 *   required dependency), `usage` (an unknown feature)
 */
export async function installFetched(
  store: SkillStore,
  from: string,
  options: FetchedInstallOptions,
): Promise<Omit<InstallResult, "source" | "fromCache">> {
  const progress = options.progress ?? (() => {});
  const realFrom = await Deno.realPath(from);
  const staging = await store.makeStagingDir();
  try {
    // The source folder's name is kept: an AgentSkills name must equal it.
    const tree = options.isClean
      ? realFrom
      : `${staging}/${realFrom.slice(realFrom.lastIndexOf("/") + 1)}`;
    if (!options.isClean) {
      progress(`Copying ${options.spec} to staging`);
      await copySkillFolder(realFrom, tree);
    }
    progress("Validating");
    const report = await validateSkill(tree, { caroVersion: store.caroVersion });
    // Findings name the folder the user gave, not the staging copy.
    if (!report.ok || !report.skill) throw validationError({ ...report, path: options.spec });
    const skill = report.skill;
    progress("Hashing");
    const hash = await treeHash(tree);
    const features = chooseFeatures(skill, options);
    const id = skill.manifest.id;
    // The grant prompt runs before the state lock is taken (a person may take
    // a while; other caro commands must not wait) and before anything changes.
    // What it answered is applied under the lock only if the grants it saw are
    // still the ones held, so a revoke committed meanwhile is never undone.
    let consented: { granted: Capabilities; sawPrevious: string } | undefined;
    if (options.consent) {
      const seen = await store.readLock();
      const seenLocked = seen.get(id);
      const needsNoChange = seenLocked !== undefined && !options.force && !options.update;
      if (!needsNoChange) {
        const previous = seenLocked?.capabilities ?? seen.retained.get(id)?.capabilities ?? null;
        const granted = await options.consent({
          id,
          version: skill.manifest.version,
          requested: skill.manifest.capabilities,
          previous,
        });
        consented = { granted, sawPrevious: JSON.stringify(previous) };
      }
    }
    const rangeAccepts = (range: string, version: string) => bestVersion([version], range) !== null;
    return await store.change(async ({ index, lock, commit }) => {
      const locked = lock.get(id);
      if (
        locked && locked.integrity !== hash.integrity && !options.force && !options.update
      ) {
        throw new SkillError(
          "version_conflict",
          `Cannot install ${id} ${skill.manifest.version}: ${id} ${locked.version} is locked with different content`,
          {
            why:
              `skills.lock pins ${locked.integrity}\nthe copy at ${options.spec} hashes to ${hash.integrity}`,
            hints: [
              { to: "update it", run: `caro skill update ${id}` },
              { to: "replace it anyway", run: `caro skill add ${options.spec} --force` },
            ],
          },
        );
      }
      const base = {
        id,
        version: skill.manifest.version,
        integrity: hash.integrity,
        path: store.home.skillDir(id),
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
      const missingOptional = checkDependencies(skill, others, options.spec, rangeAccepts);
      if (!options.force) checkDependents(id, skill.manifest.version, others, rangeAccepts);
      const retained = lock.retained.get(id);
      const enabled = options.enable ?? retained?.enabled ?? true;
      const installed = store.now().toISOString();
      const heldNow = locked?.capabilities ?? retained?.capabilities ?? null;
      // Grants: what the capability prompt decided; without one, what
      // `remove --keep-config` kept, else nothing (SPEC §6: deny is the default).
      // An update without a prompt keeps what was granted; what the new version
      // newly requests stays ungranted until the user grants it.
      const granted = consented?.granted ??
        (options.update ? locked?.capabilities : undefined) ??
        retained?.capabilities ?? noCapabilities();
      if (consented && JSON.stringify(heldNow) !== consented.sawPrevious) {
        throw new SkillError(
          "version_conflict",
          `Cannot install ${id}: its grants changed while you were asked`,
          {
            why: "another caro command granted or revoked capabilities of this skill meanwhile",
            hints: [{ to: "try again", run: `caro skill add ${options.spec}` }],
          },
        );
      }
      lock.set({
        id,
        version: skill.manifest.version,
        source: options.source,
        integrity: hash.integrity,
        installed,
        enabled,
        features,
        capabilities: granted,
      });
      lock.retained.delete(id);
      const entry = indexEntryOf(skill, {
        previous: index.skills.find((s) => s.id === id),
        source: options.source,
        path: store.home.skillDir(id),
        enabled,
        bundled: false,
        integrity: hash.integrity,
        installed,
        features,
      });
      await store.recordTree(hash);
      progress(`Installing ${id} ${skill.manifest.version}`);
      await commit({ op: "install", id, staged: tree, skills: [...others, entry] });
      // The replaced version's record of files is no longer needed.
      if (locked) await store.pruneTreeRecords([...lock.skills.values()].map((l) => l.integrity));
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

/** The context every fetch of this home shares: cache, tokens, locked sources. */
export async function fetchContext(
  store: SkillStore,
  staging: string,
  options: Pick<InstallOptions, "insecure" | "onFetchProgress" | "env" | "fetch">,
): Promise<FetchContext> {
  const { gitTokenFor, sourceConfigOf } = await import("../sources/mod.ts");
  const config = sourceConfigOf(await readConfig(store.home.configFile));
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
