/**
 * The one parser of source specs (SPEC §5) that every command shares: a local folder, a git
 * repository, an archive URL, an OCI reference or a registry id, given as one argument or
 * with `--path`, `--git`/`--ref`/`--subdir`, `--url` or `--oci`.
 *
 * @module
 */

import { SkillError } from "../errors/mod.ts";
import { type ArchiveFormat, archiveFormatOf } from "../tree/mod.ts";
import { usesSystemGit } from "./git/remote.ts";

/** A local skill folder. */
export interface FolderSpec {
  kind: "folder";
  /** The folder as given (relative paths stay relative to the working directory). */
  path: string;
}

/** What a git lock source tracks: the tag or branch it came from (Cargo's `?tag=`). */
export interface GitTracking {
  kind: "tag" | "branch";
  name: string;
}

/** A git repository, a ref in it, and optionally a folder inside it. */
export interface GitSpec {
  kind: "git";
  /** The repository URL without `git+`, query or fragment. */
  url: string;
  /** Tag, branch or commit to fetch; the default branch when absent. */
  ref?: string;
  /** The skill's folder inside the repository (a monorepo). */
  subdir?: string;
  /** In a lock source: the tag or branch the pinned commit was resolved from. */
  tracking?: GitTracking;
}

/** An archive to download (or read from `file://`), optionally pinned to a digest. */
export interface ArchiveSpec {
  kind: "archive";
  /** The archive URL without the `#sha256=` fragment. */
  url: string;
  /** The pinned SHA-256 of the archive file, lowercase hex. */
  sha256?: string;
  format: ArchiveFormat;
}

/** An OCI artifact reference (`oci://registry/repo:tag` or `@sha256:…`). */
export interface OciSpec {
  kind: "oci";
  reference: string;
}

/** A registry id with an optional version range (`tool.jq@^1.2`). */
export interface RegistrySpec {
  kind: "registry";
  id: string;
  range?: string;
}

/** Any parsed source spec. */
export type SourceSpec = FolderSpec | GitSpec | ArchiveSpec | OciSpec | RegistrySpec;

/** The source flags of `caro skill add` (each an alternative to the positional spec). */
export interface SourceFlags {
  path?: string;
  git?: string;
  ref?: string;
  subdir?: string;
  url?: string;
  oci?: string;
}

/**
 * The accepted forms, shown by every usage error of the parser.
 *
 * @example
 * ```ts
 * import { ACCEPTED_SOURCE_FORMS, parseSourceSpec } from "./spec.ts";
 * let why = "";
 * try {
 *   parseSourceSpec("ftp://example.com/skill");
 * } catch (e) {
 *   why = (e as { why?: string }).why ?? "";
 * }
 * if (!why.includes(ACCEPTED_SOURCE_FORMS[0])) throw new Error(why);
 * ```
 */
export const ACCEPTED_SOURCE_FORMS = [
  "./dir, /abs/dir, file:///dir or --path DIR (a local folder)",
  "git+https://host/repo[#ref[:subdir]] or --git URL [--ref REF] [--subdir DIR]",
  "https://…/x.tgz, .tar.gz, .tar or .zip [#sha256=HEX], file:///…/x.tgz or --url URL",
  "oci://registry/repo:tag or --oci REF",
  "ns.name[@range] (a registry id)",
];

const REGISTRY_ID = /^((?:core|cloud|tool|lang|platform|custom)\.[a-z0-9][a-z0-9-]*)(?:@(.+))?$/;
const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Parses a source spec given as the positional argument and/or the source flags.
 *
 * @throws {SkillError} `usage` (exit 64) for a missing, doubled, unknown or malformed spec,
 *   naming the accepted forms
 *
 * @example
 * ```ts
 * import { parseSourceSpec } from "./spec.ts";
 * const git = parseSourceSpec("git+https://example.com/skills.git#v1.0.0:skills/jq");
 * if (git.kind !== "git" || git.ref !== "v1.0.0" || git.subdir !== "skills/jq") throw new Error();
 * const tgz = parseSourceSpec(undefined, { url: "https://example.com/jq-1.0.tgz" });
 * if (tgz.kind !== "archive" || tgz.format !== "tgz") throw new Error();
 * if (parseSourceSpec("./jq").kind !== "folder") throw new Error();
 * if (parseSourceSpec("tool.jq@^1.2").kind !== "registry") throw new Error();
 * ```
 */
