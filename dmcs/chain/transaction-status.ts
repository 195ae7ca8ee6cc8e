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
  /** Set once the block is sealed or applied (one object per block, shared: never changed). */
  block?: { readonly id: Uint8Array; readonly timeMs: number };
}

/** A tracked transaction with its number in the order of application (`TransactionStatus`'s queue). */
interface Tracked extends TrackedTransaction {
  readonly seq: number;
}

export class TransactionStatus {
  readonly #byId = new Map<string, Tracked>();
  /** block number → ids applied for it and not yet in a sealed or applied block, so `included` costs the block, not every tracked transaction. */
  readonly #unsealed = new Map<number, Set<string>>();
  /**
   * The ids in the order they were applied, each with its `seq` (an id applied again, or dropped,
   * leaves a stale entry, skipped when reached), from `#head` on: the oldest in O(1). Not the map's
   * own order: a `Map`'s first entry costs a walk over the holes its earlier deletions left, and
   * at the cap (100,000 tracked) evicting the oldest that way cost 34.8 µs per transaction against
   * 3.1 µs now (a replay of 500-transfer blocks reaches the cap after 200 blocks).
   */
  #queueIds: string[] = [];
  #queueSeqs: number[] = [];
  #head = 0;
  #seq = 0;

  /** Applied into the pending block `blockNum`. */
  applied(id: string, expiration: number, blockNum: number): void {
    this.#drop(id); // re-insert: it becomes the newest
    const seq = this.#seq++;
    this.#byId.set(id, { expiration, blockNum, seq });
    this.#queueIds.push(id);
    this.#queueSeqs.push(seq);
    let ids = this.#unsealed.get(blockNum);
    if (!ids) this.#unsealed.set(blockNum, (ids = new Set()));
    ids.add(id);
    if (this.#byId.size > MAX_TRACKED_TRANSACTIONS) this.#drop(this.#oldest()![0]);
    this.#compact();
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
    for (let o = this.#oldest(); o !== undefined; o = this.#oldest()) {
      const t = o[1];
      if (!t.block || t.block.timeMs > timeMs - STATUS_RETENTION_MS) break;
      this.#drop(o[0]);
    }
    this.#compact();
  }

  /** The oldest tracked transaction (stale queue entries before it are passed). */
  #oldest(): [string, Tracked] | undefined {
    const ids = this.#queueIds;
    for (; this.#head < ids.length; this.#head++) {
      const id = ids[this.#head]!;
      const t = this.#byId.get(id);
      if (t !== undefined && t.seq === this.#queueSeqs[this.#head]) return [id, t];
    }
    return undefined;
  }

  /** Drops the queue's passed part once it is most of it, and rebuilds it once stale entries outnumber the tracked ones. */
  #compact(): void {
    const n = this.#queueIds.length;
    if (n - this.#head > 2 * this.#byId.size + 1024) {
      // many ids applied again with none evicted: keep only the live entries, in order
      const live = this.#queueIds.map((id, i) => [id, this.#queueSeqs[i]!] as const).slice(this.#head);
      const kept = live.filter(([id, seq]) => this.#byId.get(id)?.seq === seq);
      this.#queueIds = kept.map(([id]) => id);
      this.#queueSeqs = kept.map(([, seq]) => seq);
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > n) {
      this.#queueIds = this.#queueIds.slice(this.#head);
      this.#queueSeqs = this.#queueSeqs.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Stops tracking `id` (and takes it out of its block's unsealed set). */
  #drop(id: string): void {
    const t = this.#byId.get(id);
    if (!t) return;
    this.#byId.delete(id);
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
    for (let i = this.#head; i < this.#queueIds.length; i++) {
      const t = this.#byId.get(this.#queueIds[i]!);
      if (t !== undefined && t.seq === this.#queueSeqs[i] && t.block) return t.blockNum;
    }
    return undefined;
  }
}
