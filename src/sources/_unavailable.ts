/**
 * OCI and registry sources: their specs parse, but fetching or updating says they are not
 * available in this caro yet (SPEC §8 is wave 2).
 *
 * @module
 */

import { SkillError } from "../errors/mod.ts";
import type { FetchResult, SkillSource, UpdateCandidate } from "./source.ts";
import type { SourceSpec } from "./spec.ts";

/** A source kind that refuses every fetch and update with a `usage` error naming the spec. */
export class UnavailableSource implements SkillSource {
  constructor(readonly kind: "oci" | "registry") {}

  fetch(spec: SourceSpec): Promise<FetchResult> {
    return Promise.resolve().then(() => this.#refuse(spec));
  }

  checkUpdate(locked: { source: string; integrity: string }): Promise<UpdateCandidate | null> {
    return Promise.resolve().then(() => this.#refuse(locked.source));
  }

  #refuse(spec: SourceSpec | string): never {
    const kind = this.kind;
    const shown = typeof spec === "string"
      ? spec
      : spec.kind === "oci"
      ? `oci://${spec.reference}`
      : spec.kind === "registry"
      ? `${spec.id}${spec.range ? `@${spec.range}` : ""}`
      : kind;
    throw new SkillError(
      "usage",
      `Cannot install ${shown}: ${
        kind === "oci" ? "OCI artifact" : "registry"
      } sources are not available in this caro yet`,
      {
        why: "this caro installs from local folders, git repositories and archive URLs",
        hints: [
          { to: "install from git", run: "caro skill add git+https://host/repo.git#v1.0.0" },
          { to: "install an archive", run: "caro skill add https://host/skill-1.0.0.tgz" },
        ],
      },
    );
  }
}
