/**
 * The on-disk ordered key-value store under the state (LMDB through `lmdb`): synchronous reads
 * from a memory map (contract intrinsics are synchronous), byte-ordered keys, ranges read in
 * batches, and writes only as one atomic batch (`commit`). One environment per chain, in its own
 * folder.
 *
 * The persistent home of the state (chain-state.ts, store-commit.ts): a commit writes the changed
 * records and the commit record (block, digest, …) in one transaction, so after a crash the store
 * holds the last commit whole or the one before it whole (LMDB flips one meta page last). The
 * transaction runs on LMDB's writer thread, not the caller's (`commit` queues the writes and returns
 * a promise that settles once they are committed and flushed to disk): the block thread pays for
 * queueing the bytes, never for the write or the fsync. Opening it keeps what it holds; `clear`
 * empties it when the state is rebuilt from elsewhere (no commit in flight then).
 */
import { mkdirSync } from 'node:fs';
import { open, type Database } from 'lmdb';

/** lmdb-js's read into its shared buffer, which its types leave out of the options it takes. */
interface FastReads {
  getBinaryFast(key: Uint8Array, options?: { transaction: LmdbView['txn'] }): Uint8Array | undefined;
}

/**
 * A consistent read of the store as it was when the view was taken (an LMDB read transaction):
 * commits made afterwards are not seen through it. `done()` releases it (a view held open keeps
 * the pages it sees from being reused, so the file grows while it lives).
 */
export interface StoreView {
  done(): void;
}

interface LmdbView extends StoreView {
  readonly txn: ReturnType<Database<Uint8Array, Uint8Array>['useReadTransaction']>;
}

/**
 * The address space the store's file is mapped into, reserved at open (virtual only: the file grows
 * with what it holds, and only touched pages take memory). lmdb-js otherwise starts the map at
 * 128 KiB and doubles it whenever the file outgrows it, and each resize maps the file anew: every
 * page read afterwards faults again (this VM pays 15-30 µs a first touch). Measured: 200 random
 * reads right after a resize took 7.7-8.9 ms against 0.65-0.95 ms with the map reserved, and the
 * reads of 400 growing commits (to 200 MB) 428 against 361 ms. 256 GiB: a state many times a
 * million holders' (about 2 GB), and room for hundreds of stores in a 128 TiB address space. Past
 * it, lmdb-js still grows the map.
 */
export const STORE_MAP_BYTES = 2 ** 38;

/** Entries read per range batch (`range` yields between batches; no read transaction spans them). */
export const STORE_RANGE_BATCH = 256;

export class OrderedStore {
  private readonly db: Database<Uint8Array, Uint8Array>;
  private closed = false;

