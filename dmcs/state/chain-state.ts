/**
 * The node's chain state: accounts, their permission trees, permission links, code and ABI per
 * account (with the code hash), RAM usage per account, and the contract tables (`TableStore`).
 * Every mutation goes through a method here that records its inverse in the shared `UndoLog`, so a
 * failed transaction is rolled back whole. State is only ever derived from the block log (genesis
 * plus replayed blocks) or a snapshot of it.
 *
 * The state digest is incremental (state-digest.ts): tables keep their records in the sum as they
 * write; an account changes on almost every action (sequences, RAM), so accounts are only marked
 * here and rehashed, once each, at the next `digest()`. An account's record includes its resource
 * limits (set_resource_limits marks it too, and so does the undo); the producer schedules are one
 * more record, rehashed when the active schedule or the proposal is replaced.
 */
import { Name, sha256, bytesToHex } from '../../abi/antelope/index.js';
import { UndoLog } from './undo-log.js';
import { TableStore, storedIndexPayload, storedTablePayload, type StateCapture } from './table-store.js';
import { SnapshotCapture } from './snapshot-capture.js';
import { encodeAccount } from './account-codec.js';
import { writeAuth } from './account-auth.js';
import {
  HashAccumulator,
  accountRecordWriter,
  indexEntryRecordHash,
  indexRecordHash,
  producersRecordHash,
  rowRecordHash,
  stateDigestOf,
  tableRecordHash,
} from './state-digest.js';
import { authorityBillableSize, type Authority } from '../authority.js';
import { ResourceLimits, type AccountResourceLimits } from './resource-limits.js';
import { ProducerSchedule, type Schedule } from './producer-schedule.js';
import { ZERO_HASH, type AccountRecord, type PermissionRecord } from './account-record.js';
import { ACCOUNT_CACHE_DEFAULT, AccountStore, TRIM_PACE, TRIM_TO, splitStored, type StoredAccount } from './account-store.js';
import {
  INDEX_KEYS_END,
  INDEX_KEYS_FIRST,
  SCOPE_KEYS_END,
  SCOPE_KEYS_FIRST,
  TABLE_KIND,
  isIndexEntryKey,
  isRowKey,
  scopeKeyKind,
} from './store-keys.js';
import type { OrderedStore, StoreView } from './ordered-store.js';
import { CodedError } from '../../lib/coded-error.js';

/** Leap `overhead_per_account_ram_bytes`: the account, its metadata and sequence objects. */
export const ACCOUNT_RAM_BYTES = 2 * 1024;
/** Leap `billable_size_v<permission_object>` (5 indexes × 32 B overhead + fields). */
export const PERMISSION_RAM_BYTES = 432;
/** Leap `billable_size_v<permission_link_object>` (3 indexes × 32 B overhead + 40 B of fields). */
export const PERMISSION_LINK_RAM_BYTES = 136;
/** Leap `setcode_ram_bytes_multiplier`: code is charged 10× its size (it is also compiled/cached). */
export const SETCODE_RAM_MULTIPLIER = 10;

export type { AccountRecord, PermissionRecord } from './account-record.js';

/**
 * With a store, a commit is also due once this many accounts, tables and indexes changed since the
 * last one (`atSafePoint`), so no block pays for writing much more than this many records plus what
 * it changed itself: commits come in many small ones rather than one per `STATE_COMMIT_BLOCKS` or per
 * snapshot holding everything changed since (the block-production stall, issue 19). 512: with the
 * records encoded ahead (`prepare`), what a commit block still pays grows with its writes (queueing
 * the LMDB batch, the transaction-id keys); at 100,000 holders 512 against 1,024 took the slowest
 * block from 36.7 to 30.8 ms over a median of 9.7 ms (before `prepare`; docs/dmcs.md).
 */
export const STATE_COMMIT_MAX_CHANGES = 512;

/**
 * Commits handed to the store's writer thread and not landed yet (committed and flushed), at most.
 * A commit due while this many are in flight is owed: the next safe point starts it; blocks go on
 * meanwhile, until `STATE_COMMIT_BACKLOG` records changed since the last commit started, then the
 * block that would start one more waits for the landing (`mustWait`, `settle`; counted in
 * `work.waitMs`). A snapshot's commit may start one more (one snapshot at a time), and no commit
 * starts while a snapshot waits for its own to land (its read view is of that commit, exactly).
 */
