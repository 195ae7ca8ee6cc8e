/**
 * The lock file of lib/file-lock.ts on disk: created atomically with its owner line
 * (`pid time token`, written to a temp file, then `link`ed, which fails if the lock exists), read
 * back, judged stale, broken, removed; and the watch that wakes a waiter when it goes. A token
 * starts with the id of the thread that wrote it, so the owner of a worker thread can remove what
 * that thread left behind when it ended (`heldByThread`). Imports nothing of ours but
 * process-alive.ts.
 */
import { linkSync, openSync, writeSync, closeSync, readFileSync, unlinkSync, watch, type FSWatcher } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { processAlive } from './process-alive.js';

/** A lock held longer than this was left behind: every holder keeps it for one operation (at most a scrypt derivation) or one lease (LOCK_LEASE_MAX_MS). */
export const LOCK_STALE_MS = 120_000;

export interface Owner {
  pid: number;
  at: number;
  /** The token (`uniqueToken`); empty on a legacy pid-only line. */
  token: string;
  text: string;
}

/** The owner line of the lock file `path`, `gone` when there is none, null when it is not an owner line. */
export function readOwner(path: string): Owner | null | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  const m = /^(\d+) (\d+) ([0-9a-f]+)\n$/.exec(text);
  if (m) return { pid: Number(m[1]), at: Number(m[2]), token: m[3]!, text };
  // the offline queue's lock before it moved here held only the pid: its age is unknown, so not stale by age
  const legacy = /^(\d+)\n$/.exec(text);
  return legacy ? { pid: Number(legacy[1]), at: Date.now(), token: '', text } : null;
}

export function stale(owner: Owner | null, now: number, byAge = true): boolean {
  return owner === null || (byAge && now - owner.at > LOCK_STALE_MS) || !processAlive(owner.pid);
}

/** Creates `path` holding `text` only if it does not exist; false when it does. */
export function createExclusive(path: string, text: string): boolean {
  const tmp = join(dirname(path), `.${basename(path)}.${uniqueToken()}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}

/** This thread's id (8 hex digits), then a random part drawn once per thread: the start of every token it writes. */
const THREAD_HEX = threadId.toString(16).padStart(8, '0');
const TOKEN_PREFIX = `${THREAD_HEX}${randomBytes(8).toString('hex')}`;
let tokenCount = 0;

/** A token no other acquisition (of any thread or process) writes: drawn once per thread, then counted (no entropy read per lock). */
export function uniqueToken(): string {
  tokenCount = (tokenCount + 1) % 0x1_0000_0000;
  return `${TOKEN_PREFIX}${tokenCount.toString(16).padStart(8, '0')}`;
}

export function ownerText(): string {
  return `${process.pid} ${Date.now()} ${uniqueToken()}\n`;
}

/** Whether an owner line was written by this thread. */
export function writtenHere(owner: Owner): boolean {
  return owner.pid === process.pid && owner.token.startsWith(TOKEN_PREFIX);
}

/** Whether an owner line was written by the thread `id` of this process (its token starts with that id). */
export function heldByThread(owner: Owner, id: number): boolean {
  return owner.pid === process.pid && owner.token.startsWith(id.toString(16).padStart(8, '0'));
}

/** Removes `path` if it still holds `text`; false when it held something else or nothing. */
export function removeIfHolds(path: string, text: string): boolean {
  try {
    if (readFileSync(path, 'utf8') !== text) return false;
    unlinkSync(path);
    return true;
  } catch {
    return false; // already gone
  }
}

/** Removes the lock `path` if it still holds `expected` (a stale owner); serialised by `path.break`. */
export function breakStale(path: string, expected: string): void {
  const breaker = `${path}.break`;
  if (!createExclusive(breaker, ownerText())) {
    const b = readOwner(breaker);
    if (b !== 'gone' && stale(b, Date.now())) {
      try {
        unlinkSync(breaker);
      } catch {
        /* taken care of */
      }
    }
    return;
  }
  try {
    const now = readOwner(path);
    if (now !== 'gone' && (now === null ? '' : now.text) === expected) unlinkSync(path);
  } finally {
    try {
      unlinkSync(breaker);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Tests and diagnostics: `waiting`, acquirers in this thread waiting on a watch now; `wakes`, waits
 * cut short by a change of the lock file (the watch works here).
 */
export const fileLockWatch = { waiting: 0, wakes: 0 };

/**
 * Wakes a waiting acquirer when the lock file's directory entry changes (its holder released it),
 * or after the poll delay. Without inotify (or when the watch fails) it is the poll delay alone.
 */
export class ReleaseWatch {
  #watcher: FSWatcher | undefined;
  #wake: (() => void) | undefined;

  constructor(path: string) {
    const name = basename(path);
    try {
      this.#watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
        if (file !== null && file !== name) return;
        const wake = this.#wake;
        if (!wake) return;
        fileLockWatch.wakes++;
        wake();
      });
      this.#watcher.on('error', () => this.close());
    } catch {
      this.#watcher = undefined;
    }
  }

  wait(ms: number): Promise<void> {
    fileLockWatch.waiting++;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        fileLockWatch.waiting--;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
