/**
 * What get_transaction_status reports (Leap's trx_finality_status_processing): each transaction
 * this node applied, locally (in the pending block) or in a block, kept while recent. Leap keeps
 * successful transactions `transaction-finality-status-success-duration-sec` (180 s by default)
 * after their block; this does the same by block time, and caps the count so a flood cannot grow
 * memory without bound.
 */
import { InsertionOrder } from '../../lib/insertion-order.js';
import { ShardedMap, idHash } from '../../lib/sharded-map.js';

/** Leap's default `transaction-finality-status-success-duration-sec`. */
export const STATUS_RETENTION_MS = 180_000;
/** At most this many transactions are tracked; the oldest go first. */
export const MAX_TRACKED_TRANSACTIONS = 100_000;

export interface TrackedTransaction {
  /** Seconds since the epoch. */
  expiration: number;
  /** The block it is in (or the pending block's number while LOCALLY_APPLIED). */
  blockNum: number;
  /** Set once the block is sealed or applied (one object per block, shared: never changed). */
  block?: { readonly id: Uint8Array; readonly timeMs: number };
}

export class TransactionStatus {
  /**
   * Sharded, as is `#order`'s map: at the cap both churn first in, first out in lockstep, and a
   * plain `Map` of 100,000 ids rebuilt whole inside one call now and then (lib/sharded-map.ts).
   */
  readonly #byId = new ShardedMap<string, TrackedTransaction>(idHash);
  /** block number → ids applied for it and not yet in a sealed or applied block, so `included` costs the block, not every tracked transaction. */
  readonly #unsealed = new Map<number, Set<string>>();
  /** The tracked ids in the order they were applied: the oldest in O(1) at the cap (lib/insertion-order.ts). */
  readonly #order = new InsertionOrder<string>(idHash);

  /** Applied into the pending block `blockNum`. */
  applied(id: string, expiration: number, blockNum: number): void {
    this.#drop(id); // re-insert: it becomes the newest
    this.#byId.set(id, { expiration, blockNum });
    this.#order.add(id);
    let ids = this.#unsealed.get(blockNum);
    if (!ids) this.#unsealed.set(blockNum, (ids = new Set()));
    ids.add(id);
    if (this.#byId.size > MAX_TRACKED_TRANSACTIONS) this.#drop(this.#order.oldest()!);
  }

  /** Block `num` (id, time) now holds the transactions applied for it; `ids` names those applied elsewhere (a replayed or received block). */
  included(num: number, id: Uint8Array, timeMs: number, ids: Iterable<[string, number]> = []): void {
    for (const [txid, expiration] of ids) this.applied(txid, expiration, num);
    const unsealed = this.#unsealed.get(num);
    if (unsealed) {
      this.#unsealed.delete(num);
      const block = { id, timeMs }; // one per block, shared by its transactions (kept 180 s each)
      for (const txid of unsealed) this.#byId.get(txid)!.block = block;
    }
    // forget transactions whose block is older than the retention, oldest first
    for (let txid = this.#order.oldest(); txid !== undefined; txid = this.#order.oldest()) {
      const t = this.#byId.get(txid)!;
      if (!t.block || t.block.timeMs > timeMs - STATUS_RETENTION_MS) break;
      this.#drop(txid);
    }
  }

  /** Stops tracking `id` (and takes it out of its block's unsealed set). */
  #drop(id: string): void {
    const t = this.#byId.get(id);
    if (!t) return;
    this.#byId.delete(id);
    this.#order.delete(id);
    if (t.block) return;
    const ids = this.#unsealed.get(t.blockNum)!;
    ids.delete(id);
    if (ids.size === 0) this.#unsealed.delete(t.blockNum);
  }

  get(id: string): TrackedTransaction | undefined {
    return this.#byId.get(id);
  }

  /** The block number of the oldest tracked transaction in a block. */
  earliestBlock(): number | undefined {
    for (const id of this.#order.keys()) {
      const t = this.#byId.get(id)!;
      if (t.block) return t.blockNum;
    }
    return undefined;
  }
}
