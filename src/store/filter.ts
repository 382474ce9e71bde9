import { SkillError } from "../errors/mod.ts";

/** Decides whether a skill takes part in a run (`--skills`). */
export type SkillFilter = (id: string) => boolean;

/**
 * Parses the global `--skills` value (SPEC §9): `all` (the default), `none`,
 * `a,b` (only these), `!a` or `!a,!b` (all but these). A name ending in `.*`
 * matches a whole namespace (`cloud.*`). Mixing `a` and `!b` keeps `a` only.
 *
 * @throws {SkillError} `usage` for an empty item
 * @example
 * ```ts
 * import { parseSkillsFilter } from "./filter.ts";
 * const onlyJq = parseSkillsFilter("tool.jq,cloud.*");
 * if (!onlyJq("tool.jq") || !onlyJq("cloud.aws") || onlyJq("core.posix")) throw new Error();
 * const notPosix = parseSkillsFilter("!core.posix");
 * if (notPosix("core.posix") || !notPosix("core.shell")) throw new Error();
 * if (parseSkillsFilter("none")("core.shell")) throw new Error();
 * if (!parseSkillsFilter(undefined)("anything")) throw new Error();
 * ```
 */
export function parseSkillsFilter(spec: string | undefined): SkillFilter {
  const text = (spec ?? "all").trim();
  if (text === "" || text === "all") return () => true;
  if (text === "none") return () => false;
  const include: string[] = [];
  const exclude: string[] = [];
  for (const raw of text.split(",")) {
    const item = raw.trim();
    const name = item.startsWith("!") ? item.slice(1).trim() : item;
    if (name === "") {
      throw new SkillError("usage", `--skills=${spec} has an empty item`, {
        why: "write none, all, a list of ids (a,b) or exclusions (!a)",
        hints: [{ to: "use only two skills", run: "caro --skills=core.shell,tool.jq …" }],
      });
    }
    (item.startsWith("!") ? exclude : include).push(name);
  }
  const matches = (patterns: string[], id: string) =>
    patterns.some((p) => (p.endsWith(".*") ? id.startsWith(p.slice(0, -1)) : p === id));
  return (id) => !matches(exclude, id) && (include.length === 0 || matches(include, id));
}
