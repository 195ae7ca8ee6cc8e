/**
 * Least recently used order by stamps, for the state's bounded caches (accounts, tables). A cache
 * stamps an entry with the next tick of its clock on every use, one write, instead of moving it to
 * the end of a `Map` (a delete and a set on every read: at a million holders the account cache's
 * reordering alone cost 17 µs of a transfer's CPU). A trim pays for the order once, by selecting
 * the oldest of the stamps of the entries it may drop.
 *
 * The stamps live in one typed array, a slot per cached entry (the entry knows its slot,
 * `cacheSlot`), beside the slot's key and entry: a trim reads 16,384 stamps in one contiguous copy
 * and touches only the entries it drops. Before stop 27 the stamps were a field of each entry, and a
 * trim walked the whole cache twice (once to read every stamp, once to find the oldest again):
 * about eight entry visits per entry dropped, each likely a CPU cache miss (at a million holders,
 * 34 µs of a transfer's block-thread time in trims).
 */

/** An entry of a bounded cache: its slot in the cache's {@link UseStamps} (-1 or absent: none). */
export interface Stamped {
  cacheSlot?: number;
}

/**
 * The use stamps of one cache's entries. Every entry that enters the cache is {@link add}ed, every
 * use {@link use}d, every entry that leaves it {@link remove}d (a trim removes the ones it drops).
 * Ticks are 1, 2, 3, ... (a free slot holds 0, older than any entry).
 */
export class UseStamps<K, V extends Stamped> {
  private ticks = 0;
  /** Per slot: the entry's last use, 0 when the slot is free. */
  private stamps = new Float64Array(256);
  private readonly keys: Array<K | undefined> = [];
  private readonly entries: Array<V | undefined> = [];
  /** Free slots below `top`. */
  private readonly free: number[] = [];
  /** Slots handed out so far (the used part of the arrays). */
  private top = 0;

  /** Entries holding a slot. */
  get size(): number {
    return this.top - this.free.length;
  }

  /** `v` entered the cache under `key`; it counts as used now. */
  add(key: K, v: V): void {
    let s = v.cacheSlot ?? -1;
    if (s < 0 || this.entries[s] !== v) {
      s = this.free.pop() ?? this.top++;
      if (s === this.stamps.length) {
        const grown = new Float64Array(s * 2);
        grown.set(this.stamps);
        this.stamps = grown;
      }
      this.entries[s] = v;
      v.cacheSlot = s;
    }
    this.keys[s] = key;
    this.stamps[s] = ++this.ticks;
  }

  /** `v` (in the cache) was used now. */
  use(v: V): void {
    const s = v.cacheSlot ?? -1;
    if (s >= 0) this.stamps[s] = ++this.ticks;
  }

  /** The clock's last tick (the stamp of the last use). */
  get tick(): number {
    return this.ticks;
  }

  /** `v`'s last use (0: not in the cache). */
  stampOf(v: V): number {
    const s = v.cacheSlot ?? -1;
    return s >= 0 && this.entries[s] === v ? this.stamps[s]! : 0;
  }

  /** `v` left the cache. */
  remove(v: V): void {
    const s = v.cacheSlot ?? -1;
    if (s < 0 || this.entries[s] !== v) return;
    this.stamps[s] = 0;
    this.keys[s] = undefined;
    this.entries[s] = undefined;
    this.free.push(s);
    v.cacheSlot = -1;
  }

  /** The stamp of slot `s` (0: free). */
  stampAt(s: number): number {
    return this.stamps[s]!;
  }

  keyAt(s: number): K {
    return this.keys[s]!;
  }

  entryAt(s: number): V {
    return this.entries[s]!;
  }

  /** How many slots a walk over them covers (free ones included). */
  get slots(): number {
    return this.top;
  }

  /**
   * The stamp at or below which the `excess` least recently used entries lie: every one of them when
   * there are no more than `excess`, none when `excess` is 0 or less. `scratch` is reused between
   * calls (returned grown when too small). Stamps of one clock are distinct, so exactly
   * min(excess, size) entries are at or below it.
   */
  cut(excess: number, scratch: Float64Array): { cut: number; scratch: Float64Array } {
    if (excess <= 0) return { cut: 0, scratch };
    if (excess >= this.size) return { cut: Number.POSITIVE_INFINITY, scratch };
    const buf = scratch.length >= this.top ? scratch : new Float64Array(this.top);
    const view = buf.subarray(0, this.top);
    view.set(this.stamps.subarray(0, this.top));
    // the free slots' zeros are the smallest: the cut lies `excess` past them
    return { cut: oldestCut(view, this.free.length + excess), scratch: buf };
  }
}

