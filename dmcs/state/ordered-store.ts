/**
 * The on-disk ordered key-value store under the state (LMDB through `lmdb`): synchronous reads
 * from a memory map (contract intrinsics are synchronous), byte-ordered keys, ranges read in
 * batches, and writes only as one atomic batch (`commit`). One environment per chain, in its own
 * folder.
 *
 * The persistent home of the state (chain-state.ts, store-head.ts): a commit writes the changed
 * records and the commit record (block, digest, …) in one transaction, fsynced, so after a crash the
 * store holds the last commit whole or the one before it whole (LMDB flips one meta page last).
 * Opening it keeps what it holds; `clear` empties it when the state is rebuilt from elsewhere.
 */
import { mkdirSync } from 'node:fs';
import { open, type Database } from 'lmdb';

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

/** Entries read per range batch (`range` yields between batches; no read transaction spans them). */
export const STORE_RANGE_BATCH = 256;

export class OrderedStore {
  private readonly db: Database<Uint8Array, Uint8Array>;
  private closed = false;

  /** Opens the store in `dir` (created when missing), as it was left. */
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = open<Uint8Array, Uint8Array>({ path: dir, keyEncoding: 'binary', encoding: 'binary', compression: false });
  }

  /** Removes every entry, in one transaction (the state is about to be rebuilt from the log or a snapshot). */
  clear(): void {
    this.db.clearSync();
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const v = this.db.get(key);
    return v === undefined ? undefined : new Uint8Array(v);
  }

  /** Writes every entry (a null value removes the key) in one transaction: all or none. */
  commit(entries: Iterable<readonly [Uint8Array, Uint8Array | null]>): void {
    this.db.transactionSync(() => {
      for (const [k, v] of entries) {
        if (v === null) this.db.removeSync(k);
        else this.db.putSync(k, v);
      }
    });
  }

  /** A read view of the store as it is now (see `StoreView`). */
  view(): StoreView {
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
   * `view` when given (the store as it was then), else as it is at each batch.
   */
  *range(start: Uint8Array, end: Uint8Array, view?: StoreView): Generator<{ key: Uint8Array; value: Uint8Array }> {
    const transaction = (view as LmdbView | undefined)?.txn;
    let from = start;
    let exclusive = false;
    for (;;) {
      const batch = [
        ...this.db.getRange({
          start: from,
          end,
          exclusiveStart: exclusive,
          limit: STORE_RANGE_BATCH,
          ...(transaction ? { transaction } : {}),
        }),
      ].map((e) => ({
        key: new Uint8Array(e.key),
        value: new Uint8Array(e.value),
      }));
      yield* batch;
      if (batch.length < STORE_RANGE_BATCH) return;
      from = batch[batch.length - 1]!.key;
      exclusive = true;
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.db.close();
  }
}
