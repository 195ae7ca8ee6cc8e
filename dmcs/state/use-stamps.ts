/**
 * Least recently used order by stamps, for the state's bounded caches (accounts, tables). A cache
 * stamps an entry with the next tick of its clock on every use, one field write, instead of moving
 * it to the end of a `Map` (a delete and a set on every read: at a million holders the account
 * cache's reordering alone cost 17 µs of a transfer's CPU). A trim pays for the order once, by
 * selecting the oldest of the stamps of the entries it may drop.
 */

/** Hands out use stamps: 1, 2, 3, ... (never 0, so an entry stamped once is newer than none). */
export class UseClock {
  private ticks = 0;

  tick(): number {
    return ++this.ticks;
  }
}

/**
 * The stamp at or below which the `excess` least recently used of `stamps` lie: every one of them
 * when there are no more than `excess`, none when `excess` is 0 or less. Stamps of one clock are
 * distinct, so exactly min(excess, stamps.length) are at or below it. Reorders `stamps`: a
 * selection in place, linear on average (0.1-0.2 ms for 16,384 stamps where a sort takes 1.3, and
 * a trim runs inside a block's safe point).
 */
export function oldestCut(stamps: Float64Array, excess: number): number {
  if (excess <= 0) return 0;
  if (excess >= stamps.length) return Number.POSITIVE_INFINITY;
  return select(stamps, excess - 1);
}

/** The k-th smallest of `a` (0-based), partitioning in place around the middle of the range (Hoare). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    // [lo, j] holds what is at most the pivot, [i, hi] what is at least; between them, the pivot
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** How much of a trim's work one safe point does (per cache): entries visited, entries dropped. */
export interface TrimPace {
  /** Entries read (their stamps while choosing, then to find the chosen). */
  visits: number;
  /** Entries dropped (more only to bring the cache back to its budget). */
  slice: number;
}

/**
 * A trim of a cache in steps, one a safe point. When the cache first holds more than its budget, a
 * run reads the stamps of its entries, finds the cut below which the least recently used beyond
 * `keep` lie, then walks the cache again dropping those that are not held (`held`: the store does
 * not hold them as memory does, or an undo closure refers to them), each step visiting at most
 * `pace.visits` entries and dropping at most `pace.slice`. Issue 19's stall: at 100,000 holders a
 * trim of ~8,200 entries in one safe point held a block for 20-40 ms; its parts, measured there, are
 * the walk over 16,384 accounts to read their stamps (8-14 ms: objects spread over the heap, a
 * cache miss each), marking the ~1,500 held (1-3 ms) and the drops (2-4 µs each). A cache over its
 * budget by more than a slice (a burst) has its run done in the step that finds it so: the excess
 * goes at once. Approximate, by at most a run's worth: an entry used while the stamps are read
 * counts with its older stamp; a held entry's stamp counts in the cut (held entries are the
 * recently changed, so mostly the newest); entries used after the cut and before their turn stay.
 * The walks follow the cache's live iterators, which skip deleted entries (and may visit some of
 * those added since: newer than the cut, kept).
 */
/** What a trim walks: a `Map`, or a `ShardedMap` (sharded-map.ts). */
export interface TrimmedCache<K, V> {
  readonly size: number;
  entries(): Iterator<[K, V]>;
}

export class TrimRun<K, V extends { cacheUse?: number }> {
  /** 'read': reading stamps; 'drop': dropping those at or below the cut; null: no run. */
  private phase: 'read' | 'drop' | null = null;
  private walk: Iterator<[K, V]> | null = null;
  private stamps = new Float64Array(0);
  private read = 0;
  /** Entries beyond `keep` when the run started. */
  private excess = 0;
  private cut = 0;

  constructor(
    private readonly cache: TrimmedCache<K, V>,
    /** Whether an entry must stay whatever its stamp. */
    private readonly held: (key: K) => boolean,
    /** Removes an entry from the cache (and every map beside it). */
    private readonly drop: (key: K, v: V) => void,
  ) {}

  /** Whether a run is under way (it goes on at the next steps). */
  get running(): boolean {
    return this.phase !== null;
  }

  /**
   * One safe point's share of the run, starting one when the cache holds more than `budget` and none
   * is running (down to `keep`). Returns how many entries it dropped.
   */
  step(budget: number, keep: number, pace: TrimPace): number {
    const cache = this.cache;
    if (this.phase === null) {
      if (cache.size <= budget) return 0;
      this.phase = 'read';
      this.walk = cache.entries();
      this.stamps = new Float64Array(cache.size);
      this.read = 0;
      this.excess = cache.size - keep;
    }
    const over = cache.size - budget;
    let visits = over > pace.slice ? Number.POSITIVE_INFINITY : pace.visits;
    if (this.phase === 'read') visits = this.readStamps(visits);
    if (this.phase !== 'drop') return 0;
    const most = Math.max(pace.slice, over);
    const walk = this.walk!;
    let dropped = 0;
    for (; visits > 0 && dropped < most; visits--) {
      const next = walk.next();
      if (next.done) {
        this.phase = null;
        this.walk = null;
        break;
      }
      const [key, v] = next.value;
      if (v.cacheUse! > this.cut || this.held(key)) continue;
      this.drop(key, v);
      dropped++;
    }
    return dropped;
  }

  /** Reads up to `visits` stamps; at the end of the cache, finds the cut and turns to dropping. Returns the visits left. */
  private readStamps(visits: number): number {
    const walk = this.walk!;
    const stamps = this.stamps;
    for (; visits > 0; visits--) {
      const next = walk.next();
      // entries added since the run started are newer than all it read: not needed for the cut
      if (next.done || this.read === stamps.length) {
        this.cut = oldestCut(stamps.subarray(0, this.read), this.excess);
        this.phase = 'drop';
        this.walk = this.cache.entries();
        this.stamps = new Float64Array(0);
        return visits;
      }
      stamps[this.read++] = next.value[1].cacheUse!;
    }
    return 0;
  }
}