export function parseSourceSpec(text: string | undefined, flags: SourceFlags = {}): SourceSpec {
  const given = (["path", "git", "url", "oci"] as const).filter((f) => flags[f] !== undefined);
  if (given.length > 1 || (given.length === 1 && text !== undefined)) {
    const named = [...(text !== undefined ? [`"${text}"`] : []), ...given.map((f) => `--${f}`)];
    throw usage(`Give one source, not ${named.join(" and ")}`, "a skill has one source");
  }
  const gitOnly = (["ref", "subdir"] as const).filter((f) => flags[f] !== undefined);
  if (gitOnly.length > 0 && flags.git === undefined) {
    throw usage(
      `--${gitOnly[0]} goes with --git`,
      "only a git source has refs and subfolders; in a spec write git+URL#ref:subdir",
    );
  }
  if (flags.path !== undefined) return folder(flags.path);
  if (flags.git !== undefined) {
    const spec = parseGit(flags.git.startsWith("git+") ? flags.git : `git+${flags.git}`);
    return {
      ...spec,
      ref: nonEmpty(flags.ref) ?? spec.ref,
      subdir: cleanSubdir(flags.subdir, flags.git) ?? spec.subdir,
    };
  }
  if (flags.url !== undefined) return parseArchive(flags.url, true);
  if (flags.oci !== undefined) return parseOci(flags.oci.replace(/^oci:\/\//, ""));
  if (text === undefined || text.trim() === "") {
    throw usage("Which skill? A source is needed", "no spec or source flag was given");
  }
  return parseText(text.trim());
}

function parseText(text: string): SourceSpec {
  if (/^git\+/i.test(text)) return parseGit(text);
  if (usesSystemGit(text) && !/^file:/i.test(text)) return parseGit(`git+${text}`);
  if (/^oci:\/\//i.test(text)) return parseOci(text.slice("oci://".length));
  if (/^file:\/\//i.test(text)) {
    if (archiveFormatOf(text)) return parseArchive(text, false);
    return folder(fileUrlPath(text));
  }
  if (/^https?:\/\//i.test(text)) {
    if (archiveFormatOf(text)) return parseArchive(text, false);
    const path = text.replace(/[?#].*$/, "");
    if (path.endsWith(".git")) return parseGit(`git+${text}`);
    throw usage(
      `Cannot tell what ${redactUserinfo(text)} is`,
      "a URL source is an archive (.tgz, .tar.gz, .tar, .zip) or a git repository (git+https://…)",
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw usage(
      `Cannot install from ${redactUserinfo(text)}: the ${
        text.slice(0, text.indexOf(":"))
      }:// scheme is not a source`,
      "caro installs from folders, git, archives, OCI and the registry",
    );
  }
  const registry = REGISTRY_ID.exec(text);
  if (registry) return { kind: "registry", id: registry[1], range: registry[2] };
  return folder(text);
}

function folder(path: string): FolderSpec {
  if (path === "") throw usage("The folder path is empty", "--path needs a folder");
  return { kind: "folder", path };
}

function fileUrlPath(text: string): string {
  try {
    return decodeURIComponent(new URL(text).pathname);
  } catch (error) {
    throw usage(`${text} is not a valid file:// URL`, String(error));
  }
}

/** `git+URL[?tag=|branch=|rev=…][#ref[:subdir]]`. */
function parseGit(text: string): GitSpec {
  const bare = text.slice("git+".length);
  const hash = bare.indexOf("#");
  const before = hash < 0 ? bare : bare.slice(0, hash);
  const fragment = hash < 0 ? "" : bare.slice(hash + 1);
  const query = before.indexOf("?");
  const url = query < 0 ? before : before.slice(0, query);
  if (url === "" || (!usesSystemGit(url) && !/^https?:\/\/[^/]+/i.test(url))) {
    throw usage(
      `Cannot use ${redactUserinfo(text)} as a git source`,
      "a git source is git+https://host/repo, ssh://host/repo or git@host:repo",
    );
  }
  let tracking: GitTracking | undefined;
  let rev: string | undefined;
  if (query >= 0) {
    for (const [key, value] of new URLSearchParams(before.slice(query + 1))) {
      if (key === "tag" || key === "branch") tracking = { kind: key, name: value };
      else if (key === "rev") rev = value;
      else {
        throw usage(`Unknown git source option ?${key}= in ${redactUserinfo(text)}`, "");
      }
    }
  }
  const colon = fragment.indexOf(":");
  const ref = nonEmpty(colon < 0 ? fragment : fragment.slice(0, colon)) ?? rev ??
    tracking?.name;
  const subdir = colon < 0 ? undefined : cleanSubdir(fragment.slice(colon + 1), text);
  return { kind: "git", url, ref, subdir, tracking };
}

function cleanSubdir(subdir: string | undefined, text: string): string | undefined {
  if (subdir === undefined) return undefined;
  const clean = subdir.replace(/^\.?\/+/, "").replace(/\/+$/, "");
  if (clean === "") return undefined;
  if (clean.startsWith("/") || clean.split("/").some((p) => p === ".." || p === "")) {
    throw usage(
      `Cannot use subfolder "${subdir}" of ${redactUserinfo(text)}`,
      "a subfolder is a relative path inside the repository, without ..",
    );
  }
  return clean;
}

function parseArchive(text: string, fromFlag: boolean): ArchiveSpec {
  const hash = text.indexOf("#");
  const url = hash < 0 ? text : text.slice(0, hash);
  const fragment = hash < 0 ? "" : text.slice(hash + 1);
  const format = archiveFormatOf(url);
  if (!format) {
    throw usage(
      `Cannot tell the archive format of ${redactUserinfo(url)}`,
      `${fromFlag ? "--url" : "an archive URL"} must end in .tgz, .tar.gz, .tar or .zip`,
    );
  }
  if (!/^(https?|file):\/\//i.test(url)) {
    throw usage(`Cannot download ${redactUserinfo(url)}`, "an archive URL is https:// or file://");
  }
  let sha256: string | undefined;
  if (fragment !== "") {
    const match = /^sha256=(.*)$/.exec(fragment);
    if (!match || !SHA256_HEX.test(match[1])) {
      throw usage(
        `Cannot use #${fragment} of ${redactUserinfo(url)}`,
        "an archive pins its digest as #sha256=<64 hex digits>",
      );
    }
    sha256 = match[1].toLowerCase();
  }
  return { kind: "archive", url, sha256, format };
}

function parseOci(reference: string): OciSpec {
  if (!/^[^/\s]+\/[^\s]+$/.test(reference)) {
    throw usage(
      `Cannot use oci://${reference}`,
      "an OCI reference is oci://registry/repo:tag or oci://registry/repo@sha256:…",
    );
  }
  return { kind: "oci", reference };
}

/**
 * The lock source string of a git fetch: `git+URL?tag=NAME#<commit>[:subdir]` (Cargo's form),
 * without any credentials in the URL. It parses back to a spec that fetches exactly that commit.
 *
 * @example
 * ```ts
 * import { formatGitSource, parseSourceSpec } from "./spec.ts";
 * const text = formatGitSource({
 *   url: "https://user:secret@example.com/s.git",
 *   commit: "a".repeat(40),
 *   tracking: { kind: "tag", name: "v1.0.0" },
 *   subdir: "skills/jq",
 * });
 * if (text !== `git+https://example.com/s.git?tag=v1.0.0#${"a".repeat(40)}:skills/jq`) throw new Error(text);
 * const back = parseSourceSpec(text);
 * if (back.kind !== "git" || back.ref !== "a".repeat(40) || back.tracking?.name !== "v1.0.0") throw new Error();
 * ```
 */
export function formatGitSource(
  parts: { url: string; commit: string; tracking?: GitTracking; subdir?: string },
): string {
  const query = parts.tracking
    ? `?${parts.tracking.kind}=${encodeURIComponent(parts.tracking.name)}`
    : "";
  const subdir = parts.subdir ? `:${parts.subdir}` : "";
  return `git+${stripUserinfo(parts.url)}${query}#${parts.commit}${subdir}`;
}

/**
 * A URL without its credentials (for lock sources, logs and errors): the
 * password always, the user name too except for `ssh:`, where it is the
 * account to log in as (`git@host`), not a secret. A password holding `@` is
 * removed whole. A URL without userinfo comes back unchanged.
 *
 * @example
 * ```ts
 * import { stripUserinfo } from "./spec.ts";
 * if (stripUserinfo("https://x:tok@h.test/a.tgz") !== "https://h.test/a.tgz") throw new Error();
 * if (stripUserinfo("https://bob:p@ss@h.test/a.tgz") !== "https://h.test/a.tgz") throw new Error();
 * if (stripUserinfo("ssh://git@h.test/r.git") !== "ssh://git@h.test/r.git") throw new Error();
 * ```
 */
export function stripUserinfo(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL the parser knows: cut everything up to the last @ of the authority.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, "$1");
  }
  const isSsh = parsed.protocol === "ssh:";
  if (parsed.password === "" && (parsed.username === "" || isSsh)) return url;
  parsed.password = "";
  if (!isSsh) parsed.username = "";
  return parsed.toString();
}

/**
 * The spec as the kind a source handles; a spec of another kind is a programming error.
 *
 * @throws {SkillError} `internal` when `spec` is of another kind
 *
 * @example
 * ```ts
 * import { parseSourceSpec, specOfKind } from "./spec.ts";
 * const git = specOfKind(parseSourceSpec("git+https://example.com/s.git#v1"), "git");
 * if (git.ref !== "v1") throw new Error();
 * ```
 */
export function specOfKind<K extends SourceSpec["kind"]>(
  spec: SourceSpec,
  kind: K,
): Extract<SourceSpec, { kind: K }> {
  if (spec.kind !== kind) {
    throw new SkillError("internal", `The ${kind} source was given a ${spec.kind} spec`);
  }
  return spec as Extract<SourceSpec, { kind: K }>;
}

/**
 * A folder name for a fetched tree from the last part of a path or URL: characters outside
 * `[A-Za-z0-9._-]` become `-`, leading dots go, and nothing left is `skill`.
 *
 * @example
 * ```ts
 * import { stagedFolderName } from "./spec.ts";
 * if (stagedFolderName("https://h.test/org/my skill/") !== "my-skill") throw new Error();
 * if (stagedFolderName("https://h.test/..") !== "skill") throw new Error();
 * ```
 */
export function stagedFolderName(path: string): string {
  const last = path.replace(/\/+$/, "").split("/").pop() ?? "";
  const clean = last.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^\.+/, "");
  return clean === "" ? "skill" : clean;
}

function redactUserinfo(text: string): string {
  return stripUserinfo(text.replace(/^git\+/, "")).replace(
    /^/,
    text.startsWith("git+") ? "git+" : "",
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function usage(message: string, why: string): SkillError {
  return new SkillError("usage", message, {
    why: [why, "accepted sources:", ...ACCEPTED_SOURCE_FORMS.map((f) => `  ${f}`)]
      .filter((l) => l !== "").join("\n"),
    hints: [
      { to: "install a folder", run: "caro skill add ./my-skill" },
      { to: "install from git", run: "caro skill add git+https://host/repo.git#v1.0.0" },
    ],
  });
}