export const STATE_COMMITS_IN_FLIGHT = 1;

/** Records changed since the last commit started beyond which a block waits for the one in flight (see `STATE_COMMITS_IN_FLIGHT`). */
export const STATE_COMMIT_BACKLOG = 4 * STATE_COMMIT_MAX_CHANGES;

/**
 * With a store, a snapshot at a multiple of the chain's `snapshotEvery` is taken only once the
 * records its commits wrote since the last snapshot began (every write of a commit: accounts, tables
 * and indexes, each counted once per commit that wrote it, and the duplicate check's ids added and
 * removed), with those changed since the last commit, are at least the records a snapshot walks (the
 * state's, the digest's count, and the ids the last snapshot walked) over this share
 * (`snapshotWorthWalking`). A snapshot walks every record of the store, so it then costs at most
 * this many record reads per record written: spread over the transfers, a cost that does not grow
 * with the state (issue 19). (The ids count on both sides: a node of few accounts and many
 * transactions holds far more ids than state records, and its snapshots walk them all.) A restart
 * opens the store, not the snapshot (the fallback and the portable file), so its spacing can follow
 * the state's size. All in memory (no store) a restart reads the snapshot: every multiple is taken.
 * 2: the walk costs about what the commits of the records it covers cost (a record read and
 * encoded against one hashed, encoded and written); a fallback restart from the snapshot replays
 * blocks that wrote at most half the state's records. (At 8 the walks took about a seventh of
 * the CPU per transfer of 20,000 holders with a 328-record cache; docs/dmcs.md.)
 */
export const SNAPSHOT_WALK_SHARE = 2;

const NO_IDS = { walked: 0, changed: 0 };

/** Why the state store's commit failed: the store is behind memory and the chain must stop (a restart replays from its last commit). */
export class StateCommitError extends CodedError<'STATE_COMMIT_FAILED'> {
  override readonly name = 'StateCommitError';
  constructor(cause: Error) {
    super('STATE_COMMIT_FAILED', `state store: a commit failed (${cause.message})`);
  }
}

/** Store writes: a key and its new value (null: removed). */
export type StoreWrite = [Uint8Array, Uint8Array | null];

/** Where the state keeps what does not fit its memory budget (see account-store.ts). */
export interface StateStoreOptions {
  /** The on-disk store (as it was left: see `openAtCommit`, `resetStore`); none = everything in memory. */
  store?: OrderedStore;
  /** Accounts kept in memory between blocks (default `ACCOUNT_CACHE_DEFAULT`). */
  accountCache?: number;
  /**
   * Tables (each with all its rows) kept in memory between blocks, in budget units: a big table
   * counts by its rows (table-store.ts `ROWS_PER_CACHE_UNIT`; default `ACCOUNT_CACHE_DEFAULT`).
   */
  tableCache?: number;
}

/** One record of the store as a snapshot reads it (`ChainState.stored`): an account, or a table's or an index's snapshot payload. */
export type StoredRecord =
  | { account: StoredAccount; table?: undefined; index?: undefined }
  | { account?: undefined; table: Uint8Array; index?: undefined }
  | { account?: undefined; table?: undefined; index: Uint8Array };

export class ChainState {
  readonly undo = new UndoLog();
  /** Accounts: all in memory, or a bounded cache over the store (account-store.ts). */
  readonly accounts: AccountStore;
  readonly tables: TableStore;
  /** Limits set by `set_resource_limits` (-1 = unlimited unless set); part of each account's record. */
  readonly resourceLimits = new ResourceLimits(this.undo, (name) => this.limitsChanging(name));
  /** Active and proposed producer schedules (the genesis one is set by the chain). */
  readonly producers = new ProducerSchedule(this.undo, []);
  /** The sum of every record's hash (state-digest.ts). */
  private readonly records = new HashAccumulator();
  /** Accounts changed since their hash was last summed. */
  private readonly dirty = new Set<string>();
  /** The schedules whose record is summed in `records`, and its hash (schedules are replaced, never changed in place). */
  private hashedSchedules: { active: Schedule; proposed: Schedule | null; hash: Uint8Array } | null = null;

