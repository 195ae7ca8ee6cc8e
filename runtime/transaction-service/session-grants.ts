/**
 * Session grants with limits: "approve automatically up to N signatures moving at most X in total
 * per period for app A" (`peeros grant A --max-count N --max-amount "X SYM" [--period 24h]`).
 * Kept in `$PEEROS_HOME/session-grants.json` (atomic writes) with what was used in the current
 * period, so a restart does not reset it; an approval appends its use to `session-grants.uses`
 * (session-grant-uses.ts: one datasync) and the uses are folded into the JSON file from time to time. A period starts at the first approval after the previous
 * one ended (fixed windows: one small record per app, whatever N is). The verifier policy (grant-policy-verifier.ts) consumes them;
 * the vault enforces the amount again through the app's signing grant (`maxAmountPerDay`).
 *
 * Several peeros processes share the file (a host, CLI runs): every read-check-write runs under the
 * cross-process lock `session-grants.json.lock`, so two processes racing for the last approval get
 * one between them. Records are looked up by own property only (an app name is never a prototype key).
 *
 * Approvals of concurrent pushes (several apps of one host) share one lock and one append
 * (lib/group-commit.ts): each `consume` resolves only after the write holding its use is synced.
 *
 * Under the lock, the grants are read again only when a file changed since this store last read
 * or wrote them (`fileStamp`: inode, size, modification time; the keystore's rule). Every other
 * writer holds the lock too, and each of its writes shows in a stamp: a fold replaces the JSON file
 * (a new inode), and an approval grows the uses log. Reading both files on every approval cost more
 * than the approval's own work (issue 15).
 *
 * The store leases the lock (lib/file-lock.ts): it keeps it for LOCK_LEASE_IDLE_MS after each
 * change, so serial approvals take it without creating and removing the lock file, and while it was
 * kept without a break since the store last read or wrote the files, nobody else can have written
 * them: they are not even stat'ed. After any break (another process's turn, an idle pause, the
 * lease's bound) the stamps decide as above. Another process (`peeros grant`, a second host) gets
 * the lock at this thread's next approval or LOCK_LEASE_IDLE_MS after its last one.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Asset } from '../../abi/antelope/index.js';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { withFileLock, FileLockTimeoutError, type FileLockHold, type FileLockMark } from '../../lib/file-lock.js';
import { fileStampOrAbsent } from '../../lib/file-stamp.js';
import { GroupCommit, type Committed } from '../../lib/group-commit.js';
import { TransactionServiceError } from './transaction-service-error.js';
import { SessionGrantUses, SESSION_GRANT_USES_FILE, type Use, type UseRecord } from './session-grant-uses.js';
import {
  DEFAULT_GRANT_PERIOD_MS,
  MAX_GRANT_COUNT,
  MAX_GRANT_PERIOD_MS,
  MIN_GRANT_PERIOD_MS,
  SESSION_GRANTS_LOCK_WAIT_MS,
  SESSION_GRANTS_MAX_BATCH,
} from './limits.js';

export const SESSION_GRANTS_FILE = 'session-grants.json';

export interface SessionGrant {
  app: string;
  /** Approvals per period. */
  maxCount: number;
  /** Total amount per period, e.g. `10.0000 RSN`; absent: the grant approves no transfer of value. */
  maxAmount?: string;
  periodMs: number;
  setAt: string;
  /** The identity of the app it was given to (runtime/app-identity); another app of that name never uses it. */
  identity?: string;
}

interface ConsumeRequest {
  app: string;
  moved: Map<string, Asset>;
  identity: string | undefined;
}
interface FileBody {
  version: 1;
  grants: Record<string, SessionGrant>;
  used: Record<string, Use>;
}

