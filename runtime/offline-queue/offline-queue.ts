/**
 * The durable offline queue of signed transactions (`$PEEROS_HOME/queue/queue.log`).
 *
 * Guarantees (see docs/hybrid.md):
 * - `enqueue` resolves only after the entry is in the log and fsynced;
 * - each transaction id is queued once, and a push the node answers with `tx_duplicate` is marked
 *   `done` — the id already executed — so nothing is executed twice by this queue;
 * - an entry becomes `sent` or `done` only on the node's answer; a push without an answer stays
 *   `pending` and is marked `uncertain`;
 * - an expired entry is never pushed; it is listed and can be re-signed through the caller's
 *   `resign` callback (refused for `uncertain` entries unless forced: the old one may have run);
 * - an expired or failed entry can be dropped by the user (`drop`, `dropExpired`): it becomes
 *   `dropped`, finished, and stops counting toward its app's share. Dropping only forgets the local
 *   record: an `uncertain` one may still have run, which no drop can undo (nor can it make it run).
 *
 * One process owns the queue at a time (`queue.lock`); the state in memory is the log replayed.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peerosHome } from '../../lib/home.js';
import type { DmcsBackend, PushTransactionBody } from '../dispatch/dmcs-backend.js';
import { DmcsError } from '../dispatch/dmcs-error.js';
import { pushFailureOf, pushMayHaveRun } from '../dispatch/push-failure.js';
import { isRecord } from '../dispatch/chain-reply.js';
import { RecordLog, scanLog } from './record-log.js';
import { QueueLock } from './queue-lock.js';
import { QueueError } from './queue-error.js';
import { inspectSignedTransaction } from './signed-transaction.js';
import { finishedForm, isFinished, pendingEntry, QUEUE_STATUSES, type QueueEntry, type QueueEntryError } from './queue-entry.js';
import { bodyBytes, usageOf } from './queue-usage.js';
import {
  ACK_BLOCK_GRACE_MS,
  COMPACT_SLACK_RECORDS,
  DROP_BATCH_ENTRIES,
  KEEP_FINISHED_ENTRIES,
  MAX_APP_LIVE_BYTES,
  MAX_APP_LIVE_ENTRIES,
  MAX_LIVE_BYTES,
  MAX_LIVE_ENTRIES,
} from './limits.js';

export const QUEUE_DIR = 'queue';
export const QUEUE_LOG = 'queue.log';
export const QUEUE_LOCK = 'queue.lock';

export interface OfflineQueueOptions {
  /** Where the queue lives; defaults to `$PEEROS_HOME`. */
  home?: string;
  /** Clock, for tests of expiration. */
  now?: () => number;
  /** Told about repaired logs and dropped records; defaults to stderr. */
  onWarning?: (message: string) => void;
  /** Most unfinished entries; default `MAX_LIVE_ENTRIES`. */
  maxLiveEntries?: number;
  /** Most push-body bytes of unfinished entries; default `MAX_LIVE_BYTES`. */
  maxLiveBytes?: number;
  /** Most unfinished entries of one app; default `MAX_APP_LIVE_ENTRIES`. */
  maxAppLiveEntries?: number;
  /** Most push-body bytes of one app's unfinished entries; default `MAX_APP_LIVE_BYTES`. */
  maxAppLiveBytes?: number;
}

interface QueueCaps {
  live: number;
  liveBytes: number;
  appLive: number;
  appLiveBytes: number;
}

export interface EnqueueOptions {
  app: string;
  /** Registry name of the DMCS; omitted means the default at flush time. */
  dmcs?: string | null;
  /** The transaction was already pushed once without an answer (it may have executed). */
  uncertain?: boolean;
}

/** Finds the backend an entry goes to (the dispatcher's routing, or one backend in tests). */
export type BackendResolver = (entry: QueueEntry) => DmcsBackend | Promise<DmcsBackend>;