  /** The persistent home of the state, when it has one (ordered-store.ts). */
  readonly store: OrderedStore | null;

  constructor(opts: StateStoreOptions = {}) {
    this.store = opts.store ?? null;
    this.accounts = new AccountStore(
      this.undo,
      this.store,
      opts.accountCache ?? ACCOUNT_CACHE_DEFAULT,
      (name) => this.resourceLimits.find(name),
      (name, limits) => this.resourceLimits.loaded(name, limits),
    );
    this.tables = new TableStore(
      this.undo,
      (payer, delta) => this.addRam(payer, delta),
      this.records,
      this.store,
      opts.tableCache ?? ACCOUNT_CACHE_DEFAULT,
    );
  }

  /** Marks an account as changed (created, deleted or any field): its hash is redone at the next digest. */
  touch(name: string): void {
    this.mark(name);
  }

  /** An account changed: rehash it at the next digest, write it at the next flush. */
  private mark(name: string): void {
    this.dirty.add(name);
    this.accounts.markChanged(name);
  }

  /** Whether the state lives in a store (with a bounded cache in memory). */
  get persistent(): boolean {
    return this.store !== null;
  }

  /**
   * Between blocks (no action holds an account or a table), with a store: when more accounts or
   * tables are cached than their budget, first drops the least recently used that no undo closure
   * refers to and the store holds as they are (down to `TRIM_TO` of the budget, in slices over this
   * and the next safe points: `trim`). Then, when the cache is still over its budget with no trim
   * under way (what it holds is mostly changed since the last commit),
   * `STATE_COMMIT_MAX_CHANGES` records changed since the last commit, or `due`, starts a commit of
   * the changed records, and `commit`'s writes (the chain's commit record, store-commit.ts), in one
   * store transaction on the store's writer thread (unless `STATE_COMMITS_IN_FLIGHT` are in flight:
   * then it is owed to a later safe point); a later safe point drops them once it landed. So a full
   * cache does not make every block commit: the changes of many blocks share one commit and its
   * fixed cost (the commit record, the store transaction), as they do below the budget. Also while a
   * snapshot is being written: its writer reads the store through a view of its block
   * (`captureView`). With `commit.ready` false no commit starts (owed: the chain's commit record
   * cannot be written yet). Returns how many were dropped. Throws `StateCommitError` once a commit failed.
   */
  atSafePoint(commit?: { due: boolean; writes: (digest: Uint8Array) => StoreWrite[]; ready?: boolean }): number {
    if (this.store === null) return 0;
    if (this.failure) throw this.failure;
    const dropped = this.trim();
    const many = this.accounts.changedCount + this.tables.changedCount >= STATE_COMMIT_MAX_CHANGES;
    if ((this.overBudget || many || commit?.due) && this.canStartCommit && commit?.ready !== false) this.flush(commit?.writes);
    else this.prepare();
    return dropped;
  }

  /**
   * At a safe point that starts no commit: rehashes the accounts changed since the last one and
   * encodes the records changed since then for the next commit (`AccountStore.prepare`,
   * `TableStore.prepare`; a later change drops an encoding). The commit's digest and encoding are
   * then mostly done a block at a time, not all in the commit's block (issue 19's stall).
   */
  private prepare(): void {
    const t0 = performance.now();
    this.rehashDirty();
    this.work.prepared += this.accounts.prepare((name) => !this.dirty.has(name)) + this.tables.prepare();
    this.work.prepareMs += performance.now() - t0;
  }

  /** Whether more accounts, tables or indexes are cached than their budget, with no trim under way to bring them back. */
  private get overBudget(): boolean {
    const { accounts: a, tables: t } = this;
    return (
      (a.cached > a.budget && !a.trimming) || (t.cached > t.budget && !t.trimming) || (t.indexesCached > t.budget && !t.indexesTrimming)
    );
  }

  /**
   * A step of the trims: drops cached accounts and tables the store holds as they are, least
   * recently used first, down to `TRIM_TO` of the budget, at `TRIM_PACE` per safe point (the excess
   * over the budget at once when it is more than a slice), so a trim never holds one block long
   * (issue 19's stall).
   */
  private trim(): number {
    const t0 = performance.now();
    const dropped = this.accounts.trim(TRIM_TO, TRIM_PACE) + this.tables.trim(TRIM_TO, TRIM_PACE);
    this.work.trimMs += performance.now() - t0;
    this.work.dropped += dropped;
    return dropped;
  }

