/**
 * Kill-safe state changes: the state lock, atomic file writes and the journal.
 *
 * Every change to `skills/`, `skills.lock` and `skills.json` happens under the
 * exclusive lock on `$CARO_HOME/.lock` and in this order:
 *
 * 1. `journal.json` is written (temp + rename) with the whole new text of the
 *    lock and the index, and the folder renames about to happen;
 * 2. the old `skills/<id>` is renamed into `trash/`, the staged tree into
 *    `skills/<id>`;
 * 3. `skills.lock` and `skills.json` are written (temp + rename);
 * 4. the journal is deleted, then trash and staging.
 *
 * A process killed anywhere leaves either no journal (old or new state, both
 * whole) or a journal, which the next command replays: when the renames of
 * step 2 happened it writes step 3 again, otherwise it puts the old folder back
 * and forgets the journal.
 *
 * @module
 */
import { type FileLockOptions, isProcessAlive, withFileLock } from "../process/mod.ts";
import {
  exists,
  randomTag,
  readDirOrEmpty,
  readTextOrNull,
  removeIfExists,
  writeFileAtomic,
} from "../tree/mod.ts";
import type { CaroHome } from "./home.ts";

/** What a journal records: the state after the change, and the folder moves. */
export interface Journal {
  op: "install" | "remove" | "update";
  /** The skill whose folder moves (install, remove). */
  id?: string;
  /** The staged tree renamed to `skills/<id>` (install). */
  staged?: string;
  /** Where the old `skills/<id>` goes (install over an old version, remove). */
  aside?: string;
  /** The whole new `skills.lock` text. */
  lockText: string;
  /** The whole new `skills.json` text. */
  indexText: string;
}

/**
 * Runs `fn` holding the exclusive state lock; other caro processes wait (they
 * are told who holds it after a second, and give up at `timeoutMs`). The lock
 * is released by the kernel if the process dies.
 */
export async function withStateLock<T>(
  home: CaroHome,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  return await withFileLock(home.stateLockFile, fn, options);
}

/** Replays or undoes an interrupted change; call under the state lock. */
export async function recoverJournal(home: CaroHome): Promise<"none" | "replayed" | "undone"> {
  const text = await readTextOrNull(home.journalFile);
  if (text === null) return "none";
  const journal = JSON.parse(text) as Journal;
  const target = journal.id ? home.skillDir(journal.id) : undefined;
  let isDone: boolean;
  if (journal.op === "install") isDone = !(await exists(journal.staged!));
  else if (journal.op === "remove") isDone = !(await exists(target!));
  else isDone = true;
  if (isDone) {
    await writeFileAtomic(home.lockFile, journal.lockText);
    await writeFileAtomic(home.indexFile, journal.indexText);
  } else if (journal.aside && target && !(await exists(target)) && await exists(journal.aside)) {
    await Deno.rename(journal.aside, target);
  }
  await Deno.remove(home.journalFile);
  return isDone ? "replayed" : "undone";
}

/**
 * Applies a change kill-safely (see the module doc): journal, renames, state
 * files, then clean-up. Call under the state lock.
 */
export async function commitChange(home: CaroHome, journal: Journal): Promise<void> {
  await writeFileAtomic(home.journalFile, JSON.stringify(journal));
  const target = journal.id ? home.skillDir(journal.id) : undefined;
  try {
    if (journal.aside && target && await exists(target)) await Deno.rename(target, journal.aside);
    if (journal.op === "install") await Deno.rename(journal.staged!, target!);
  } catch (error) {
    // A rename failed while this process lives: put the folders back and drop
    // the journal now. Left alone, the caller's clean-up of staging would make
    // recovery read "staged is gone" as done and replay a lock over a missing
    // or old folder.
    await undoRenames(home, journal, target);
    throw error;
  }
  // From here the new lock may be on disk: on failure the journal stays, so the
  // next command completes the change (the index is derived and rebuildable).
  await writeFileAtomic(home.lockFile, journal.lockText);
  await writeFileAtomic(home.indexFile, journal.indexText);
  await Deno.remove(home.journalFile);
  if (journal.aside) await removeIfExists(journal.aside);
}

async function undoRenames(
  home: CaroHome,
  journal: Journal,
  target: string | undefined,
): Promise<void> {
  if (journal.op === "install" && target && !(await exists(journal.staged!))) {
    if (await exists(target)) await Deno.rename(target, journal.staged!);
  }
  if (journal.aside && target && !(await exists(target)) && await exists(journal.aside)) {
    await Deno.rename(journal.aside, target);
  }
  await removeIfExists(home.journalFile);
}

/**
 * Deletes what interrupted commands left behind: trash, temp files, and
 * staging folders of processes that are gone. Call under the state lock.
 * @returns the paths removed
 */
export async function removeLeftovers(home: CaroHome): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readDirOrEmpty(home.trashDir)) {
    await removeIfExists(`${home.trashDir}/${entry.name}`);
    removed.push(`${home.trashDir}/${entry.name}`);
  }
  for (const entry of await readDirOrEmpty(home.stagingDir)) {
    const path = `${home.stagingDir}/${entry.name}`;
    // Staging happens outside the lock, so only folders of dead processes go.
    if (await isOwnerAlive(entry.name, path)) continue;
    await removeIfExists(path);
    removed.push(path);
  }
  // Every temp file is written in the home's root (hashes/ files too), so that
  // this scan stays one small folder however many skills are installed.
  for (const entry of await readDirOrEmpty(home.root)) {
    if (entry.isFile && entry.name.startsWith(".") && entry.name.endsWith(".tmp")) {
      await removeIfExists(`${home.root}/${entry.name}`);
      removed.push(`${home.root}/${entry.name}`);
    }
  }
  return removed;
}

/** A fresh staging folder `staging/<pid>-<random>/` owned by this process. */
export async function makeStagingDir(home: CaroHome): Promise<string> {
  await Deno.mkdir(home.stagingDir, { recursive: true });
  const path = `${home.stagingDir}/${Deno.pid}-${randomTag()}`;
  await Deno.mkdir(path);
  return path;
}

/** A fresh path in `trash/` for a folder moved aside. */
export function trashPath(home: CaroHome, id: string): string {
  return `${home.trashDir}/${id}-${Deno.pid}-${randomTag()}`;
}

async function isOwnerAlive(name: string, path: string): Promise<boolean> {
  const pid = Number(name.split("-")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const alive = await isProcessAlive(pid);
  if (alive !== null) return alive;
  // No ps: a staging folder untouched for an hour is abandoned.
  const info = await Deno.stat(path);
  return (info.mtime?.getTime() ?? 0) > Date.now() - 3600_000;
}
