/**
 * A waiter's announcement beside a lock file: `<lock>.want`, "some thread is waiting for this
 * lock". A thread that keeps a lock between its operations (a lease, lib/file-lock.ts) looks for it
 * with one stat at the start of each operation and lets the lock go when a fresh one is there; an
 * acquirer that finds the lock free while another announced lets that one take it first, for a
 * moment. So a waiter is never behind a lease for longer than the holder's idle time or its next
 * operation.
 *
 * One file for every waiter of a lock: each rewrites it (atomically: temp file, rename) when it is
 * missing or older than LOCK_WANT_REFRESH_MS, so while anyone waits it names a live waiter; its
 * owner line says when it was written. One older than LOCK_WANT_FRESH_MS is ignored and removed:
 * its waiter died, gave up, or cannot run. Imports nothing of ours but lock-file.ts.
 */
import { renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ownerText, readOwner, removeIfHolds, uniqueToken, writtenHere, type Owner } from './lock-file.js';

/** A waiter rewrites its announcement this often while it waits (it wakes at least every poll, LOCK_POLL_MAX_MS). */
export const LOCK_WANT_REFRESH_MS = 200;
/** An announcement not rewritten for this long has no waiter behind it. */
export const LOCK_WANT_FRESH_MS = 1_000;

export function wantPath(lock: string): string {
  return `${lock}.want`;
}

/**
 * Announces this thread's wait for `lock`, or keeps the announcement fresh: writes it when there is
 * none or the one there is older than LOCK_WANT_REFRESH_MS. Answers what this thread last wrote
 * (`last` when it wrote nothing now), for `withdrawWant`.
 */
export function announceWant(lock: string, last: string | undefined): string | undefined {
  const path = wantPath(lock);
  const now = Date.now();
  const there = readAnnouncement(path);
  if (there !== 'gone' && there !== null && Math.abs(now - there.at) < LOCK_WANT_REFRESH_MS) return last;
  const text = ownerText();
  const tmp = join(dirname(path), `.${basename(path)}.${uniqueToken()}.tmp`);
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, path);
    return text;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      /* never written */
    }
    return last; // unannounced, the waiter still waits: the holder lets go at its lease's bound
  }
}

/** The announcement's owner line; anything that cannot be read as one (a directory, no permission) counts as none. */
function readAnnouncement(path: string): Owner | null | 'gone' {
  try {
    return readOwner(path);
  } catch {
    return 'gone';
  }
}

/** Removes the announcement this thread wrote last (`mine`), unless another waiter's replaced it. */
export function withdrawWant(lock: string, mine: string): void {
  removeIfHolds(wantPath(lock), mine);
}

/**
 * Whether a thread other than this one announced a wait for `lock` within LOCK_WANT_FRESH_MS. One
 * stat when nobody did; an announcement that is stale or this thread's own (left by a failed
 * withdrawal) is removed.
 */
export function wantedByOther(lock: string, now: number): boolean {
  const path = wantPath(lock);
  try {
    if (!statSync(path, { throwIfNoEntry: false })) return false;
  } catch {
    return false; // cannot be looked at: the lease's bound still lets go
  }
  const there = readAnnouncement(path);
  if (there === 'gone') return false;
  if (there !== null && !writtenHere(there) && Math.abs(now - there.at) < LOCK_WANT_FRESH_MS) return true;
  if (there === null) {
    try {
      unlinkSync(path);
    } catch {
      /* gone */
    }
  } else removeIfHolds(path, there.text);
  return false;
}