/** `24h`, `30m`, `7d`, `3600s` → milliseconds. */
export function parsePeriod(text: string): number {
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (!m)
    throw new TransactionServiceError('BAD_ACTIONS', `period ${JSON.stringify(text)}: expected a number and a unit, such as 24h, 30m, 7d`);
  const ms = Number(m[1]) * { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  if (ms < MIN_GRANT_PERIOD_MS || ms > MAX_GRANT_PERIOD_MS)
    throw new TransactionServiceError('BAD_ACTIONS', `period ${text}: must be between 1m and 30d`);
  return ms;
}

export function validateSessionGrant(g: {
  app: string;
  maxCount: number;
  maxAmount?: string;
  periodMs?: number;
  identity?: string;
}): SessionGrant {
  if (!Number.isInteger(g.maxCount) || g.maxCount < 1 || g.maxCount > MAX_GRANT_COUNT) {
    throw new TransactionServiceError('BAD_ACTIONS', `--max-count: expected an integer from 1 to ${MAX_GRANT_COUNT}, got ${g.maxCount}`);
  }
  let maxAmount: string | undefined;
  if (g.maxAmount !== undefined) {
    try {
      maxAmount = Asset.from(g.maxAmount).toString();
    } catch {
      throw new TransactionServiceError(
        'BAD_ACTIONS',
        `--max-amount: ${JSON.stringify(g.maxAmount)} is not an asset such as "10.0000 RSN"`,
      );
    }
  }
  const periodMs = g.periodMs ?? DEFAULT_GRANT_PERIOD_MS;
  return {
    app: g.app,
    maxCount: g.maxCount,
    ...(maxAmount ? { maxAmount } : {}),
    periodMs,
    setAt: new Date().toISOString(),
    ...(g.identity !== undefined ? { identity: g.identity } : {}),
  };
}

export class SessionGrantStore {
  readonly path: string;
  readonly #uses: SessionGrantUses;
  readonly #now: () => number;
  /** The body as this store last read or wrote it under the lock, with both files' stamps then and the hold that last confirmed them. */
  #known: { body: FileBody; json: string; uses: string; mark: FileLockMark } | undefined;
  #dirMade = false;
  /** Folds started by this store (the JSON file replaced): `#changeLocked` stats it again only after one. */
  #folds = 0;
  /** Approvals waiting for, or riding on, the next write of the file. */
  readonly #consumes = new GroupCommit<ConsumeRequest, boolean>((batch, decide) => this.#consumeBatch(batch, decide), {
    maxBatch: SESSION_GRANTS_MAX_BATCH,
  });

  constructor(home: string, now: () => number = Date.now) {
    this.path = join(home, SESSION_GRANTS_FILE);
    this.#uses = new SessionGrantUses(join(home, SESSION_GRANT_USES_FILE));
    this.#now = now;
  }

  /** Writes this store made for approvals (each shared by every approval of its batch). */
  get consumeWrites(): number {
    return this.#consumes.flushes;
  }

  /** The grants and their uses: the JSON file, with the uses appended since its last write applied in order. */
  #load(): FileBody {
    const body = this.#loadFile();
    for (const r of this.#uses.read()) {
      const g = own(body.grants, r.app);
      if (g && g.setAt === r.setAt) body.used[r.app] = r.use; // a use counts for the grant it was made under
    }
    return body;
  }

  #loadFile(): FileBody {
    try {
      const v = JSON.parse(readFileSync(this.path, 'utf8')) as FileBody;
      if (v.version === 1 && v.grants && v.used) return v;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new TransactionServiceError(
          'NOT_APPROVED',
          `the session grants file ${this.path} is damaged; remove it and set the grants again`,
        );
      }
    }
    return { version: 1, grants: {}, used: {} };
  }

  /**
   * Under the lock: the body as the files hold it now, the one read or written here last when the
   * lock was kept without a break since (no syscall) or neither file changed since (two stats),
   * else read again. `#changeLocked` is its one caller.
   */
  #loadLocked(hold: FileLockHold): FileBody {
    const known = this.#known;
    if (known && hold.unbrokenSince(known.mark)) {
      known.mark = hold.mark;
      return known.body;
    }
    const json = fileStampOrAbsent(this.path);
    const uses = fileStampOrAbsent(this.#uses.path);
    if (known && known.json === json && known.uses === uses) {
      known.mark = hold.mark;
      return known.body;
    }
    this.#known = undefined;
    const body = this.#load();
    this.#known = { body, json, uses, mark: hold.mark };
    return body;
  }

  /**
   * Read → change → write under the lock; `body`, once written, is what the files hold and is
   * remembered with their new stamps (the JSON file's taken again only when a fold replaced it). A
   * change that fails to be written is forgotten, so the next read comes from the files.
   */
  async #changeLocked<T>(hold: FileLockHold, change: (body: FileBody) => Promise<T>): Promise<T> {
    const body = this.#loadLocked(hold);
    const json = this.#known!.json;
    const folds = this.#folds;
    this.#known = undefined; // changed from here on, until written
    const result = await change(body);
    this.#known = {
      body,
      json: this.#folds === folds ? json : fileStampOrAbsent(this.path),
      uses: fileStampOrAbsent(this.#uses.path),
      mark: hold.mark,
    };
    return result;
  }

  /** Writes `body` (grants and every use) to the JSON file, then empties the uses log it now holds. */
  async #fold(body: FileBody): Promise<void> {
    this.#folds++;
    await writeFileAtomic(this.path, `${JSON.stringify(body, null, 2)}\n`);
    await this.#uses.clear();
  }

  get(app: string): SessionGrant | undefined {
    return own(this.#load().grants, app);
  }

  /** Read → change → write of the grants (the uses folded in), under the cross-process lock. */
  #update<T>(change: (body: FileBody) => { result: T; write: boolean }): Promise<T> {
    return this.#locked((hold) =>
      this.#changeLocked(hold, async (body) => {
        const { result, write } = change(body);
        if (write) await this.#fold(body);
        return result;
      }),
    );
  }

  /** `fn` under the cross-process lock of the session grants. */
  async #locked<T>(fn: (hold: FileLockHold) => Promise<T>): Promise<T> {
    if (!this.#dirMade) {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      this.#dirMade = true;
    }
    try {
      return await withFileLock(`${this.path}.lock`, fn, { waitMs: SESSION_GRANTS_LOCK_WAIT_MS, lease: true });
    } catch (err) {
      if (!(err instanceof FileLockTimeoutError)) throw err;
      throw new TransactionServiceError(
        'NOT_APPROVED',
        `the session grants are busy: ${err.message}; another peeros process is using them — try again`,
      );
    }
  }

  list(): SessionGrant[] {
    return Object.values(this.#load().grants);
  }

  async set(grant: SessionGrant): Promise<void> {
    await this.#update((body) => {
      body.grants[grant.app] = grant;
      delete body.used[grant.app];
      return { result: undefined, write: true };
    });
  }

  async revoke(app: string): Promise<boolean> {
    return this.#update((body) => {
      const had = own(body.grants, app) !== undefined;
      delete body.grants[app];
      delete body.used[app];
      return { result: had, write: true };
    });
  }

  /** The use of the period running at `now`, or an empty one. */
  #current(body: FileBody, g: SessionGrant, now: number): Use {
    const u = own(body.used, g.app);
    if (u && now - u.since < g.periodMs && u.since <= now) return u;
    return { since: now, count: 0, units: '0', symbol: g.maxAmount ? Asset.from(g.maxAmount).symbol.toString() : '' };
  }

  /** What is left in the current period: approvals and (when capped) amount. */
  remaining(app: string): { count: number; amount?: Asset } | undefined {
    const body = this.#load();
    const g = own(body.grants, app);
    if (!g) return undefined;
    const u = this.#current(body, g, this.#now());
    const out: { count: number; amount?: Asset } = { count: g.maxCount - u.count };
    if (g.maxAmount) {
      const cap = Asset.from(g.maxAmount);
      out.amount = Asset.fromUnits(cap.units - BigInt(u.units), cap.symbol);
    }
    return out;
  }

  /**
   * Records one approval moving `moved` (per symbol) if it fits the grant, and answers whether it
   * did. A grant without `maxAmount` approves only signatures that move no asset; a grant given to
   * another identity of `app` approves nothing.
   */
  consume(app: string, moved: Map<string, Asset>, identity?: string): Promise<boolean> {
    return this.#consumes.submit({ app, moved, identity });
  }

  /**
   * `consume`, told early: `approved` as soon as the decision is made under the lock (before the
   * write), `durable` once the write holding it is synced. Whatever the approval lets the caller do
   * must stay inside this process until `durable` resolves (it rejects when the write failed).
   */
  consumeEarly(app: string, moved: Map<string, Asset>, identity?: string): { approved: Promise<boolean>; durable: Promise<boolean> } {
    const { decided, durable } = this.#consumes.submitEarly({ app, moved, identity });
    return { approved: decided, durable };
  }

  /**
   * One read-check-append under the lock for a batch of approvals, in order: one record per app
   * whose use changed, one datasync; the log folded into the JSON file once it is full.
   */
  #consumeBatch(batch: readonly ConsumeRequest[], decide: (answers: Committed<boolean>[]) => void): Promise<Committed<boolean>[]> {
    return this.#locked((hold) =>
      this.#changeLocked(hold, async (body) => {
        const changed = new Set<string>();
        const result = batch.map((r): Committed<boolean> => {
          try {
            const used = this.#consumeOne(body, r);
            if (used) changed.add(r.app);
            return { ok: true, value: used };
          } catch (error) {
            return { ok: false, error };
          }
        });
        decide(result);
        const records: UseRecord[] = [...changed].map((app) => ({ app, setAt: own(body.grants, app)!.setAt, use: body.used[app]! }));
        await this.#uses.append(records);
        // appended first, so a crash during the fold leaves the same uses readable (session-grant-uses.ts)
        if (this.#uses.full) await this.#fold(body);
        return result;
      }),
    );
  }

  /** Records one approval in `body` if it fits the grant; answers whether it did. */
  #consumeOne(body: FileBody, { app, moved, identity }: ConsumeRequest): boolean {
    const g = own(body.grants, app);
    if (!g) return false;
    if (g.identity !== undefined && g.identity !== identity) return false;
    const u = this.#current(body, g, this.#now());
    if (u.count >= g.maxCount) return false;
    let units = BigInt(u.units);
    if (moved.size > 0) {
      if (!g.maxAmount || moved.size > 1) return false;
      const cap = Asset.from(g.maxAmount);
      const [sym, asset] = [...moved][0]!;
      if (sym !== cap.symbol.toString() || asset.units < 0n) return false;
      if (units + asset.units > cap.units) return false;
      units += asset.units;
    }
    body.used[app] = { ...u, count: u.count + 1, units: units.toString() };
    return true;
  }
}

/** `record[key]` only when it is the record's own entry: never `constructor` & co. of Object.prototype. */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
