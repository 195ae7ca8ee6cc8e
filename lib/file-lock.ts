/**
 * A cross-process mutex on one path, for state that several peeros processes share (the vault's
 * keystore, spend ledger and unlock backoff; the session grants). Imports nothing of ours but its
 * two helpers: lock-file.ts (the file on disk) and lock-want.ts (a waiter's announcement).
 *
 * `withFileLock(path, fn)`: in this thread, callers queue on a promise chain (no polling between
 * them); across threads and processes, the lock is a file `path` created atomically with its
 * content, holding the owner's `pid time token`. A waiter polls with a growing delay and gives up
 * after `waitMs` with a typed `FileLockTimeoutError` naming the owner; a waiter also watches the
 * lock's directory (inotify), so the holder's release wakes it at once instead of at its next poll
 * (the polls stay, for file systems that do not report changes). A lock whose owner process is dead
 * (SIGKILL) or that is older than LOCK_STALE_MS is taken over; takeovers are serialised by a second
 * lock file (`path.break`) so two waiters cannot both break the lock and then both hold it.
 *
 * A lease (`withFileLock(path, fn, { lease: true })`, issue 15): the thread keeps the lock after
 * `fn` for LOCK_LEASE_IDLE_MS, so its next operation within that time holds it without a syscall
 * but one stat (creating and removing the lock file is a dozen syscalls on the thread that carries
 * the path). It keeps it at most LOCK_LEASE_MAX_MS in one stretch, then lets go at the end of an
 * operation and does not take it again for LOCK_LEASE_YIELD_MS. A waiter announces itself
 * (lock-want.ts); the leasing thread looks for that at the start of each operation and lets go, and
 * while an announced waiter has not had its turn, others (the former holder too) stand back for up
 * to LOCK_WANT_DEFER_MS. So another process waits for a leased lock at most until the holder's next
 * operation starts or LOCK_LEASE_IDLE_MS after its last one, plus the operation running and one
 * wake: the lease adds at most LOCK_LEASE_IDLE_MS to today's wait (while the holder's event loop
 * runs: the idle release is a timer). A stretch that began after waiting is not leased. The lease's
 * timer never keeps a process alive; at exit the lock is removed, and a process killed during its
 * lease leaves a lock that is stale as any other (dead pid). A worker thread ended from outside
 * (`terminate()`) cannot let go: its owner calls `releaseEndedThreadLock` when it exits.
 *
 * Stores that keep what they read skip their files' stamps while the lease lasts: `fn` receives a
 * `FileLockHold` whose `unbrokenSince(mark)` says whether this thread held the lock without a break,
 * and ran no other hold of it, since the hold that gave `mark` (`fileLockUnbrokenSince` asks the
 * same between holds). Nobody else can have written under the lock then.
 *
 * `holdFileLock(path)`: the same lock file held for as long as an owner lives (the offline queue is
 * owned by one process while it is open), taken at once or not at all. Such a lock is stale only
 * when its owner process is dead, never by age.
 *
 * The lock itself is not fsynced: after a machine crash a leftover lock names a pid that is dead or,
 * at worst, reused, and then it goes stale by age.
 */
import { CodedError } from './coded-error.js';
import {
  LOCK_STALE_MS,
  ReleaseWatch,
  breakStale,
  createExclusive,
  fileLockWatch,
  heldByThread,
  ownerText,
  readOwner,
  removeIfHolds,
  stale,
} from './lock-file.js';
import { announceWant, wantedByOther, withdrawWant } from './lock-want.js';

export { LOCK_STALE_MS, fileLockWatch };

/** Default longest wait for a lock: far above any hold (a scrypt unlock on a loaded machine), below a person's patience. */
export const LOCK_WAIT_MS = 20_000;
/** First poll delay while another process holds the lock; doubles up to LOCK_POLL_MAX_MS. */
const LOCK_POLL_MIN_MS = 1;
/** Longest poll delay: bounds the extra latency after the holder releases. */
const LOCK_POLL_MAX_MS = 16;
/** A leasing thread keeps the lock this long after its last operation: serial approvals come every few ms. */
export const LOCK_LEASE_IDLE_MS = 50;
/** Longest stretch a leasing thread keeps the lock: a waiter that cannot announce itself (an older peeros) waits about this long. */
export const LOCK_LEASE_MAX_MS = 500;
/** After a stretch ends at LOCK_LEASE_MAX_MS the thread does not take the lock again for this long: the waiter's turn. */
export const LOCK_LEASE_YIELD_MS = 2;
/** How long an acquirer that finds the lock free stands back for a waiter that announced itself before it (it wakes on the release). */
export const LOCK_WANT_DEFER_MS = 100;

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

