import { SkillError } from "../errors/mod.ts";
import { isDirectory } from "../tree/mod.ts";

/**
 * The paths of a caro home (SPEC §4): `--home`, else `$CARO_HOME`, else `~/.caro`.
 *
 * @example
 * ```ts
 * import { CaroHome } from "./home.ts";
 * const home = new CaroHome("/tmp/caro-example");
 * if (home.skillsDir !== "/tmp/caro-example/skills") throw new Error();
 * if (home.skillDir("tool.jq") !== "/tmp/caro-example/skills/tool.jq") throw new Error();
 * ```
 */
export class CaroHome {
  /** The home folder itself. */
  readonly root: string;
  /** A home at `root` (a trailing `/` is dropped). */
  constructor(root: string) {
    this.root = root.length > 1 ? root.replace(/\/+$/, "") : root;
  }

  /**
   * The home chosen by `--home`, then `$CARO_HOME`, then `$HOME/.caro`.
   *
   * @throws {SkillError} `usage` when none of them is set
   * @example
   * ```ts
   * import { CaroHome } from "./home.ts";
   * if (CaroHome.resolve("/srv/caro").root !== "/srv/caro") throw new Error();
   * ```
   */
  static resolve(flag?: string): CaroHome {
    const chosen = flag ?? nonEmpty(Deno.env.get("CARO_HOME"));
    if (chosen) return new CaroHome(absolute(chosen));
    const user = nonEmpty(Deno.env.get("HOME"));
    if (!user) {
      throw new SkillError("usage", "Cannot find the caro home folder", {
        why: "neither --home, $CARO_HOME nor $HOME is set",
        hints: [{ to: "choose one", run: "caro --home ~/.caro skill list" }],
      });
    }
    return new CaroHome(`${user}/.caro`);
  }

  /** Installed skills: `skills/<id>/`. */
  get skillsDir(): string {
    return `${this.root}/skills`;
  }
  /** The installed copy of one skill. */
  skillDir(id: string): string {
    return `${this.skillsDir}/${id}`;
  }
  /** The index of installed and bundled skills. */
  get indexFile(): string {
    return `${this.root}/skills.json`;
  }
  /** The lock file: versions, sources, integrity, grants. */
  get lockFile(): string {
    return `${this.root}/skills.lock`;
  }
  /** The user's settings. */
  get configFile(): string {
    return `${this.root}/config.toml`;
  }
  /** Capability checks, one JSON line each. */
  get auditLog(): string {
    return `${this.root}/audit.log`;
  }
  /** Disposable downloads and clones. */
  get cacheDir(): string {
    return `${this.root}/cache`;
  }
  /** Trees being fetched and checked before they are moved into `skills/`. */
  get stagingDir(): string {
    return `${this.root}/staging`;
  }
  /** Replaced or removed skill folders waiting to be deleted. */
  get trashDir(): string {
    return `${this.root}/trash`;
  }
  /** The tree-hash lines of every installed tree, by integrity, for `verify`. */
  get hashesDir(): string {
    return `${this.root}/hashes`;
  }
  /** The state lock file every state change holds (`Deno.FsFile.lock`). */
  get stateLockFile(): string {
    return `${this.root}/.lock`;
  }
  /** The intent of the state change in progress, replayed or undone after a crash. */
  get journalFile(): string {
    return `${this.root}/journal.json`;
  }

  /**
   * Creates the home layout when missing; returns whether it was created now.
   * A new home is announced through `announce` (stderr in the CLI).
   *
   * @example
   * ```ts
   * import { CaroHome } from "./home.ts";
   * const root = await Deno.makeTempDir();
   * const home = new CaroHome(`${root}/h`);
   * if (!(await home.ensure())) throw new Error("expected a new home");
   * if (await home.ensure()) throw new Error("created twice");
   * await Deno.remove(root, { recursive: true });
   * ```
   */
  async ensure(announce?: (message: string) => void): Promise<boolean> {
    let created = false;
    try {
      await Deno.mkdir(this.root, { recursive: false });
      created = true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        await Deno.mkdir(this.root, { recursive: true });
        created = true;
      } else if (!(error instanceof Deno.errors.AlreadyExists)) {
        throw ioError(`Cannot create the caro home ${this.root}`, error);
      }
    }
    if (!created && await isDirectory(this.skillsDir)) return false;
    for (const dir of [this.skillsDir, this.stagingDir, this.trashDir, this.hashesDir]) {
      await Deno.mkdir(dir, { recursive: true });
    }
    await Deno.mkdir(this.cacheDir, { recursive: true });
    if (created) {
      announce?.(
        `Created caro home ${this.root} (skills/, skills.json, skills.lock, cache/; ` +
          `choose another with --home or $CARO_HOME)`,
      );
    }
    return created;
  }
}

/**
 * An `io` {@link SkillError} for a failed filesystem operation.
 *
 * @example
 * ```ts
 * import { ioError } from "./home.ts";
 * const err = ioError("Cannot create /x", new Error("EACCES"));
 * if (err.code !== "io" || err.why !== "EACCES") throw new Error();
 * ```
 */
export function ioError(message: string, cause: unknown): SkillError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new SkillError("io", message, { why, cause });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function absolute(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
}
