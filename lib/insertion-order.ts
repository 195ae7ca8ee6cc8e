/**
 * Keys in the order they were last added, with the oldest in O(1): for bounded first-in-first-out
 * sets and for retention by age. A `Map`'s own order would do, but its first key costs a walk over
 * the holes its earlier deletions left (up to its capacity, until it rehashes): used as a FIFO at
 * 100,000 keys that measured 85 µs per eviction on this project's 2-core machine. Here each key
 * carries the number of its last addition, the order is a queue of (key, number) pairs, and a pair
 * whose key was deleted or added again since is stale: skipped when reached (a chunk of the queue
 * passed whole is dropped), and dropped when the queue is compacted (once stale pairs outnumber
 * live keys).
 *
 * Given a hash of the keys, the key → number map is a `ShardedMap` (lib/sharded-map.ts): a map of
 * 100,000 keys churned first in, first out rebuilds its table now and then inside one `set` or
 * `delete`, up to 22 ms on this machine (two such maps in lockstep: twice that), where a shard's
 * rebuild is a 64th of it.
 */

import { pushChunked } from './chunked.js';
import { ShardedMap } from './sharded-map.js';

/** Stale queue pairs beyond which a compaction is worth its copy. */
const COMPACT_SLACK = 1024;

/**
 * Pairs per chunk of the queue. One array of every pair grew by copying itself whole (a new
 * backing store of a megabyte at 100,000 keys, its fresh pages faulted in: 10 ms inside one `add`
 * on this machine); chunks grow one at a time, and a chunk passed whole is dropped.
 */
export const ORDER_CHUNK = 4096;

export class InsertionOrder<K> {
  readonly #seqOf: ShardedMap<K, number>;
  /** The queue of (key, number) pairs, oldest first, in chunks of at most `ORDER_CHUNK`. */
  #keys: K[][] = [[]];
  #seqs: number[][] = [[]];
  /** Pairs of the first chunk already passed. */
  #head = 0;
  /** Pairs queued from `#head` on. */
  #queued = 0;
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
    // both lists take the same chunk boundaries: they always have the same length
    pushChunked(this.#keys, key, ORDER_CHUNK);
    pushChunked(this.#seqs, seq, ORDER_CHUNK);
    this.#queued++;
    // mostly stale (keys added again or deleted, none reached): keep the live pairs, in order
    if (this.#queued - this.#seqOf.size > this.#seqOf.size + COMPACT_SLACK) this.#compact();
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: K): boolean {
    return this.#seqOf.delete(key);
  }

  /** The oldest key, if any. */
  oldest(): K | undefined {
    for (;;) {
      const keys = this.#keys[0]!;
      const seqs = this.#seqs[0]!;
      for (; this.#head < keys.length; this.#head++, this.#queued--) {
        const key = keys[this.#head]!;
        if (this.#seqOf.get(key) === seqs[this.#head]) return key;
      }
      if (this.#keys.length === 1) return undefined;
      this.#keys.shift(); // a chunk passed whole
      this.#seqs.shift();
      this.#head = 0;
    }
  }

  /** The keys, oldest first. */
  *keys(): IterableIterator<K> {
    for (const [key] of this.#live()) yield key;
  }

  /** The live (key, number) pairs, oldest first. */
  *#live(): IterableIterator<[K, number]> {
    for (let c = 0; c < this.#keys.length; c++) {
      const keys = this.#keys[c]!;
      const seqs = this.#seqs[c]!;
      for (let i = c === 0 ? this.#head : 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (this.#seqOf.get(key) === seqs[i]) yield [key, seqs[i]!];
      }
    }
  }

  #compact(): void {
    const keys: K[][] = [[]];
    const seqs: number[][] = [[]];
    let queued = 0;
    for (const [key, seq] of this.#live()) {
      pushChunked(keys, key, ORDER_CHUNK);
      pushChunked(seqs, seq, ORDER_CHUNK);
      queued++;
    }
    this.#keys = keys;
    this.#seqs = seqs;
    this.#head = 0;
    this.#queued = queued;
  }
}
