/**
 * A cross-process mutex on one path, for state that several peeros processes share (the vault's
 * keystore, spend ledger and unlock backoff; the session grants). Imports nothing of ours.
 *
 * `withFileLock(path, fn)`: in this thread, callers queue on a promise chain (no polling between
 * them); across threads and processes, the lock is a file `path` created atomically with its
 * content (written to a temp file, then `link`ed, which fails if the lock exists), holding the
 * owner's `pid time token`. A waiter polls with a growing delay and gives up after `waitMs` with a
 * typed `FileLockTimeoutError` naming the owner; a waiter also watches the lock's directory
 * (inotify), so the holder's release wakes it at once instead of at its next poll (the polls stay,
 * for file systems that do not report changes). A lock whose owner process is dead (SIGKILL) or
 * that is older than LOCK_STALE_MS is taken over; takeovers are serialised by a second lock file
 * (`path.break`) so two waiters cannot both break the lock and then both hold it.
 *
 * `holdFileLock(path)`: the same lock file held for as long as an owner lives (the offline queue is
 * owned by one process while it is open), taken at once or not at all. Such a lock is stale only
 * when its owner process is dead, never by age.
 *
 * The lock itself is not fsynced: after a machine crash a leftover lock names a pid that is dead or,
 * at worst, reused, and then it goes stale by age.
 */
import { linkSync, openSync, writeSync, closeSync, readFileSync, unlinkSync, watch, type FSWatcher } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { processAlive } from './process-alive.js';
import { CodedError } from './coded-error.js';

/** Default longest wait for a lock: far above any hold (a scrypt unlock on a loaded machine), below a person's patience. */
export const LOCK_WAIT_MS = 20_000;
/** A lock held longer than this was left behind: every holder keeps it for one operation (at most a scrypt derivation). */
export const LOCK_STALE_MS = 120_000;
/** First poll delay while another process holds the lock; doubles up to LOCK_POLL_MAX_MS. */
const LOCK_POLL_MIN_MS = 1;
/** Longest poll delay: bounds the extra latency after the holder releases. */
const LOCK_POLL_MAX_MS = 16;

export class FileLockTimeoutError extends CodedError<'LOCK_TIMEOUT'> {
  override readonly name = 'FileLockTimeoutError';
  constructor(
    readonly path: string,
    readonly ownerPid: number | undefined,
    readonly waitedMs: number,
  ) {
    super('LOCK_TIMEOUT', `${path} is still locked after ${waitedMs} ms${ownerPid !== undefined ? ` by process ${ownerPid}` : ''}`);
  }
}

interface Owner {
  pid: number;
  at: number;
  text: string;
}

function readOwner(path: string): Owner | null | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  const m = /^(\d+) (\d+) [0-9a-f]+\n$/.exec(text);
  if (m) return { pid: Number(m[1]), at: Number(m[2]), text };
  // the offline queue's lock before it moved here held only the pid: its age is unknown, so not stale by age
  const legacy = /^(\d+)\n$/.exec(text);
  return legacy ? { pid: Number(legacy[1]), at: Date.now(), text } : null;
}

function stale(owner: Owner | null, now: number, byAge = true): boolean {
  return owner === null || (byAge && now - owner.at > LOCK_STALE_MS) || !processAlive(owner.pid);
}

/** Creates `path` holding `text` only if it does not exist; false when it does. */
function createExclusive(path: string, text: string): boolean {
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

/** This thread's random prefix of every token it writes; a counter makes each acquisition's token its own. */
const TOKEN_PREFIX = randomBytes(8).toString('hex');
let tokenCount = 0;

/** A token no other acquisition (of any thread or process) writes: drawn once per thread, then counted (no entropy read per lock). */
function uniqueToken(): string {
  tokenCount = (tokenCount + 1) % 0x1_0000_0000;
  return `${TOKEN_PREFIX}${tokenCount.toString(16).padStart(8, '0')}`;
}

function ownerText(): string {
  return `${process.pid} ${Date.now()} ${uniqueToken()}\n`;
}

/** Removes the lock `path` if it still holds `expected` (a stale owner); serialised by `path.break`. */
function breakStale(path: string, expected: string): void {
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

/** Releases a lock we created holding `mine`; never removes one that was taken over from us. */
function releaser(path: string, mine: string): () => void {
  return () => {
    try {
      if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
    } catch {
      /* already gone */
    }
  };
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
class ReleaseWatch {
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

async function acquire(path: string, waitMs: number, pollMs?: number): Promise<() => void> {
  const start = Date.now();
  let delay = pollMs ?? LOCK_POLL_MIN_MS;
  let watch: ReleaseWatch | undefined;
  try {
    for (;;) {
      const mine = ownerText();
      if (createExclusive(path, mine)) return releaser(path, mine);
      const owner = readOwner(path);
      if (owner === 'gone') continue;
      if (stale(owner, Date.now())) {
        breakStale(path, owner === null ? '' : owner.text);
        continue;
      }
      const waited = Date.now() - start;
      if (waited >= waitMs) throw new FileLockTimeoutError(path, owner?.pid, waited);
      if (!watch) {
        // watching from now on; tried once more first, so a release before the watch began is not missed
        watch = new ReleaseWatch(path);
        continue;
      }
      await watch.wait(Math.min(delay, waitMs - waited));
      delay = pollMs ?? Math.min(delay * 2, LOCK_POLL_MAX_MS);
    }
  } finally {
    watch?.close();
  }
}

/** Callers of this thread waiting for each path, so they queue instead of polling the file. */
const queues = new Map<string, Promise<void>>();

/**
 * Runs `fn` while holding the lock `path` (its directory must exist). Throws FileLockTimeoutError
 * when another process holds it longer than `waitMs` (default LOCK_WAIT_MS). `pollMs` (tests only)
 * replaces the growing poll delay with a fixed one.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, opts: { waitMs?: number; pollMs?: number } = {}): Promise<T> {
  const previous = queues.get(path) ?? Promise.resolve();
  let done!: () => void;
  const turn = new Promise<void>((r) => {
    done = r;
  });
  const tail = previous.then(() => turn);
  queues.set(path, tail);
  try {
    await previous;
    const release = await acquire(path, opts.waitMs ?? LOCK_WAIT_MS, opts.pollMs);
    try {
      return await fn();
    } finally {
      release();
    }
  } finally {
    done();
    if (queues.get(path) === tail) queues.delete(path);
  }
}

/** What `holdFileLock` got: the lock (release it when done) or the live process that holds it. */
export type HeldFileLock = { held: true; release: () => void } | { held: false; ownerPid: number | undefined };

/**
 * Takes the lock `path` for as long as the caller keeps it, without waiting: a lock whose owner
 * process is dead is taken over; a live owner is returned. Synchronous, for owners that open once.
 */
export function holdFileLock(path: string): HeldFileLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    const mine = ownerText();
    if (createExclusive(path, mine)) return { held: true, release: releaser(path, mine) };
    const owner = readOwner(path);
    if (owner === 'gone') continue;
    if (!stale(owner, Date.now(), false)) return { held: false, ownerPid: owner?.pid };
    breakStale(path, owner === null ? '' : owner.text);
  }
  const owner = readOwner(path);
  return { held: false, ownerPid: owner === 'gone' || owner === null ? undefined : owner.pid };
}