  /**
   * What the store's upkeep has cost since the start (cumulative; a bench reads it before and after
   * each block to say where a slow block's time went): commits started (`flushes`, their wall time on
   * this thread with the digest they run first; `writeMs` of it queueing the writes; store writes),
   * trims (wall time, objects dropped), waits of this thread for commits to land (`waits`, `waitMs`:
   * a backlog, a clean stop), `landMs`, the commits' time from queued to landed (on the store's
   * writer thread, fsync included: not this thread's), and the work done ahead of commits at the
   * safe points that start none (`prepared` records encoded, `prepareMs` with the rehashes: `prepare`).
   */
  readonly work = {
    flushes: 0,
    flushMs: 0,
    writeMs: 0,
    flushWrites: 0,
    trimMs: 0,
    dropped: 0,
    waits: 0,
    waitMs: 0,
    landMs: 0,
    prepared: 0,
    prepareMs: 0,
  };

  /** With a store: the writes of the commits queued since the last snapshot capture began (see `SNAPSHOT_WALK_SHARE`). */
  private writtenSinceCapture = 0;

  /**
   * Whether a snapshot now is worth its walk over the whole state (`SNAPSHOT_WALK_SHARE`): always
   * without a store; with one, once enough records changed since the last snapshot began. `ids`:
   * the transaction ids the walk reads besides the state's records, and their changes not
   * committed yet (stored-recent.ts `spacing`).
   */
  snapshotWorthWalking(ids: { walked: number; changed: number } = NO_IDS): boolean {
    if (this.store === null) return true;
    const changed = this.writtenSinceCapture + this.accounts.changedCount + this.tables.changedCount + ids.changed;
    return changed * SNAPSHOT_WALK_SHARE >= this.records.count + ids.walked;
  }

  /** Commits queued and not landed yet. */
  private inFlight = 0;
  /**
   * Commits queued since the start, and of them landed (in order: commit k landed once
   * `commitsLanded >= k`). A commit's `more` writes run when it is queued, as commit number
   * `commitsQueued` (stored-recent.ts keys its ids' eviction to them).
   */
  commitsQueued = 0;
  commitsLanded = 0;
  /** Settles once every commit queued so far landed (or one failed); commits land in order. */
  private lastLanding: Promise<void> = Promise.resolve();
  /** The first commit failure: every later safe point throws it (the store is behind memory). */
  private failure: StateCommitError | null = null;
  /** While a snapshot's commit is in flight: no other commit starts (its view is taken as it lands). */
  private viewPending = false;

  /** Commits in flight now (see `STATE_COMMITS_IN_FLIGHT`). */
  get commitsInFlight(): number {
    return this.inFlight;
  }

  private get canStartCommit(): boolean {
    return this.inFlight < STATE_COMMITS_IN_FLIGHT && !this.viewPending;
  }

  /**
   * Whether the block just ended must wait for the commit in flight before another block runs: a
   * commit is owed and `STATE_COMMIT_BACKLOG` records changed since the last one started.
   */
  get mustWait(): boolean {
    return this.store !== null && !this.canStartCommit && this.accounts.changedCount + this.tables.changedCount >= STATE_COMMIT_BACKLOG;
  }