/** Releases a lock we created holding `mine`; never removes one that was taken over from us. */
function releaser(path: string, mine: string): () => void {
  return () => {
    removeIfHolds(path, mine);
  };
}

/** The lock, taken: `contended` when this thread had to wait or stand back for it. */
interface Acquired {
  release: () => void;
  contended: boolean;
}

async function acquire(path: string, waitMs: number, pollMs?: number): Promise<Acquired> {
  const start = Date.now();
  let delay = pollMs ?? LOCK_POLL_MIN_MS;
  let watch: ReleaseWatch | undefined;
  /** This thread's announcement, once it waits; then it stands back for nobody. */
  let announced: string | undefined;
  let deferringSince: number | undefined;
  let contended = false;
  try {
    for (;;) {
      const now = Date.now();
      // a waiter announced itself before this thread came: its turn first, for a moment
      const defer = announced === undefined && wantedByOther(path, now) && now - (deferringSince ??= now) < LOCK_WANT_DEFER_MS;
      let waited = now - start;
      if (!defer) {
        const mine = ownerText();
        if (createExclusive(path, mine)) return { release: releaser(path, mine), contended };
        const owner = readOwner(path);
        if (owner === 'gone') continue;
        if (stale(owner, Date.now())) {
          breakStale(path, owner === null ? '' : owner.text);
          continue;
        }
        waited = Date.now() - start;
        if (waited >= waitMs) throw new FileLockTimeoutError(path, owner?.pid, waited);
        announced = announceWant(path, announced);
      }
      contended = true;
      if (!watch) {
        // watching from now on; tried once more first, so a release before the watch began is not missed
        watch = new ReleaseWatch(path);
        continue;
      }
      await watch.wait(Math.max(1, Math.min(delay, waitMs - waited)));
      delay = pollMs ?? Math.min(delay * 2, LOCK_POLL_MAX_MS);
    }
  } finally {
    watch?.close();
    if (announced !== undefined) withdrawWant(path, announced);
  }
}

/** Where one hold stands in this thread's possession of a lock: the stretch (one acquisition) and the hold's number. */
export interface FileLockMark {
  readonly stretch: number;
  readonly hold: number;
}

/** What `fn` of `withFileLock` knows of its hold. */
export interface FileLockHold {
  /** This hold: keep it with what was read or written under it. */
  readonly mark: FileLockMark;
  /**
   * Whether this thread has held the lock without a break since the hold that gave `mark`, and ran
   * no other hold of it in between (this hold is that one or the next): then nobody else can have
   * written under the lock since. False for undefined.
   */
  unbrokenSince(mark: FileLockMark | undefined): boolean;
}

