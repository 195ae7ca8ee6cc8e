/**
 * What get_transaction_status reports (Leap's trx_finality_status_processing): each transaction
 * this node applied, locally (in the pending block) or in a block, kept while recent. Leap keeps
 * successful transactions `transaction-finality-status-success-duration-sec` (180 s by default)
 * after their block; this does the same by block time, and caps the count so a flood cannot grow
 * memory without bound.
 */

/** Leap's default `transaction-finality-status-success-duration-sec`. */
export const STATUS_RETENTION_MS = 180_000;
/** At most this many transactions are tracked; the oldest go first. */
export const MAX_TRACKED_TRANSACTIONS = 100_000;

export interface TrackedTransaction {
  /** Seconds since the epoch. */
  expiration: number;
  /** The block it is in (or the pending block's number while LOCALLY_APPLIED). */
  blockNum: number;
  /** Set once the block is sealed or applied. */
  block?: { id: Uint8Array; timeMs: number };
}

export class TransactionStatus {
  readonly #byId = new Map<string, TrackedTransaction>();

  /** Applied into the pending block `blockNum`. */
  applied(id: string, expiration: number, blockNum: number): void {
    this.#byId.delete(id); // re-insert: the map stays in application order
    this.#byId.set(id, { expiration, blockNum });
    if (this.#byId.size > MAX_TRACKED_TRANSACTIONS) this.#byId.delete(this.#byId.keys().next().value!);
  }

  /** Block `num` (id, time) now holds the transactions applied for it; `ids` names those applied elsewhere (a replayed or received block). */
  included(num: number, id: Uint8Array, timeMs: number, ids: Iterable<[string, number]> = []): void {
    for (const [txid, expiration] of ids) this.applied(txid, expiration, num);
    for (const t of this.#byId.values()) if (t.blockNum === num && !t.block) t.block = { id, timeMs };
    // forget transactions whose block is older than the retention, oldest first
    for (const [txid, t] of this.#byId) {
      if (!t.block || t.block.timeMs > timeMs - STATUS_RETENTION_MS) break;
      this.#byId.delete(txid);
    }
  }

  get(id: string): TrackedTransaction | undefined {
    return this.#byId.get(id);
  }

  /** The block number of the oldest tracked transaction in a block. */
  earliestBlock(): number | undefined {
    for (const t of this.#byId.values()) if (t.block) return t.blockNum;
    return undefined;
  }
}