  /** Opens the store in `dir` (created when missing), as it was left. */
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = open<Uint8Array, Uint8Array>({
      path: dir,
      keyEncoding: 'binary',
      encoding: 'binary',
      compression: false,
      mapSize: STORE_MAP_BYTES,
    });
  }

  /** The bytes of address space the store's file is mapped into now (`STORE_MAP_BYTES` unless it outgrew them). */
  get mapBytes(): number {
    return (this.db.getStats() as { mapSize: number }).mapSize;
  }

  /** Removes every entry, in one transaction (the state is about to be rebuilt from the log or a snapshot). */
  clear(): void {
    this.db.clearSync();
  }

  get(key: Uint8Array): Uint8Array | undefined {
    // one copy out of lmdb-js's read buffer (`get` would copy it into a Buffer, and that again here)
    const v = this.readInPlace(key);
    return v === undefined ? undefined : new Uint8Array(v);
  }

  /** Whether the store holds `key` (its value read in place, not copied). */
  has(key: Uint8Array): boolean {
    return this.readInPlace(key) !== undefined;
  }

  /**
   * `decode` of the value of `key`, read in place: the bytes it gets are lmdb-js's read buffer,
   * valid only until the store's next read, so it copies what it keeps. A cache miss of the state
   * thus makes no array of its own for the whole value: over 64 bytes, a copy gets a backing store
   * outside V8's heap, which cost 3-4 µs per 729-byte account read (in a loop over 100,000
   * accounts kept in a 16,384-entry cache: 1.4-1.6 µs a read in place, 4.8-5.2 with the copy).
   */
  read<T>(key: Uint8Array, decode: (value: Uint8Array) => T): T | undefined {
    const v = this.readInPlace(key);
    return v === undefined ? undefined : decode(v);
  }

  /**
   * The value of `key` (through `view` when given) as a view of lmdb-js's read buffer, which the
   * store's next read overwrites (a value too large for that buffer may come in one of its own).
   */
  private readInPlace(key: Uint8Array, view?: StoreView): Uint8Array | undefined {
    const transaction = (view as LmdbView | undefined)?.txn;
    const v = (this.db as unknown as FastReads).getBinaryFast(key, transaction ? { transaction } : undefined);
    // the shared buffer's own `length` says the value's size, not its bytes': a view of just those,
    // a plain Uint8Array (a Buffer's `slice` is a view, not the copy a reader's `slice` means)
    return v === undefined ? undefined : new Uint8Array(v.buffer, v.byteOffset, v.length);
  }

  /**
   * Writes every entry (a null value removes the key) in one transaction, all or none, on LMDB's
   * writer thread: the entries are queued now (one batch), the promise resolves once the transaction
   * is committed (visible to reads) and flushed to disk (durable), and rejects when it failed.
   * Commits land in the order they were queued.
   */
  async commit(entries: Iterable<readonly [Uint8Array, Uint8Array | null]>): Promise<void> {
    const committed = this.db.batch(() => {
      for (const [k, v] of entries) {
        if (v === null) void this.db.remove(k);
        else void this.db.put(k, v);
      }
    });
    await committed;
    await this.db.flushed;
    this.db.resetReadTxn(); // later reads see it
  }

  /** A read view of the store as it is now (see `StoreView`): of its last commit that landed, when none is queued after it. */
  view(): StoreView {
    this.db.resetReadTxn();
    const txn = this.db.useReadTransaction();
    let open = true;
    const v: LmdbView = {
      txn,
      done: () => {
        if (open) txn.done();
        open = false;
      },
    };
    return v;
  }

  /**
   * Entries with keys in [start, end), in key order, read `STORE_RANGE_BATCH` at a time; through
   * `view` when given (the store as it was then), else as it is at each batch. `reverse` walks
   * down from `end` to `start`, both left out: give bounds that are no entry's keys (a prefix, a
   * key just past a prefix). `firstBatch` reads fewer at first (a reader that may stop at the
   * first entry: a table's bound), four times more at each batch after, up to `STORE_RANGE_BATCH`.
   * `exclusive`: the walk's first bound (`start`, or `end` in reverse) is left out even when it is
   * an entry's key (a step past a record: its key is the bound).
   */
  *range(
    start: Uint8Array,
    end: Uint8Array,
    view?: StoreView,
    reverse = false,
    firstBatch = STORE_RANGE_BATCH,
    exclusive = false,
  ): Generator<{ key: Uint8Array; value: Uint8Array }> {
    const transaction = (view as LmdbView | undefined)?.txn;
    yield* paged(
      reverse ? end : start,
      (e) => e.key,
      (from, exclusiveStart, limit) =>
        Array.from(
          this.db.getRange({
            start: from,
            end: reverse ? start : end,
            reverse,
            exclusiveStart,
            limit,
            ...(transaction ? { transaction } : {}),
          }),
          (e) => ({ key: new Uint8Array(e.key), value: new Uint8Array(e.value) }),
        ),
      firstBatch,
      exclusive,
    );
  }

  /**
   * The keys in [start, end) (through `view` when given), in key order, read `STORE_RANGE_BATCH` at
   * a time (each lmdb-js's own copy, values not read): for a reader that needs the keys alone (the
   * transaction ids a commit expires or a snapshot writes).
   */
  *keys(start: Uint8Array, end: Uint8Array, view?: StoreView): Generator<Uint8Array> {
    const transaction = (view as LmdbView | undefined)?.txn;
    yield* paged(
      start,
      (k) => k,
      (from, exclusiveStart, limit) =>
        Array.from(this.db.getKeys({ start: from, end, exclusiveStart, limit, ...(transaction ? { transaction } : {}) })),
    );
  }

  /**
   * `range(start, end)` as lmdb-js hands the entries out: each key and value already its own copy
   * (a Node `Buffer`), not copied again; for a reader that keeps them (an account or a table
   * decoded from its bytes). A reader that copies them on at once uses `scan`.
   */
  *entries(start: Uint8Array, end: Uint8Array): Generator<{ key: Uint8Array; value: Uint8Array }> {
    yield* paged(
      start,
      (e) => e.key,
      (from, exclusiveStart, limit) =>
        Array.from(this.db.getRange({ start: from, end, exclusiveStart, limit }), (e): { key: Uint8Array; value: Uint8Array } => ({
          key: e.key,
          value: e.value,
        })),
    );
  }

  /**
   * `range(start, end, view)` with each value a view of lmdb-js's read buffer, valid only until
   * the walk's next step; for a reader that copies the bytes on at once (a snapshot writer). The
   * keys come a batch at a time (short: on the JS heap), each value read in place, so no value
   * gets a buffer of its own. Issue 19: a value copied out is a backing store of its own, and
   * 200,000 of them a snapshot at 100,000 holders made the allocator's slow moments the block's:
   * a slice of the walk held one block for 73 ms of CPU inside those copies. Keys that `skip`
   * returns true for are passed over, their values not read (the rows a reader takes with their table).
   */
  *scan(
    start: Uint8Array,
    end: Uint8Array,
    view: StoreView,
    skip?: (key: Uint8Array) => boolean,
  ): Generator<{ key: Uint8Array; value: Uint8Array }> {
    const transaction = (view as LmdbView).txn;
    for (const key of paged<Uint8Array>(
      start,
      (k) => k,
      (from, exclusiveStart, limit) => Array.from(this.db.getKeys({ start: from, end, exclusiveStart, limit, transaction })),
    )) {
      if (skip?.(key)) continue;
      const value = this.readInPlace(key, view);
      if (value !== undefined) yield { key, value }; // always, within one view
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.db.close();
  }
}

/**
 * A walk read a batch at a time: `read(from, exclusive, limit)` gives up to `limit` items from
 * `from` on (past it when `exclusive`: `exclusiveFirst` for the first batch), the next batch
 * starts after the last item's key, and a short batch ends the walk (no read transaction spans two
 * batches). The first batch reads `firstBatch` items, each next one four times more, up to
 * `STORE_RANGE_BATCH`.
 */
function* paged<T>(
  first: Uint8Array,
  keyOf: (item: T) => Uint8Array,
  read: (from: Uint8Array, exclusive: boolean, limit: number) => T[],
  firstBatch = STORE_RANGE_BATCH,
  exclusiveFirst = false,
): Generator<T> {
  let from = first;
  let exclusive = exclusiveFirst;
  let limit = Math.max(1, Math.min(firstBatch, STORE_RANGE_BATCH));
  for (;;) {
    const batch = read(from, exclusive, limit);
    yield* batch;
    if (batch.length < limit) return;
    from = keyOf(batch[batch.length - 1]!);
    exclusive = true;
    limit = Math.min(limit * 4, STORE_RANGE_BATCH);
  }
}