  /**
   * Waits until every commit queued so far landed (a backlog, a clean stop: the caller then runs its
   * safe point), counted in `work`; throws `StateCommitError` when one failed.
   */
  async settle(): Promise<void> {
    if (this.inFlight > 0) {
      const t0 = performance.now();
      await this.lastLanding;
      this.work.waits++;
      this.work.waitMs += performance.now() - t0;
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Queues every record changed since the last flush, and `more`, as one store transaction (on the
   * store's writer thread); the records stay pinned in memory until it landed. Returns its landing.
   */
  private flush(more?: (digest: Uint8Array) => StoreWrite[]): Promise<void> {
    if (this.failure) throw this.failure;
    const t0 = performance.now();
    const digest = this.digest();
    this.commitsQueued++;
    this.writtenSinceCapture += this.accounts.changedCount + this.tables.changedCount;
    const out: StoreWrite[] = [];
    this.accounts.writes(out);
    this.tables.writes(out);
    if (more) {
      const extra = more(digest); // the chain's: the commit record and the transaction ids' changes
      for (const w of extra) out.push(w);
      this.writtenSinceCapture += extra.length;
    }
    const t1 = performance.now();
    const written = out.length > 0 ? this.store!.commit(out) : Promise.resolve();
    this.work.writeMs += performance.now() - t1;
    this.accounts.commitStarted();
    this.tables.commitStarted();
    this.inFlight++;
    const before = this.lastLanding;
    const landing = before
      .then(() => written)
      .then(
        () => {
          this.commitsLanded++;
          this.accounts.landed();
          this.tables.landed();
          this.work.landMs += performance.now() - t1;
        },
        (e: unknown) => {
          this.failure ??= new StateCommitError(e instanceof Error ? e : new Error(String(e)));
        },
      )
      .finally(() => {
        this.inFlight--;
      });
    this.lastLanding = landing;
    this.work.flushes++;
    this.work.flushWrites += out.length;
    this.work.flushMs += performance.now() - t0;
    return landing;
  }

  /** Empties the store: the state is about to be built from genesis (and a snapshot or the log); no commit is in flight then. */
  resetStore(): void {
    if (this.inFlight > 0) throw new Error('ChainState.resetStore with a commit in flight');
    this.store?.clear();
  }

  /**
   * The state as the store's last commit left it (store-commit.ts): the digest's sum and count, the
   * global sequence and the producer schedules from the commit record; accounts and tables are read
   * back when used; secondary indexes are read back now (they live in memory, O(entries)).
   */
  openAtCommit(c: {
    recordSum: Uint8Array;
    recordCount: number;
    globalSequence: number;
    producers: { active: Schedule; proposed: (Schedule & { blockNum: number }) | null };
  }): void {
    this.records.restore(c.recordSum, c.recordCount);
    this.globalSequence = c.globalSequence;
    const { active, proposed } = c.producers;
    this.producers.active = active;
    this.producers.proposed = proposed;
    this.hashedSchedules = { active, proposed, hash: producersRecordHash(active, proposed) };
  }

  /** The digest's record sum and count as they are now (a commit records them after `digest()`). */
  get recordSum(): { sum: Uint8Array; count: number } {
    return { sum: this.records.sum(), count: this.records.count };
  }

  /** Closes the store, if any, once the commits in flight landed (a failed one is not retried: a restart replays from the last that landed). */
  async close(): Promise<void> {
    await this.lastLanding;
    await this.store?.close();
  }

  /** Before any change to `acct`: mark it for the digest, and keep its record for a snapshot being written. */
  private changing(acct: AccountRecord): void {
    this.touching(acct);
    const name = acct.name;
    // the undo marks it again: a digest taken in between (a pending block later aborted, a block
    // later popped) cleared the mark the change itself made
    this.undo.record(() => this.mark(name));
  }

  /**
   * `changing` without its undo closure: for a caller that records, right after, one closure that
   * reverts the change and marks `acct` again (the mark pins `acct` up to that closure).
   */
  private touching(acct: AccountRecord): void {
    this.mark(acct.name);
    const c = this.tables.capture;
    // with a store, a snapshot reads the accounts from it (flushed at N, read through a view of N)
    if (c !== null && !this.accounts.persistent && acct.snapshotEpoch !== c.epoch)
      c.saveAccount(acct, () => ({ record: encodeAccount(acct), limits: this.resourceLimits.find(acct.name) ?? null }));
  }

  /** Before an account's resource limits change (or an undo restores them). */
  private limitsChanging(name: string): void {
    const acct = this.accounts.get(name);
    if (acct) this.changing(acct);
    else this.mark(name);
  }

  /** Starts a frozen view of the state as it is now (see snapshot-capture.ts); null while another is open. */
  beginCapture(commit?: (digest: Uint8Array) => StoreWrite[]): StateCapture | null {
    if (this.tables.capture) return null;
    const c: StateCapture = new SnapshotCapture();
    // the store then holds the accounts and tables at N; the writer reads them through a view of
    // that commit, taken as it lands (no other commit starts before), so later commits (and trims)
    // go on while it writes
    if (this.store !== null) {
      const store = this.store;
      const landing = this.flush(commit);
      this.writtenSinceCapture = 0;
      this.viewPending = true;
      this.captureView = landing.then(() => {
        this.viewPending = false;
        if (this.failure) throw this.failure;
        return store.view(); // endCapture releases it
      });
      this.captureView.catch(() => {}); // the writer sees the failure when it reads the view
    }
    this.tables.capture = c;
    return c;
  }

  /** With a store, while a capture is open: the store as it was at the capture's block, once its commit landed. */
  captureView: Promise<StoreView> | null = null;

  /**
   * The accounts, tables and secondary indexes in the store as `view` sees it, in one walk of the
   * store's order: each account, then the tables of its scope (store-keys.ts), then the indexes; a
   * snapshot writer reads them through the view taken at its block while later commits go on.
   */
  *stored(view: StoreView): Generator<StoredRecord> {
    if (this.store === null) return;
    // values read in place: the consumer (a snapshot writer) copies each before its next step
    const store = this.store;
    // rows and entries stored apart are read with their table or index (`storedTablePayload`, `storedIndexPayload`)
    for (const { key, value } of store.scan(SCOPE_KEYS_FIRST, SCOPE_KEYS_END, view, isRowKey)) {
      if (scopeKeyKind(key) === TABLE_KIND) yield { table: storedTablePayload(store, value, view) };
      else yield { account: splitStored(value) };
    }
    for (const { value } of store.scan(INDEX_KEYS_FIRST, INDEX_KEYS_END, view, isIndexEntryKey))
      yield { index: storedIndexPayload(store, value, view) };
  }

  /** Closes `c` and drops its preimages (and the store view). */
  endCapture(c: StateCapture): void {
    if (this.tables.capture === c) {
      this.tables.capture = null;
      this.captureView?.then(
        (v) => v.done(),
        () => {},
      );
      this.captureView = null;
    }
    c.close();
  }

  /** When set, every RAM change is also summed here per account (one action's deltas). */
  ramDeltas: Map<string, number> | null = null;

  /** Actions dispatched since genesis (Leap `global_action_sequence`). */
  globalSequence = 0;

  /**
   * Bumps the sequences of one action receipt: the global one (returned), `receiver`'s receive
   * sequence and each authorizer's auth sequence (read back from the records), with one undo
   * closure for them all. The single-step methods below record two closures per account: a
   * transfer's three receipts took fifteen of its seventeen, most of the undo log's garbage.
   * `authorizers` are distinct and must not change afterwards (the closure keeps the array).
   */
  receiptSequences(receiver: AccountRecord, authorizers: readonly AccountRecord[]): number {
    this.touching(receiver);
    for (const a of authorizers) this.touching(a);
    const global = ++this.globalSequence;
    receiver.recvSequence++;
    for (const a of authorizers) a.authSequence++;
    this.undo.record(() => {
      this.globalSequence--;
      receiver.recvSequence--;
      for (const a of authorizers) a.authSequence--;
      this.mark(receiver.name);
      for (const a of authorizers) this.mark(a.name);
    });
    return global;
  }

  /** Bumps and returns the global, receiver and authorizer sequences one at a time (tests, tools). */
  nextGlobalSequence(): number {
    const v = ++this.globalSequence;
    this.undo.record(() => {
      this.globalSequence--;
    });
    return v;
  }
  nextRecvSequence(acct: AccountRecord): number {
    this.changing(acct);
    const v = ++acct.recvSequence;
    this.undo.record(() => {
      acct.recvSequence--;
    });
    return v;
  }
  nextAuthSequence(acct: AccountRecord): number {
    this.changing(acct);
    const v = ++acct.authSequence;
    this.undo.record(() => {
      acct.authSequence--;
    });
    return v;
  }

  getAccount(name: string): AccountRecord | undefined {
    return this.accounts.get(name);
  }
  getAccountByValue(value: bigint): AccountRecord | undefined {
    return this.accounts.getByValue(value);
  }

  /** Adds `delta` bytes to `account`'s RAM usage (negative refunds). */
  addRam(account: string | bigint, delta: number): void {
    if (delta === 0) return;
    const acct = typeof account === 'string' ? this.accounts.get(account) : this.accounts.getByValue(account);
    if (!acct) return; // the payer was checked to exist by the caller
    if (this.ramDeltas) this.ramDeltas.set(acct.name, (this.ramDeltas.get(acct.name) ?? 0) + delta);
    this.changing(acct);
    acct.ramUsage += delta;
    this.undo.record(() => {
      acct.ramUsage -= delta;
    });
  }

  createAccount(name: string, owner: Authority, active: Authority, time: number, privileged = false): AccountRecord {
    const acct: AccountRecord = {
      name,
      value: Name.from(name).value,
      creation: time,
      privileged,
      code: null,
      codeHash: ZERO_HASH,
      codeHashHex: '',
      lastCodeUpdate: 0,
      codeSequence: 0,
      abi: null,
      abiSequence: 0,
      ramUsage: 0,
      recvSequence: 0,
      authSequence: 0,
      permissions: new Map(),
      links: new Map(),
      snapshotEpoch: 0,
      cacheSlot: -1,
      auth: null,
    };
    const capture = this.tables.capture;
    if (capture) capture.stamp(acct); // born after the snapshot's block: not in it
    acct.permissions.set('owner', { name: 'owner', parent: '', auth: owner, lastUpdated: time });
    acct.permissions.set('active', { name: 'active', parent: 'owner', auth: active, lastUpdated: time });
    this.accounts.set(acct);
    this.mark(name);
    this.undo.record(() => {
      this.accounts.delete(name);
      this.mark(name);
    });
    this.addRam(name, ACCOUNT_RAM_BYTES + 2 * PERMISSION_RAM_BYTES + authorityBillableSize(owner) + authorityBillableSize(active));
    return acct;
  }

  setCode(acct: AccountRecord, code: Uint8Array | null, hash: Uint8Array, time: number): void {
    const old = {
      code: acct.code,
      codeHash: acct.codeHash,
      codeHashHex: acct.codeHashHex,
      lastCodeUpdate: acct.lastCodeUpdate,
      codeSequence: acct.codeSequence,
    };
    const delta = ((code?.length ?? 0) - (acct.code?.length ?? 0)) * SETCODE_RAM_MULTIPLIER;
    this.changing(acct);
    acct.code = code;
    acct.codeHash = hash;
    acct.codeHashHex = bytesToHex(hash);
    acct.lastCodeUpdate = time;
    acct.codeSequence++;
    this.undo.record(() => Object.assign(acct, old));
    this.addRam(acct.name, delta);
  }

  setAbi(acct: AccountRecord, abi: Uint8Array | null): void {
    const old = { abi: acct.abi, abiSequence: acct.abiSequence };
    const delta = (abi?.length ?? 0) - (acct.abi?.length ?? 0);
    this.changing(acct);
    acct.abi = abi;
    acct.abiSequence++;
    this.undo.record(() => Object.assign(acct, old));
    this.addRam(acct.name, delta);
  }

  /** Creates or replaces a permission (updateauth). */
  setPermission(acct: AccountRecord, perm: PermissionRecord): void {
    const old = acct.permissions.get(perm.name);
    this.changing(acct);
    acct.auth = null;
    acct.permissions.set(perm.name, perm);
    this.undo.record(() => {
      acct.auth = null;
      if (old) acct.permissions.set(perm.name, old);
      else acct.permissions.delete(perm.name);
    });
    const delta = old
      ? authorityBillableSize(perm.auth) - authorityBillableSize(old.auth)
      : PERMISSION_RAM_BYTES + authorityBillableSize(perm.auth);
    this.addRam(acct.name, delta);
  }

  deletePermission(acct: AccountRecord, name: string): void {
    const old = acct.permissions.get(name);
    if (!old) return;
    this.changing(acct);
    acct.auth = null;
    acct.permissions.delete(name);
    this.undo.record(() => {
      acct.auth = null;
      acct.permissions.set(name, old);
    });
    this.addRam(acct.name, -(PERMISSION_RAM_BYTES + authorityBillableSize(old.auth)));
  }

  /** Sets (or, with `requirement` null, removes) the link `code:type` → permission. */
  setLink(acct: AccountRecord, code: string, type: string, requirement: string | null): void {
    const key = `${code}:${type}`;
    const old = acct.links.get(key);
    this.changing(acct);
    acct.auth = null;
    if (requirement === null) acct.links.delete(key);
    else acct.links.set(key, requirement);
    this.undo.record(() => {
      acct.auth = null;
      if (old === undefined) acct.links.delete(key);
      else acct.links.set(key, old);
    });
    const delta = (requirement === null ? 0 : 1) - (old === undefined ? 0 : 1);
    this.addRam(acct.name, delta * PERMISSION_LINK_RAM_BYTES);
  }

  /** Leap `lookup_linked_permission`: the exact link, else the code-wide link, else undefined. */
  linkedPermission(acct: AccountRecord, code: string, type: string): string | undefined {
    return acct.links.get(`${code}:${type}`) ?? acct.links.get(`${code}:`);
  }

  /**
   * The state digest (state-digest.ts): two nodes agree on it exactly when their states hold the
   * same records. Costs one hash per account changed since the last call; the tables' part is
   * already current. Used to check replay, snapshots and restarts.
   */
  digest(): Uint8Array {
    this.rehashDirty();
    const { active, proposed } = this.producers;
    const hs = this.hashedSchedules;
    if (!hs || hs.active !== active || hs.proposed !== proposed) {
      if (hs) this.records.remove(hs.hash);
      const hash = producersRecordHash(active, proposed);
      this.records.add(hash);
      this.hashedSchedules = { active, proposed, hash };
    }
    return stateDigestOf(this.records, this.globalSequence);
  }

  /** Rehashes the accounts changed since the last rehash into the digest's sum (one hash each). */
  private rehashDirty(): void {
    for (const name of this.dirty) {
      const old = this.accounts.summedHash(name);
      if (old) this.records.remove(old);
      const a = this.accounts.peek(name);
      if (a) {
        const h = accountRecordHash(a, this.resourceLimits.find(name));
        this.records.add(h);
        a.recordHash = h;
      }
      this.accounts.summed(name);
    }
    this.dirty.clear();
  }

  /** The same digest computed from scratch over every record (tests and audits; O(state)). */
  recomputeDigest(): Uint8Array {
    const acc = new HashAccumulator();
    for (const a of this.accounts.values()) acc.add(accountRecordHash(a, this.resourceLimits.find(a.name), true));
    for (const t of this.tables.allTables()) {
      acc.add(tableRecordHash(t));
      for (const r of t.rowsInOrder()) acc.add(rowRecordHash(t, r));
    }
    for (const ix of this.tables.allIndexes()) {
      acc.add(indexRecordHash(ix));
      for (const e of ix.entries()) acc.add(indexEntryRecordHash(ix, e));
    }
    acc.add(producersRecordHash(this.producers.active, this.producers.proposed));
    return stateDigestOf(acc, this.globalSequence);
  }
}

/** sha256 of the ABI bytes, remembered per ABI object (an ABI is replaced, never changed in place). */
const abiHashes = new WeakMap<Uint8Array, Uint8Array>();
const NO_ABI_HASH = new Uint8Array(32);
function abiHashOf(abi: Uint8Array | null): Uint8Array {
  if (!abi) return NO_ABI_HASH;
  let h = abiHashes.get(abi);
  if (!h) abiHashes.set(abi, (h = sha256(abi)));
  return h;
}

/**
 * An account record: its fields, its permissions and links in name order, then its resource limits
 * when set. The permissions and links come from `a.auth` when it has them (unchanged since encoded,
 * account-auth.ts), or, with `fromMaps` (a recompute), always from the maps.
 */
function accountRecordHash(a: AccountRecord, limits: AccountResourceLimits | undefined, fromMaps = false): Uint8Array {
  const w = accountRecordWriter();
  w.string(a.name);
  w.bool(a.privileged);
  w.raw(a.codeHash);
  w.raw(abiHashOf(a.abi));
  w.i64(BigInt(a.ramUsage));
  w.u32(a.recvSequence);
  w.u32(a.authSequence);
  w.u32(a.codeSequence);
  w.u32(a.abiSequence);
  w.i64(BigInt(a.creation));
  w.i64(BigInt(a.lastCodeUpdate));
  if (a.auth && !fromMaps) w.rawLatin1(a.auth);
  else writeAuth(w, a);
  if (limits) {
    w.i64(limits.ramBytes);
    w.i64(limits.netWeight);
    w.i64(limits.cpuWeight);
  }
  return sha256(w.peek());
}
