/**
 * Keys in the order they were last added, with the oldest in O(1): for bounded first-in-first-out
 * sets and for retention by age. A `Map`'s own order would do, but its first key costs a walk over
 * the holes its earlier deletions left (up to its capacity, until it rehashes): used as a FIFO at
 * 100,000 keys that measured 85 µs per eviction on this project's 2-core machine. Here each key
 * carries the number of its last addition, the order is a queue of (key, number) pairs, and a pair
 * whose key was deleted or added again since is stale: skipped when reached, and dropped when the
 * queue is compacted (once most of it was passed, or once stale pairs outnumber live keys).
 *
 * Given a hash of the keys, the key → number map is a `ShardedMap` (lib/sharded-map.ts): a map of
 * 100,000 keys churned first in, first out rebuilds its table now and then inside one `set` or
 * `delete`, up to 22 ms on this machine (two such maps in lockstep: twice that), where a shard's
 * rebuild is a 64th of it.
 */

import { ShardedMap } from './sharded-map.js';

/** Queue pairs passed, or stale, beyond which a compaction is worth its copy. */
const COMPACT_SLACK = 1024;

export class InsertionOrder<K> {
  readonly #seqOf: ShardedMap<K, number>;
  #keys: K[] = [];
  #seqs: number[] = [];
  #head = 0;
  #next = 0;

  /** `hash`: the keys' seeded hash (`stringHash`, `u64Hash`) for a sharded map; without it, one `Map`. */
  constructor(hash?: (key: K) => number) {
    this.#seqOf = hash === undefined ? new ShardedMap<K, number>(() => 0, 0) : new ShardedMap<K, number>(hash);
  }

  get size(): number {
    return this.#seqOf.size;
  }

  has(key: K): boolean {
    return this.#seqOf.has(key);
  }

  /** Adds `key` as the newest (moving it there when present). */
  add(key: K): void {
    const seq = this.#next++;
    this.#seqOf.set(key, seq);
    this.#keys.push(key);
    this.#seqs.push(seq);
    this.#compact();
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: K): boolean {
    return this.#seqOf.delete(key);
  }

  /** The oldest key, if any. */
  oldest(): K | undefined {
    for (; this.#head < this.#keys.length; this.#head++) {
      const key = this.#keys[this.#head]!;
      if (this.#seqOf.get(key) === this.#seqs[this.#head]) return key;
    }
    return undefined;
  }

  /** The keys, oldest first. */
  *keys(): IterableIterator<K> {
    for (let i = this.#head; i < this.#keys.length; i++) {
      const key = this.#keys[i]!;
      if (this.#seqOf.get(key) === this.#seqs[i]) yield key;
    }
  }

  #compact(): void {
    const queued = this.#keys.length - this.#head;
    if (queued - this.#seqOf.size > this.#seqOf.size + COMPACT_SLACK) {
      // mostly stale (keys added again or deleted, none reached): keep the live pairs, in order
      const keys: K[] = [];
      const seqs: number[] = [];
      for (let i = this.#head; i < this.#keys.length; i++) {
        const key = this.#keys[i]!;
        if (this.#seqOf.get(key) !== this.#seqs[i]) continue;
        keys.push(key);
        seqs.push(this.#seqs[i]!);
      }
      this.#keys = keys;
      this.#seqs = seqs;
      this.#head = 0;
    } else if (this.#head > COMPACT_SLACK && this.#head * 2 > this.#keys.length) {
      this.#keys = this.#keys.slice(this.#head);
      this.#seqs = this.#seqs.slice(this.#head);
      this.#head = 0;
    }
  }
}
