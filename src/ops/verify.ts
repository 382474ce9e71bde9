/**
 * `caro skill verify`: every installed skill's tree hashed again and compared
 * with the lock, naming the first file that differs.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { LockedSkill } from "../lockfile/mod.ts";
import { compareBytes, parseTreeHashLines, treeHash, type TreeHashEntry } from "../tree/mod.ts";
import { byId, type SkillStore } from "../store/mod.ts";

/** One skill's outcome in {@link verifySkills}. */
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
  /** Why it fails when not because of its content (e.g. caro never installed it). */
  problem?: string;
}

/** The outcome of {@link verifySkills}. */
export interface VerifyReport {
  /** Whether every installed skill matches the lock. */
  ok: boolean;
  /** Each installed skill, by id. */
  skills: VerifiedSkill[];
  /** Bundled skills ship inside caro and have no lock entry to check against. */
  bundled: string[];
}

/**
 * Recomputes the tree hash of every installed skill and compares it with the
 * lock, naming the first file (byte order) that differs from what was
 * installed.
 *
 * @example
 * ```ts
 * import { installSkill, openStore, verifySkills } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/notes`);
 * await Deno.writeTextFile(`${root}/notes/SKILL.md`, "---\nname: notes\ndescription: Notes\n---\n");
 * const store = await openStore(`${root}/home`);
 * await installSkill(store, `${root}/notes`);
 * await Deno.writeTextFile(`${root}/home/skills/custom.notes/SKILL.md`, "edited");
 * const report = await verifySkills(store);
 * if (report.ok || report.skills[0].firstDifference?.path !== "SKILL.md") throw new Error();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function verifySkills(store: SkillStore): Promise<VerifyReport> {
  // Read-only: no state lock, so it works on a read-only home and never
  // waits for a writer (records of old trees are pruned by remove and update).
  const index = await store.list();
  const lock = await store.readLock();
  const skills: VerifiedSkill[] = [];
  for (const locked of [...lock.skills.values()].sort(byId)) {
    const now = await treeHash(store.home.skillDir(locked.id));
    // A folder found in skills/ without a lock entry is adopted disabled with its
    // own folder as source: its content was never checked against anything.
    const isAdopted = locked.source === `file://${store.home.skillDir(locked.id)}`;
    const ok = now.integrity === locked.integrity && !isAdopted;
    skills.push({
      id: locked.id,
      version: locked.version,
      source: locked.source,
      ok,
      expected: locked.integrity,
      actual: now.integrity,
      firstDifference: now.integrity === locked.integrity
        ? undefined
        : await firstDifference(store, locked, now.files),
      problem: isAdopted
        ? "not installed by caro: it was in skills/ without a skills.lock entry (adopted disabled)"
        : undefined,
    });
  }
  return {
    ok: skills.every((s) => s.ok),
    skills,
    bundled: index.filter((s) => s.bundled).map((s) => s.id),
  };
}

async function firstDifference(
  store: SkillStore,
  locked: LockedSkill,
  files: readonly TreeHashEntry[],
): Promise<VerifiedSkill["firstDifference"]> {
  const text = await store.readTreeRecord(locked.integrity);
  if (text === null) return undefined;
  // Trust the recorded lines only when they are exactly what the lock pinned.
  if (`sha256:${createHash("sha256").update(text).digest("hex")}` !== locked.integrity) {
    return undefined;
  }
  const recorded = new Map(parseTreeHashLines(text).map((f) => [f.path, f.sha256]));
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
