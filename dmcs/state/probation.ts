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
import { GhostKeys } from './ghost-keys.js';
import type { Stamped, TrimmedCache, UseStamps } from './use-stamps.js';

/** A cache's probation holds this share of its budget before a cache over its budget drops from it first (2Q's Kin: a quarter). */
export const PROBATION_SHARE = 0.25;
/** A cache remembers the keys of about this share of its budget dropped from probation unused (2Q's Kout: a half). */
export const GHOSTS_SHARE = 0.5;
/** Probation entries one safe point looks at, at most, per cache (the rest wait for the next). */
export const PROBATION_PACE = 4096;

/**
 * Entries already passed at the queue's head past which the queue is copied without them (and past
 * half its length: a copy per as many entries passed, amortised O(1) each).
 */
const COMPACT_AFTER = 1024;

export class Probation<K, V extends Stamped> {
  /** The queue, in the order entries were read back: entries from `head` on are on probation. */
  private keys: K[] = [];
  private entries: V[] = [];
  /** Per entry: the clock's tick at the first safe point after it was read back (0: none yet). */
  private marks: number[] = [];
  private head = 0;
  /** Entries from here on were read back since the last step (not marked yet). */
  private unmarked = 0;
  /** Keys of entries dropped from probation unused (about `ghostsMax` of them). */
  private readonly ghosts: GhostKeys<K>;

  constructor(
    private readonly cache: TrimmedCache<K, V>,
    private readonly stamps: UseStamps<K, V>,
    /** Whether an entry must stay (the store does not hold it as it is, or an undo closure refers to it). */
    private readonly held: (key: K) => boolean,
    /** Removes an entry from the cache and every map beside it (the probation removes its stamp). */
    private readonly drop: (key: K, v: V) => void,
    /** Entries on probation past which a cache over its budget drops them first (2Q's Kin). */
    private readonly share: number,
    /** Keys remembered, about, after their entry was dropped unused. */
    ghostsMax: number,
    /** The keys' seeded hash (ghost-keys.ts). */
    hash: (key: K) => number,
  ) {
    this.ghosts = new GhostKeys<K>(Math.max(0, ghostsMax), hash);
  }

  /** Entries on probation now. */
  get size(): number {
    return this.keys.length - this.head;
  }

  /**
   * `v` was read back from the store under `key` and entered the cache (stamped): on probation,
   * unless `key` was dropped from it unused recently (then it is forgotten there and `v` stays as
   * any other entry). Returns whether `v` is on probation.
   */
  admit(key: K, v: V): boolean {
    if (this.ghosts.take(key)) return false;
    this.keys.push(key);
    this.entries.push(v);
    this.marks.push(0);
    return true;
  }

  /**
   * At a safe point (no action holds an entry): lets the entries used since their mark go, drops
   * the others the cache may drop, and marks those read back since the last safe point. Returns how
   * many it dropped.
   *
   * Within its budget the cache walks the queue from its oldest entry and stops at the first it must
   * keep (held): an entry read back is held when its block changed it, until the commit that writes
   * it has landed and no undo refers to it, which happens in the order the blocks came, so the
   * entries behind it are mostly held too. Each entry is then looked at about once as it leaves,
   * not at every safe point while held (every entry a transfer reads back is changed by it: before
   * stop 48 each was asked at every safe point until its commit landed; the steps took 29 µs of a
   * transfer at the 100,000-holder proxy, 8 since: docs/dmcs.md).
   * An entry behind a held one that could go waits (the cache is within its budget).
   *
   * While the cache holds `over` entries more than its budget and more than `share` entries are on
   * probation, it walks past held entries and also drops entries read back since the last safe
   * point (oldest first), as 2Q bounds its probation queue: a burst of one-time reads then leaves
   * before the entries used again (a trim drops the least recently used, which the burst would make
   * the entries used again). Either way it looks at no more than `pace` entries (the rest wait for
   * the next step, in their order).
   */
  step(over = 0, pace: number = PROBATION_PACE): number {
    const dropped = over > 0 && this.size > this.share ? this.sweep(over, pace) : this.walkHead(pace);
    const now = this.stamps.tick;
    for (let i = this.unmarked; i < this.marks.length; i++) this.marks[i] = now;
    this.unmarked = this.marks.length;
    return dropped;
  }

  /** From the oldest entry, while it may leave (left the cache, used since its mark, or droppable). */
  private walkHead(pace: number): number {
    let dropped = 0;
    const end = Math.min(this.unmarked, this.head + pace);
    for (; this.head < end; this.head++) {
      const i = this.head;
      const key = this.keys[i]!;
      const v = this.entries[i]!;
      const stamp = this.stamps.stampOf(v);
      // left the cache another way (a trim, a removal: its stamp went with it), or used in a later
      // block: an entry as any other
      if (!(stamp === 0 || stamp > this.marks[i]!)) {
        if (this.held(key)) break;
        this.dropOne(key, v);
        dropped++;
      }
      this.keys[i] = undefined as unknown as K; // passed: no reference kept until the copy
      this.entries[i] = undefined as unknown as V;
    }
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.keys.length) this.compact();
    return dropped;
  }

  /** Every entry up to `pace` of them, held or not, dropping fresh ones too while the cache is `over` its budget. */
  private sweep(over: number, pace: number): number {
    this.compact();
    const n = this.keys.length;
    const seen = Math.min(n, pace);
    const keys: K[] = [];
    const entries: V[] = [];
    const marks: number[] = [];
    let dropped = 0;
    let onProbation = n;
    let unmarkedKept = 0;
    for (let i = 0; i < seen; i++) {
      const key = this.keys[i]!;
      const v = this.entries[i]!;
      const mark = this.marks[i]!;
      const stamp = this.stamps.stampOf(v);
      if (stamp === 0 || (mark !== 0 && stamp > mark)) {
        onProbation--;
        continue;
      }
      if ((mark !== 0 || (dropped < over && onProbation > this.share)) && !this.held(key)) {
        this.dropOne(key, v);
        dropped++;
        onProbation--;
        continue;
      }
      if (mark === 0) unmarkedKept++;
      keys.push(key);
      entries.push(v);
      marks.push(mark);
    }
    // the order stays the read-back order; the unmarked (a suffix) are marked at the step's end
    const unmarked = seen < this.unmarked ? keys.length + (this.unmarked - seen) : keys.length - unmarkedKept;
    for (let i = seen; i < n; i++) {
      keys.push(this.keys[i]!);
      entries.push(this.entries[i]!);
      marks.push(this.marks[i]!);
    }
    this.keys = keys;
    this.entries = entries;
    this.marks = marks;
    this.unmarked = unmarked;
    return dropped;
  }

  private dropOne(key: K, v: V): void {
    if (this.cache.get(key) === v) this.drop(key, v);
    this.stamps.remove(v);
    this.ghosts.add(key);
  }

  /** Copies the queue without the entries already passed. */
  private compact(): void {
    if (this.head === 0) return;
    this.keys = this.keys.slice(this.head);
    this.entries = this.entries.slice(this.head);
    this.marks = this.marks.slice(this.head);
    this.unmarked -= this.head;
    this.head = 0;
  }
}