/**
 * The stamp at or below which the `excess` smallest of `stamps` lie: every one of them when there
 * are no more than `excess`, none when `excess` is 0 or less. Reorders `stamps`: a selection in
 * place, linear on average (0.1-0.2 ms for 16,384 stamps where a sort takes 1.3, and a trim runs
 * inside a block's safe point).
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
  /** Entries looked at (those whose stamps lie at or below the cut: held or dropped). */
  visits: number;
  /** Entries dropped (more only to bring the cache back to its budget). */
  slice: number;
}

/** What a trim drops from: the cache's entries by key (a `Map`, or a `ShardedMap`: lib/sharded-map.ts). */
export interface TrimmedCache<K, V> {
  readonly size: number;
  get(key: K): V | undefined;
}

/**
 * A trim of a cache in steps, one a safe point. When the cache first holds more than its budget, a
 * run selects the cut below which the least recently used beyond `keep` lie (a copy of the stamps
 * and a selection: 0.1-0.3 ms for 16,384 entries), then walks the slots in order, dropping those at
 * or below the cut that are not held (`held`: the store does not hold them as memory does, or an
 * undo closure refers to them), each step looking at most at `pace.visits` such entries and
 * dropping at most `pace.slice`. A slot whose stamp lies above the cut costs a read of the typed
 * array, not a visit of its entry. Issue 19's stall: at 100,000 holders a trim of ~8,200 entries in
 * one safe point held a block for 20-40 ms. A cache over its budget by more than a slice (a burst)
 * has its run done in the step that finds it so: the excess goes at once. Approximate, by at most a
 * run's worth: a held entry's stamp counts in the cut (held entries are the recently changed, so
 * mostly the newest); entries used after the cut stay (their stamps are read as the walk reaches
 * them). Entries added during the run take free slots or new ones, with stamps above the cut: kept.
 */
export class TrimRun<K, V extends Stamped> {
  private running_ = false;
  /** The next slot the run looks at. */
  private at = 0;
  private cutStamp = 0;
  private scratch: Float64Array = new Float64Array(0);

  constructor(
    private readonly cache: TrimmedCache<K, V>,
    private readonly stamps: UseStamps<K, V>,
    /** Whether an entry must stay whatever its stamp. */
    private readonly held: (key: K) => boolean,
    /** Removes an entry from the cache (and every map beside it; the run removes its stamp). */
    private readonly drop: (key: K, v: V) => void,
  ) {}

  /** Whether a run is under way (it goes on at the next steps). */
  get running(): boolean {
    return this.running_;
  }

  /**
   * One safe point's share of the run, starting one when the cache holds more than `budget` and none
   * is running (down to `keep`). Returns how many entries it dropped.
   */
  step(budget: number, keep: number, pace: TrimPace): number {
    const cache = this.cache;
    if (!this.running_) {
      if (cache.size <= budget) return 0;
      const { cut, scratch } = this.stamps.cut(cache.size - keep, this.scratch);
      this.scratch = scratch;
      this.cutStamp = cut;
      this.at = 0;
      this.running_ = true;
    }
    const over = cache.size - budget;
    let visits = over > pace.slice ? Number.POSITIVE_INFINITY : pace.visits;
    const most = Math.max(pace.slice, over);
    const stamps = this.stamps;
    const cut = this.cutStamp;
    let dropped = 0;
    for (; visits > 0 && dropped < most; this.at++) {
      if (this.at >= stamps.slots) {
        this.running_ = false;
        break;
      }
      const stamp = stamps.stampAt(this.at);
      if (stamp === 0 || stamp > cut) continue; // free, or used since the cut
      visits--;
      const key = stamps.keyAt(this.at);
      if (this.held(key)) continue;
      const v = stamps.entryAt(this.at);
      // an entry that left the cache by a path that did not remove its stamp: only the slot goes
      if (cache.get(key) === v) {
        this.drop(key, v);
        dropped++;
      }
      stamps.remove(v);
    }
    return dropped;
  }
}
