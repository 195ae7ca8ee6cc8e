/**
 * Scan resistance for the state's bounded caches (accounts, tables, indexes): an entry read back
 * from the store on a miss is on probation until a block after the one that read it uses it again. One that
 * is not is dropped at the first safe point where the store holds it as it is (2Q's admission rule,
 * Johnson and Shasha, VLDB 1994), and its key is remembered among the `ghosts`: read back again
 * while it is remembered, it goes straight to the least recently used order (use-stamps.ts), as an
 * entry used at a distance the probation window is too short to see.
 *
 * Why: a burst of one-time reads (an airdrop, a client paging through many scopes) would otherwise
 * push out the entries used again, since a trim drops the least recently used. It was also built
 * to test a lever for issue 19's stall (what cache misses keep alive long enough for the young
 * generation's collector to copy): measured, it cuts what a scavenge copies at 100,000 holders by
 * about 15% and does not move the stall (docs/dmcs.md, "One-time reads leave at the next safe point").
 */
import { InsertionOrder } from '../../lib/insertion-order.js';
import type { Stamped, TrimmedCache, UseStamps } from './use-stamps.js';

/** A cache's probation holds this share of its budget before a cache over its budget drops from it first (2Q's Kin: a quarter). */
export const PROBATION_SHARE = 0.25;
/** A cache remembers the keys of this share of its budget dropped from probation unused (2Q's Kout: a half). */
export const GHOSTS_SHARE = 0.5;
/** Probation entries one safe point looks at, at most, per cache (the rest wait for the next). */
export const PROBATION_PACE = 4096;

export class Probation<K, V extends Stamped> {
  private keys: K[] = [];
  private entries: V[] = [];
  /** Per entry: the clock's tick at the first safe point after it was read back (0: none yet). */
  private marks: number[] = [];
  /** Keys of entries dropped from probation unused, oldest first (at most `ghostsMax`). */
  private readonly ghosts: InsertionOrder<K>;

  constructor(
    private readonly cache: TrimmedCache<K, V>,
    private readonly stamps: UseStamps<K, V>,
    /** Whether an entry must stay (the store does not hold it as it is, or an undo closure refers to it). */
    private readonly held: (key: K) => boolean,
    /** Removes an entry from the cache and every map beside it (the probation removes its stamp). */
    private readonly drop: (key: K, v: V) => void,
    /** Entries on probation past which a cache over its budget drops them first (2Q's Kin). */
    private readonly share: number,
    /** Keys remembered after their entry was dropped unused. */
    private readonly ghostsMax: number,
    /** The keys' seeded hash: the remembered keys churn first in, first out, in a sharded map (lib/insertion-order.ts). */
    hash?: (key: K) => number,
  ) {
    this.ghosts = new InsertionOrder<K>(hash);
  }

  /** Entries on probation now. */
  get size(): number {
    return this.keys.length;
  }

  /**
   * `v` was read back from the store under `key` and entered the cache (stamped): on probation,
   * unless `key` was dropped from it unused recently (then it is forgotten there and `v` stays as
   * any other entry). Returns whether `v` is on probation.
   */
  admit(key: K, v: V): boolean {
    if (this.ghosts.delete(key)) return false;
    this.keys.push(key);
    this.entries.push(v);
    this.marks.push(0);
    return true;
  }

  /**
   * At a safe point (no action holds an entry): marks the entries read back since the last one,
   * lets those used since their mark go, and drops the others the cache may drop. While the cache
   * holds `over` entries more than its budget and more than `share` entries are on probation, it
   * also drops entries read back since the last safe point (oldest first), as 2Q bounds its
   * probation queue: a burst of one-time reads then leaves before the entries used again (a trim
   * drops the least recently used, which the burst would make the entries used again). Looks at no more
   * than `pace` entries (those it did not reach come first at the next step). Returns how many it dropped.
   */
  step(over = 0, pace: number = PROBATION_PACE): number {
    const now = this.stamps.tick;
    const n = this.keys.length;
    const seen = Math.min(n, pace);
    // those not looked at go first next time, then those looked at and kept
    const keys = this.keys.slice(seen);
    const entries = this.entries.slice(seen);
    const marks = this.marks.slice(seen);
    let dropped = 0;
    let onProbation = n;
    for (let i = 0; i < seen; i++) {
      const key = this.keys[i]!;
      const v = this.entries[i]!;
      let mark = this.marks[i]!;
      // left the cache another way (a trim, a removal: its stamp went with it), or used in a later
      // block: an entry as any other
      const stamp = this.stamps.stampOf(v);
      if (stamp === 0 || (mark !== 0 && stamp > mark)) {
        onProbation--;
        continue;
      }
      if ((mark !== 0 || (dropped < over && onProbation > this.share)) && !this.held(key)) {
        if (this.cache.get(key) === v) this.drop(key, v);
        this.stamps.remove(v);
        this.remember(key);
        dropped++;
        onProbation--;
        continue;
      }
      if (mark === 0) mark = now;
      keys.push(key);
      entries.push(v);
      marks.push(mark);
    }
    this.keys = keys;
    this.entries = entries;
    this.marks = marks;
    return dropped;
  }

  private remember(key: K): void {
    if (this.ghostsMax <= 0) return;
    this.ghosts.add(key);
    if (this.ghosts.size > this.ghostsMax) this.ghosts.delete(this.ghosts.oldest()!);
  }
}
