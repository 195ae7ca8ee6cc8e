/**
 * The on-disk ordered key-value store under the state (LMDB through `lmdb`): synchronous reads
 * from a memory map (contract intrinsics are synchronous), byte-ordered keys, ranges read in
 * batches, and writes only as one atomic batch (`commit`). One environment per chain, in its own
 * folder.
 *
 * Used today as a spill store: opening it empties it, because the state it holds is rebuilt from
 * the block log (or a snapshot) at every start; it is opened without fsync for the same reason.
 */
import { mkdirSync } from 'node:fs';
import { open, type Database } from 'lmdb';

/** Entries read per range batch (`range` yields between batches; no read transaction spans them). */
export const STORE_RANGE_BATCH = 256;

export class OrderedStore {
  private readonly db: Database<Uint8Array, Uint8Array>;
  private closed = false;

  /** Opens (and empties) the store in `dir`. */
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = open<Uint8Array, Uint8Array>({ path: dir, keyEncoding: 'binary', encoding: 'binary', noSync: true, compression: false });
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

  /** Entries with keys in [start, end), in key order, read `STORE_RANGE_BATCH` at a time. */
  *range(start: Uint8Array, end: Uint8Array): Generator<{ key: Uint8Array; value: Uint8Array }> {
    let from = start;
    let exclusive = false;
    for (;;) {
      const batch = [...this.db.getRange({ start: from, end, exclusiveStart: exclusive, limit: STORE_RANGE_BATCH })].map((e) => ({
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