export interface FlushReport {
  /** Entries the node acknowledged in this flush. */
  sent: string[];
  /** Entries confirmed in a block, or found already executed (`tx_duplicate`). */
  done: string[];
  /** Entries whose expiration passed. */
  expired: string[];
  /** Entries the chain refused. */
  failed: string[];
  /** Entries still waiting (DMCS unreachable, or acknowledged but not yet in a block). */
  waiting: string[];
  /** True when a DMCS could not be reached: retry later. */
  unreachable: boolean;
}

export type ResignCallback = (entry: QueueEntry) => Promise<PushTransactionBody>;

function errorOf(err: unknown): QueueEntryError {
  if (err instanceof DmcsError) {
    return { code: err.code, message: err.message, ...(err.antelopeName ? { antelopeName: err.antelopeName } : {}) };
  }
  return { code: 'ERROR', message: err instanceof Error ? err.message : String(err) };
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function checkEntry(v: unknown): QueueEntry | undefined {
  if (!isRecord(v) || typeof v.id !== 'string' || !/^[0-9a-f]{64}$/.test(v.id)) return undefined;
  if (typeof v.status !== 'string' || !QUEUE_STATUSES.includes(v.status as QueueEntry['status'])) return undefined;
  if (!isRecord(v.body) || typeof v.expiration !== 'string' || typeof v.app !== 'string') return undefined;
  return v as unknown as QueueEntry;
}

export class OfflineQueue {
  readonly dir: string;
  readonly #log: RecordLog;
  readonly #lock: QueueLock;
  readonly #now: () => number;
  readonly #caps: QueueCaps;
  readonly #entries = new Map<string, QueueEntry>();
  #records: number;
  #closed = false;
  #flushing: Promise<FlushReport> | undefined;
  /**
   * The queue's writes, one after another: each reaches the log and then memory before the next
   * starts. Compaction rewrites the log from memory, so a write still being synced when it read
   * the entries would have been appended to the old file and left out of the new one.
   */
  #writes: Promise<unknown> = Promise.resolve();

  private constructor(
    dir: string,
    log: RecordLog,
    lock: QueueLock,
    now: () => number,
    records: unknown[],
    warn: (m: string) => void,
    caps: QueueCaps,
  ) {
    this.dir = dir;
    this.#caps = caps;
    this.#log = log;
    this.#lock = lock;
    this.#now = now;
    this.#records = records.length;
    let bad = 0;
    for (const r of records) {
      const entry = isRecord(r) && r.t === 'put' ? checkEntry(r.e) : undefined;
      if (entry) this.#entries.set(entry.id, entry);
      else bad++;
    }
    if (bad) warn(`offline queue: ignored ${bad} log records of an unknown shape`);
  }

  /** Opens the queue, taking its lock and replaying its log. */
  static async open(opts: OfflineQueueOptions = {}): Promise<OfflineQueue> {
    const home = opts.home ?? peerosHome();
    const dir = join(home, QUEUE_DIR);
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      fsyncDir(home); // the new directory's entry must be durable before anything in it is
    }
    const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
    const lock = QueueLock.acquire(join(dir, QUEUE_LOCK));
    try {
      const { log, records } = await RecordLog.open(join(dir, QUEUE_LOG), { onWarning: warn });
      return new OfflineQueue(dir, log, lock, opts.now ?? Date.now, records, warn, {
        live: opts.maxLiveEntries ?? MAX_LIVE_ENTRIES,
        liveBytes: opts.maxLiveBytes ?? MAX_LIVE_BYTES,
        appLive: opts.maxAppLiveEntries ?? MAX_APP_LIVE_ENTRIES,
        appLiveBytes: opts.maxAppLiveBytes ?? MAX_APP_LIVE_BYTES,
      });
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /**
   * Reads the queue without taking its lock or repairing its log (for `peeros queue list` while
   * a host owns the queue). Pending entries past their expiration are shown as expired.
   */
  static snapshot(opts: OfflineQueueOptions = {}): QueueEntry[] {
    const path = join(opts.home ?? peerosHome(), QUEUE_DIR, QUEUE_LOG);
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries = new Map<string, QueueEntry>();
    for (const r of scanLog(data).records) {
      const e = isRecord(r) && r.t === 'put' ? checkEntry(r.e) : undefined;
      if (e) entries.set(e.id, e);
    }
    const now = (opts.now ?? Date.now)();
    return [...entries.values()]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((e) => (e.status === 'pending' && Date.parse(e.expiration) <= now ? { ...e, status: 'expired' as const } : e));
  }

  /**
   * Adds a signed transaction. Resolves with its entry once it is fsynced; a transaction already
   * queued resolves with the existing entry (idempotent by id). Refused, before anything is written,
   * past the queue's caps (`FULL`) or the app's share of them (`APP_FULL`): entries already queued
   * are never dropped to make room.
   */
  async enqueue(body: PushTransactionBody, opts: EnqueueOptions): Promise<QueueEntry> {
    this.#open();
    if (typeof opts?.app !== 'string' || opts.app.length === 0) throw new TypeError('enqueue: opts.app must name the app');
    const info = inspectSignedTransaction(body);
    const app = opts.app;
    // Checked in turn with the other writes, so concurrent pushes cannot pass the caps together.
    return this.#serial(async () => {
      const existing = this.#entries.get(info.id);
      if (existing) return { ...existing };
      this.#checkRoom(app, bodyBytes(info.body));
      const entry = pendingEntry(info, this.#iso(), { app, dmcs: opts.dmcs ?? null, uncertain: opts.uncertain === true });
      await this.#write(entry);
      return { ...entry };
    });
  }

  /** Every entry, oldest first (copies). */
  list(): QueueEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((e) => ({ ...e }));
  }

  /** The entry whose id is or starts with `idOrPrefix` (at least 8 hex digits). */
  get(idOrPrefix: string): QueueEntry {
    const p = idOrPrefix.toLowerCase();
    if (!/^[0-9a-f]{8,64}$/.test(p)) {
      throw new QueueError(
        'NOT_FOUND',
        `'${idOrPrefix}' is not a transaction id: give at least 8 hex digits of one (see 'peeros queue list')`,
      );
    }
    const hits = [...this.#entries.values()].filter((e) => e.id.startsWith(p));
    if (hits.length === 0) throw new QueueError('NOT_FOUND', `no queued transaction with id ${idOrPrefix}; see 'peeros queue list'`);
    if (hits.length > 1)
      throw new QueueError('AMBIGUOUS_ID', `${hits.length} queued transactions start with ${idOrPrefix}; give more digits`);
    return { ...hits[0]! };
  }

  /** Marks every pending entry whose expiration has passed as expired; returns their ids. */
  async markExpired(): Promise<string[]> {
    this.#open();
    const ids: string[] = [];
    for (const e of this.#entries.values()) {
      if (e.status === 'pending' && this.#isExpired(e)) {
        await this.#update(e, { status: 'expired' });
        ids.push(e.id);
      }
    }
    return ids;
  }

  /**
   * Pushes every pending entry (oldest first) and confirms acknowledged ones; see the module doc.
   * Concurrent calls share one flush. Stops pushing to a DMCS at its first `UNREACHABLE`.
   */
  flush(resolve: BackendResolver): Promise<FlushReport> {
    this.#open();
    if (!this.#flushing) {
      this.#flushing = this.#flush(resolve).finally(() => {
        this.#flushing = undefined;
      });
    }
    return this.#flushing;
  }

  /**
   * Re-signs an expired entry: `resign(entry)` must return a new signed push body (a fresh
   * expiration and TaPoS, obtained after a new user verification). The new transaction is queued
   * as a new pending entry that `replaces` the old one. Refused when the old one is `uncertain`
   * (it may have executed), unless `force`.
   */
  async resign(idOrPrefix: string, resign: ResignCallback, opts: { force?: boolean } = {}): Promise<QueueEntry> {
    this.#open();
    const id = this.get(idOrPrefix).id;
    if (this.#entries.get(id)!.status === 'pending' && this.#isExpired(this.#entries.get(id)!)) {
      await this.#update(this.#entries.get(id)!, { status: 'expired' });
    }
    const old = this.#entries.get(id)!;
    if (old.status !== 'expired') {
      throw new QueueError(
        'WRONG_STATUS',
        `transaction ${old.id.slice(0, 12)} is ${old.status}; only expired transactions can be re-signed`,
      );
    }
    if (old.replacedBy) {
      throw new QueueError('WRONG_STATUS', `transaction ${old.id.slice(0, 12)} was already re-signed as ${old.replacedBy.slice(0, 12)}`);
    }
    if (old.uncertain && !opts.force) {
      throw new QueueError(
        'UNCERTAIN',
        `transaction ${old.id.slice(0, 12)} was pushed without an answer before it expired, so it may have executed; ` +
          're-signing could execute it twice. Check its effect on the chain, then re-sign with --force if it did not run',
      );
    }
    const body = await resign({ ...old });
    const info = inspectSignedTransaction(body);
    if (info.id === old.id) throw new QueueError('BAD_TRANSACTION', 're-signing returned the same transaction; it needs a new expiration');
    if (Date.parse(info.expiration) <= this.#now()) {
      throw new QueueError('BAD_TRANSACTION', `the re-signed transaction already expired at ${info.expiration}`);
    }
    if (this.#entries.has(info.id))
      throw new QueueError('BAD_TRANSACTION', `the re-signed transaction ${info.id.slice(0, 12)} is already queued`);
    const fresh = pendingEntry(info, this.#iso(), { app: old.app, dmcs: old.dmcs, uncertain: false, replaces: old.id });
    await this.#put(fresh);
    await this.#update(old, { replacedBy: fresh.id });
    return { ...fresh };
  }

  /**
   * Drops one expired or failed entry (the user gives up on it): it becomes `dropped`, durably, and
   * no longer counts toward its app's share. Refused (`WRONG_STATUS`) for a pending entry (it would
   * be sent), a sent one (it may still land in a block), a done one and one already re-signed.
   * Dropping an entry already dropped returns it unchanged (idempotent). No `force` for an
   * `uncertain` one: dropping cannot execute anything, and the entry stays listed, uncertain.
   */
  async drop(idOrPrefix: string): Promise<QueueEntry> {
    this.#open();
    await this.#flushing?.catch(() => {}); // a push in flight could otherwise turn it back to sent
    const id = this.get(idOrPrefix).id;
    const e = this.#entries.get(id)!;
    if (e.status === 'pending' && this.#isExpired(e)) await this.#update(e, { status: 'expired' });
    const current = this.#entries.get(id)!;
    if (current.status === 'dropped') return { ...current };
    const refusal = dropRefusal(current);
    if (refusal) throw new QueueError('WRONG_STATUS', refusal);
    const [dropped] = await this.#dropAll([current]);
    if (dropped) return dropped;
    const now = this.#entries.get(id)!; // changed before the drop's turn came
    if (now.status === 'dropped') return { ...now };
    throw new QueueError('WRONG_STATUS', dropRefusal(now) ?? `transaction ${id.slice(0, 12)} changed while it was being dropped`);
  }

  /**
   * Drops every expired entry not re-signed (of `app`, when given), pending ones past their
   * expiration included; returns them. Written `DROP_BATCH_ENTRIES` per fsync.
   */
  async dropExpired(opts: { app?: string } = {}): Promise<QueueEntry[]> {
    this.#open();
    await this.#flushing?.catch(() => {});
    await this.markExpired();
    const hits = [...this.#entries.values()].filter(
      (e) => e.status === 'expired' && !e.replacedBy && (opts.app === undefined || e.app === opts.app),
    );
    return this.#dropAll(hits);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#flushing?.catch(() => {});
    this.#closed = true;
    await this.#writes;
    await this.#log.close();
    this.#lock.release();
  }

  /**
   * Each DMCS's entries are flushed on their own, all DMCSs at once: a DMCS that answers slowly (or
   * a hostile one, holding each push until just before the deadline) delays only its own entries,
   * never another app's on another DMCS (before, one flush went through every entry in turn, so
   * entries behind a slow DMCS's could expire waiting).
   */
  async #flush(resolve: BackendResolver): Promise<FlushReport> {
    const report: FlushReport = { sent: [], done: [], expired: [], failed: [], waiting: [], unreachable: false };
    report.expired.push(...(await this.markExpired()));
    const order = [...this.#entries.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const groups = new Map<DmcsBackend, QueueEntry[]>();
    for (const e of order) {
      if (this.#closed) break;
      if (e.status !== 'pending' && e.status !== 'sent') continue;
      const backend = await this.#resolveFor(e, resolve);
      if (!backend) {
        report.waiting.push(e.id);
        continue;
      }
      let group = groups.get(backend);
      if (!group) groups.set(backend, (group = []));
      group.push(e);
    }
    await Promise.all([...groups].map(([backend, entries]) => this.#flushTo(backend, entries, report)));
    await this.#maybeCompact();
    return report;
  }

  /** Pushes `entries` (one DMCS's, oldest first) that are pending, stopping at the DMCS's first
   * failure to answer, then confirms those acknowledged. */
  async #flushTo(backend: DmcsBackend, entries: QueueEntry[], report: FlushReport): Promise<void> {
    let down = false;
    for (const queued of entries) {
      const e = this.#entries.get(queued.id);
      if (e?.status !== 'pending') continue;
      if (this.#closed) return;
      if (down) {
        report.waiting.push(e.id);
        continue;
      }
      if (this.#isExpired(e)) {
        await this.#update(e, { status: 'expired' });
        report.expired.push(e.id);
        continue;
      }
      const wasUncertain = e.uncertain;
      // Record the attempt first: if we crash mid-push, the restart knows it may have executed.
      await this.#update(e, { attempts: e.attempts + 1, uncertain: true });
      try {
        const ack = await backend.pushTransaction(e.body);
        if (ack.transaction_id !== e.id) {
          throw DmcsError.badReply(backend.label, `push_transaction acknowledged ${ack.transaction_id}, not ${e.id}`);
        }
        const blockNum = ack.processed.block_num;
        await this.#update(e, {
          status: 'sent',
          uncertain: false,
          ackAt: this.#iso(),
          ...(blockNum !== undefined ? { ackBlockNum: blockNum } : {}),
          error: undefined,
        });
        report.sent.push(e.id);
      } catch (err) {
        const failure = pushFailureOf(err);
        if (failure === 'refused' && err instanceof DmcsError) {
          if (err.antelopeName === 'tx_duplicate') {
            await this.#update(e, {
              status: 'done',
              uncertain: false,
              note: 'tx_duplicate: the node already has this transaction',
              error: undefined,
            });
            report.done.push(e.id);
          } else if (err.antelopeName === 'expired_tx_exception') {
            // Leap checks expiration before duplicates: an earlier unanswered push may still have run.
            await this.#update(e, { status: 'expired', uncertain: wasUncertain, error: errorOf(err) });
            report.expired.push(e.id);
          } else {
            await this.#update(e, { status: 'failed', uncertain: wasUncertain, error: errorOf(err) });
            report.failed.push(e.id);
          }
        } else if (failure === 'unsendable') {
          // Refused here before sending (e.g. larger than any node accepts): it will never go.
          await this.#update(e, { status: 'failed', uncertain: wasUncertain, error: errorOf(err) });
          report.failed.push(e.id);
        } else {
          // Unreachable, a reply we cannot trust ('retry'), or not about this transaction (a chain
          // mismatch, 'other'): keep it pending; uncertain unless it certainly never left.
          await this.#update(e, { error: errorOf(err), uncertain: wasUncertain || pushMayHaveRun(err) });
          down = true;
          report.unreachable = true;
          report.waiting.push(e.id);
        }
      }
    }

    let head: number | undefined; // one get_info per DMCS per flush
    for (const queued of entries) {
      const e = this.#entries.get(queued.id);
      if (e?.status !== 'sent') continue;
      if (this.#closed) return;
      if (down) {
        report.waiting.push(e.id);
        continue;
      }
      try {
        head ??= (await backend.getInfo()).head_block_num;
        const outcome = await this.#confirm(e, backend, head);
        if (outcome === 'done') report.done.push(e.id);
        else if (outcome === 'expired') report.expired.push(e.id);
        else report.waiting.push(e.id);
      } catch (err) {
        down = true;
        report.unreachable = true;
        report.waiting.push(e.id);
        await this.#update(e, { error: errorOf(err) });
      }
    }
  }

  /**
   * An acknowledged entry is done once the node's head has reached the block it was acknowledged
   * in and, when the node lists that block's transactions, the id is among them. If the block does
   * not hold it (the node dropped it or forked), it goes back to pending: the next push either
   * executes it or gets `tx_duplicate`. If the head has still not reached that block
   * `ACK_BLOCK_GRACE_MS` after the transaction expired, it is expired and uncertain.
   */
  async #confirm(e: QueueEntry, backend: DmcsBackend, headBlockNum: number): Promise<'done' | 'waiting' | 'expired'> {
    if (e.ackBlockNum === undefined) {
      await this.#update(e, { status: 'done', note: 'acknowledged without a block number' });
      return 'done';
    }
    if (headBlockNum < e.ackBlockNum) {
      if (this.#now() <= Date.parse(e.expiration) + ACK_BLOCK_GRACE_MS) return 'waiting';
      // The head never reached the block the node named, and the transaction is past its expiration:
      // stop waiting. It may have run (the node said so), so uncertain: re-signing needs --force.
      await this.#update(e, {
        status: 'expired',
        uncertain: true,
        note: `acknowledged in block ${e.ackBlockNum}, which the node's head (${headBlockNum}) had not reached when it expired; check whether it ran`,
      });
      return 'expired';
    }
    let block: Record<string, unknown> | undefined;
    try {
      block = await backend.getBlock(e.ackBlockNum);
    } catch (err) {
      if (!(err instanceof DmcsError && err.code === 'REJECTED')) throw err;
    }
    const trxs = block && Array.isArray(block.transactions) ? block.transactions : undefined;
    if (trxs) {
      const ids = trxs.map((t) => {
        const trx = isRecord(t) ? t.trx : undefined;
        return typeof trx === 'string' ? trx : isRecord(trx) && typeof trx.id === 'string' ? trx.id : '';
      });
      if (!ids.includes(e.id)) {
        // It may still land in a later block: uncertain until the node answers a push again.
        await this.#update(e, { status: 'pending', uncertain: true, note: `not found in block ${e.ackBlockNum}; will push again` });
        return 'waiting';
      }
    }
    await this.#update(e, { status: 'done', note: `in block ${e.ackBlockNum}` });
    return 'done';
  }

  /** The entry's backend, or undefined (with the reason recorded) when it cannot be routed, e.g.
   * its DMCS was removed from the registry: that entry waits, the others go on. */
  async #resolveFor(e: QueueEntry, resolve: BackendResolver): Promise<DmcsBackend | undefined> {
    try {
      return await resolve({ ...e });
    } catch (err) {
      await this.#update(e, { error: errorOf(err) });
      return undefined;
    }
  }

  #isExpired(e: QueueEntry): boolean {
    return Date.parse(e.expiration) <= this.#now();
  }

  /** Refuses an entry of `bytes` for `app` past the queue's caps or the app's share of them. */
  #checkRoom(app: string, bytes: number): void {
    const u = usageOf(this.#entries.values(), app);
    const c = this.#caps;
    const wait = 'flush the queue or wait for the DMCS';
    if (u.appLive >= c.appLive || u.appLiveBytes + bytes > c.appLiveBytes) {
      throw new QueueError(
        'APP_FULL',
        `app ${JSON.stringify(app)} holds ${u.appLive} unfinished transactions (${u.appLiveBytes} bytes) in the offline queue; ` +
          `one app may keep at most ${c.appLive} (${c.appLiveBytes} bytes); ${wait}, or drop its expired ones ` +
          `('peeros queue drop --expired --app ${app}')`,
      );
    }
    if (u.live >= c.live || u.liveBytes + bytes > c.liveBytes) {
      throw new QueueError(
        'FULL',
        `the offline queue holds ${u.live} unfinished transactions (${u.liveBytes} bytes); at most ${c.live} (${c.liveBytes} bytes); ${wait}`,
      );
    }
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }

  #open(): void {
    if (this.#closed) throw new QueueError('CLOSED', 'the offline queue is closed');
  }

  /** Runs `write` after every write before it has reached the log and memory (see `#writes`). */
  #serial<T>(write: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(write);
    this.#writes = run.catch(() => {});
    return run;
  }

  /**
   * Applies `patch` to the entry's state when the write's turn comes (not to the possibly stale copy
   * passed in); a field patched to `undefined` is removed.
   */
  #update(e: QueueEntry, patch: { [K in keyof QueueEntry]?: QueueEntry[K] | undefined }): Promise<void> {
    return this.#serial(async () => {
      const current = this.#entries.get(e.id) ?? e;
      const next = { ...current, ...patch, updatedAt: this.#iso() };
      for (const k of Object.keys(next) as (keyof QueueEntry)[]) if (next[k] === undefined) delete next[k];
      await this.#write(next as QueueEntry); // a QueueEntry: its fields come from one, and none is left undefined
    });
  }

  /** Writes the entry's new state in its turn (see `#write`). */
  #put(state: QueueEntry): Promise<void> {
    return this.#serial(() => this.#write(state));
  }

  /** Appends the entry's new state (fsynced) and only then makes it the state in memory. Only
   * inside `#serial`. */
  async #write(state: QueueEntry): Promise<void> {
    const entry = finishedForm(state);
    await this.#log.append({ t: 'put', e: entry });
    this.#records++;
    this.#entries.set(entry.id, entry);
  }

  /** Marks `entries` (expired or failed) dropped, `DROP_BATCH_ENTRIES` per synced write. */
  async #dropAll(entries: QueueEntry[]): Promise<QueueEntry[]> {
    const out: QueueEntry[] = [];
    for (let i = 0; i < entries.length; i += DROP_BATCH_ENTRIES) {
      const batch = entries.slice(i, i + DROP_BATCH_ENTRIES);
      await this.#serial(async () => {
        const at = this.#iso();
        // Their state in this write's turn: one changed meanwhile (re-signed) is left as it is.
        const states = batch
          .map((e) => this.#entries.get(e.id) ?? e)
          .filter((e) => dropRefusal(e) === undefined)
          .map((e) => finishedForm({ ...e, status: 'dropped', droppedFrom: e.status === 'failed' ? 'failed' : 'expired', updatedAt: at }));
        await this.#log.appendAll(states.map((e) => ({ t: 'put', e })));
        this.#records += states.length;
        for (const e of states) this.#entries.set(e.id, e);
        out.push(...states.map((e) => ({ ...e })));
      });
    }
    return out;
  }

  /** Rewrites the log with the live entries and the newest finished ones, in the writes' turn. */
  #maybeCompact(): Promise<void> {
    return this.#serial(async () => {
      if (this.#records <= this.#entries.size + COMPACT_SLACK_RECORDS) return;
      const all = [...this.#entries.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      const finished = all.filter(isFinished);
      const drop = new Set(finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED_ENTRIES)).map((e) => e.id));
      // finishedForm again: an older log's finished entries still carry their bodies
      const keep = all.filter((e) => !drop.has(e.id)).map(finishedForm);
      await this.#log.rewrite(keep.map((e) => ({ t: 'put', e })));
      for (const id of drop) this.#entries.delete(id);
      for (const e of keep) this.#entries.set(e.id, e);
      this.#records = keep.length;
    });
  }
}

/** Why `e` cannot be dropped, or undefined when it can (expired and not re-signed, or failed). */
function dropRefusal(e: QueueEntry): string | undefined {
  const id = e.id.slice(0, 12);
  if (e.status === 'failed') return undefined;
  if (e.status === 'expired') {
    return e.replacedBy ? `transaction ${id} was re-signed as ${e.replacedBy.slice(0, 12)}; it is finished, nothing to drop` : undefined;
  }
  if (e.status === 'pending') return `transaction ${id} is pending and will be sent; only expired or failed transactions can be dropped`;
  if (e.status === 'sent') {
    return `transaction ${id} was acknowledged by the node and may still land in a block; only expired or failed transactions can be dropped`;
  }
  return `transaction ${id} is ${e.status}; only expired or failed transactions can be dropped`;
}