/** One possession of the lock by this thread, from its acquisition to its release. */
interface Stretch {
  readonly path: string;
  readonly id: number;
  readonly since: number;
  readonly contended: boolean;
  readonly release: () => void;
  /** A hold of it is running: the idle timer leaves it alone. */
  holding: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** Locks this thread keeps between operations (leases), by path. */
const leases = new Map<string, Stretch>();
/** Holds of each path started in this thread: a mark's `hold`. */
const holdCounts = new Map<string, number>();
/** When this thread may take a path again after a stretch ended at its bound. */
const retakeAfter = new Map<string, number>();
let stretchCount = 0;
let exitHooked = false;

/** Lets the stretch go: the lock file is removed if it is still ours. */
function letGo(s: Stretch): void {
  if (leases.get(s.path) === s) leases.delete(s.path);
  if (s.timer) clearTimeout(s.timer);
  s.release();
}

/** The lock for one operation: the lease this thread keeps (one stat: did a waiter announce itself?), or acquired. */
async function take(path: string, waitMs: number, pollMs: number | undefined): Promise<Stretch> {
  const leased = leases.get(path);
  if (leased) {
    const now = Date.now();
    if (now - leased.since < LOCK_LEASE_MAX_MS && !wantedByOther(path, now)) return leased;
    letGo(leased);
    if (now - leased.since >= LOCK_LEASE_MAX_MS) retakeAfter.set(path, now + LOCK_LEASE_YIELD_MS);
  }
  const pause = (retakeAfter.get(path) ?? 0) - Date.now();
  retakeAfter.delete(path);
  if (pause > 0) await new Promise((r) => setTimeout(r, pause));
  const { release, contended } = await acquire(path, waitMs, pollMs);
  return { path, id: ++stretchCount, since: Date.now(), contended, release, holding: false, timer: undefined };
}

/** After an operation: keeps the lock for the next one (a lease), or lets it go. */
function keepOrLetGo(s: Stretch, lease: boolean): void {
  const now = Date.now();
  const bound = now - s.since >= LOCK_LEASE_MAX_MS;
  if (!lease || s.contended || bound) {
    letGo(s);
    if (lease && bound) retakeAfter.set(s.path, now + LOCK_LEASE_YIELD_MS);
    return;
  }
  leases.set(s.path, s);
  if (s.timer) s.timer.refresh();
  else {
    s.timer = setTimeout(() => {
      if (!s.holding && leases.get(s.path) === s) letGo(s);
    }, LOCK_LEASE_IDLE_MS);
    s.timer.unref(); // a lease never keeps a process alive
  }
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const kept of [...leases.values()]) letGo(kept);
    });
  }
}

/** Callers of this thread waiting for each path, so they queue instead of polling the file. */
const queues = new Map<string, Promise<void>>();

/**
 * Runs `fn` while holding the lock `path` (its directory must exist). Throws FileLockTimeoutError
 * when another process holds it longer than `waitMs` (default LOCK_WAIT_MS). `lease` keeps the lock
 * for this thread's next operation (see above). `pollMs` (tests only) replaces the growing poll
 * delay with a fixed one.
 */
export async function withFileLock<T>(
  path: string,
  fn: (hold: FileLockHold) => Promise<T>,
  opts: { waitMs?: number; pollMs?: number; lease?: boolean } = {},
): Promise<T> {
  const previous = queues.get(path) ?? Promise.resolve();
  let done!: () => void;
  const turn = new Promise<void>((r) => {
    done = r;
  });
  const tail = previous.then(() => turn);
  queues.set(path, tail);
  try {
    await previous;
    const stretch = await take(path, opts.waitMs ?? LOCK_WAIT_MS, opts.pollMs);
    const n = (holdCounts.get(path) ?? 0) + 1;
    holdCounts.set(path, n);
    const mark: FileLockMark = { stretch: stretch.id, hold: n };
    stretch.holding = true;
    try {
      return await fn({
        mark,
        unbrokenSince: (m) => m !== undefined && m.stretch === stretch.id && (m.hold === n || m.hold === n - 1),
      });
    } finally {
      stretch.holding = false;
      keepOrLetGo(stretch, opts.lease === true);
    }
  } finally {
    done();
    if (queues.get(path) === tail) queues.delete(path);
  }
}

/**
 * Between holds: whether this thread still keeps the lock `path` (a lease) from the hold that gave
 * `mark` and ran no other hold of it since, so nobody else can have written under it. False for
 * undefined.
 */
export function fileLockUnbrokenSince(path: string, mark: FileLockMark | undefined): boolean {
  const kept = leases.get(path);
  return mark !== undefined && kept !== undefined && kept.id === mark.stretch && holdCounts.get(path) === mark.hold;
}

/**
 * Removes the lock `path` if the thread `threadId` of this process holds it. For the owner of a
 * worker thread that leases locks, when the thread has exited: ended from outside, it could not let
 * go, and its owner line names a live pid, so others would wait for it until LOCK_STALE_MS.
 */
export function releaseEndedThreadLock(path: string, threadId: number): void {
  const owner = readOwner(path);
  if (owner !== 'gone' && owner !== null && heldByThread(owner, threadId)) removeIfHolds(path, owner.text);
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
