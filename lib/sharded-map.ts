/**
 * A `Map` split into shards by a hash of the key, for big maps that churn: the state's caches, the
 * node's transaction tracking (dmcs/chain/transaction-status.ts) and its duplicate check
 * (dmcs/state/recent-transactions.ts). V8 rebuilds a `Map`'s
 * whole hash table when it grows, when a deletion leaves it under a quarter full, and when deleted
 * entries fill it (compaction): work linear in the table, done inside the one `set` or `delete`
 * that crosses the line. The caches hold a budget's worth of entries (16,384 at 100,000 holders)
 * and churn them every block, and four of their maps change in lockstep (accounts by name and by
 * value, tables by key, a contract's scopes), so at stop 23 all four rebuilt in the same block,
 * 3.5-9 ms each (issue 19's stall; docs/dmcs.md). Split in 64 shards, a rebuild is a shard's size
 * and the shards, each filled by the keys hashing to it, cross their lines at different blocks.
 * A lookup pays for the key's hash: tens of nanoseconds.
 *
 * Only what its users need: get, has, set, delete, size, and iteration (a store-less state's
 * listing; a trim walks its stamps' slots, dmcs/state/use-stamps.ts, not the map). Iteration goes shard after shard (not
 * in insertion order across shards): live like a `Map`'s within a shard, so an entry deleted before
 * its turn is skipped; one added to a shard already passed is not visited.
 */

import { randomInt } from 'node:crypto';

/** log2 of the shards per map: 64 keeps a shard of a 16,384-entry cache at ~256 entries (a rebuild of ~0.05 ms). */
export const SHARD_BITS = 6;

/**
 * This process's seed for the shard hashes. Keys come from outside (account names, scopes chosen by
 * whoever sends transactions); with a public, unseeded hash they could be chosen to fall in one
 * shard, which would bring back the whole map's rebuilds (not a keyed hash: a seed unknown to the
 * sender is enough to make that guesswork). A shard's place is never visible: it orders only
 * a trim's walk, which drops by use stamps.
 */
const SEED = randomInt(2 ** 32);

/** A string's 32-bit hash: FNV-1a from the seed, mixed once more so that the last characters reach the top bits a shard takes. */
export function stringHash(key: string): number {
  return prefixHash(key, key.length);
}

/** How many hex digits of a transaction id `idHash` reads: 64 bits of a SHA-256, more than a sender can make many ids share. */
export const ID_HASH_DIGITS = 16;

/**
 * A transaction id's (64 hex digits) 32-bit hash, from its first `ID_HASH_DIGITS`: as unpredictable
 * without the seed as the whole id's, in a third of the time (31-34 ns a call against 92-103). The
 * tracking and the duplicate check hash each id several times; V8 keeps a string's own hash for a
 * plain `Map`, but not this one. An id shorter than that (a malformed query) is hashed whole.
 */
export function idHash(id: string): number {
  return prefixHash(id, Math.min(id.length, ID_HASH_DIGITS));
}

function prefixHash(key: string, end: number): number {
  let h = 0x811c9dc5 ^ SEED;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
}

/**
 * A u64 seen as its two 32-bit halves (writing a bigint there allocates nothing, unlike `BigInt.asUintN`
 * and `>>`). Low half first on a little-endian machine; on a big-endian one the halves swap, which
 * changes only this process's shard placement.
 */
const U64 = new BigUint64Array(1);
const HALVES = new Uint32Array(U64.buffer);

/**
 * A u64's 32-bit hash (names as values: a short name has only its high bits set, a long one differs
 * in its low ones, so both halves are mixed in). Through a typed array: 17-23 ns a call against
 * 70-80 ns with BigInt arithmetic, which allocated two bigints per call.
 */
export function u64Hash(key: bigint): number {
  U64[0] = key;
  const lo = HALVES[0]!;
  const hi = HALVES[1]!;
  return Math.imul(lo ^ Math.imul(hi ^ SEED, 0x9e3779b1), 0x85ebca6b) >>> 0;
}

export class ShardedMap<K, V> {
  /** Created at the first entry of each (a contract with few scopes does not pay for 64 maps). */
  private readonly shards: Array<Map<K, V> | undefined>;
  /** A hash's bits past those that pick the shard. */
  private readonly shift: number;
  private count = 0;

  constructor(
    /** A key's 32-bit unsigned hash (its top `bits` pick the shard). */
    private readonly hash: (key: K) => number,
    /**
     * log2 of the shards. 0 makes one `Map`, iterated in insertion order, with no hashing: a state
     * without a store keeps that order in its snapshots.
     */
    bits: number = SHARD_BITS,
  ) {
    if (!Number.isInteger(bits) || bits < 0 || bits > 16) throw new RangeError(`shard bits ${bits}: 0 to 16`);
    this.shards = new Array<Map<K, V> | undefined>(1 << bits).fill(undefined);
    this.shift = 32 - bits;
  }

  /** The index of `key`'s shard. */
  private shardOf(key: K): number {
    return this.shift === 32 ? 0 : this.hash(key) >>> this.shift;
  }

  get size(): number {
    return this.count;
  }

  get(key: K): V | undefined {
    return this.shards[this.shardOf(key)]?.get(key);
  }

  has(key: K): boolean {
    return this.shards[this.shardOf(key)]?.has(key) ?? false;
  }

  set(key: K, value: V): this {
    const i = this.shardOf(key);
    let shard = this.shards[i];
    if (shard === undefined) this.shards[i] = shard = new Map();
    const before = shard.size;
    shard.set(key, value);
    this.count += shard.size - before;
    return this;
  }

  delete(key: K): boolean {
    const deleted = this.shards[this.shardOf(key)]?.delete(key) ?? false;
    if (deleted) this.count--;
    return deleted;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const shard of this.shards) if (shard !== undefined) yield* shard.entries();
  }

  *values(): IterableIterator<V> {
    for (const shard of this.shards) if (shard !== undefined) yield* shard.values();
  }
}
