/**
 * An ordered list of distinct values kept in sorted chunks (the layout of Python's
 * `sortedcontainers`): a short array of chunks of at most `2 × CHUNK_SIZE` values plus the greatest
 * value of each chunk. Finding a value is two binary searches (over chunk maxima, then inside one
 * chunk); inserting or removing moves at most one chunk's values, and a chunk split or merge moves
 * only the chunk array. So building a table in any key order costs O(n log n) in total, where one
 * flat sorted array costs O(n²) in descending order (every insert shifts the whole array).
 *
 * Positions (`at(i)`, `rank`) need the count of values before each chunk: that prefix array is
 * rebuilt lazily, O(n / CHUNK_SIZE), at the first positional read after a write — get_table_rows
 * reads by position, the contract VM never does.
 */

/** Values per chunk after a split (a chunk splits when it reaches twice this). */
export const CHUNK_SIZE = 512;
/** A chunk shrunk below this merges into a neighbour, so deletions leave no trail of tiny chunks. */
const MERGE_BELOW = CHUNK_SIZE / 4;

/** Where a value sits: chunk index and offset inside it. */
interface Spot {
  c: number;
  o: number;
}

export class SortedChunks<T> {
  private chunks: T[][] = [];
  /** The last (greatest) value of each chunk. */
  private maxes: T[] = [];
  /** Values before chunk i; null after a write until the next positional read. */
  private prefix: number[] | null = null;
  private count = 0;

  /** `cmp(a, b)` < 0 when a sorts before b, 0 when they are the same value. */
  constructor(private readonly cmp: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  /** Adds `v` (the caller guarantees no equal value is present). */
  insert(v: T): void {
    const cmp = this.cmp;
    this.prefix = null;
    this.count++;
    const n = this.chunks.length;
    if (n === 0) {
      // arrays of one, not pushes onto empty ones (which reserve 17 slots each): most tables of a
      // large state hold one row (a holder's balance), and a state store's cache holds thousands
      this.chunks = [[v]];
      this.maxes = [v];
      return;
    }
    let c = this.chunkOfFirst((x) => cmp(x, v) < 0);
    if (c === n) c = n - 1; // greater than everything: append to the last chunk
    const chunk = this.chunks[c]!;
    const o = lowerBound(chunk, (x) => cmp(x, v) < 0);
    if (o === chunk.length) {
      chunk.push(v);
      this.maxes[c] = v;
    } else chunk.splice(o, 0, v);
    if (chunk.length >= 2 * CHUNK_SIZE) {
      const upper = chunk.splice(CHUNK_SIZE);
      this.chunks.splice(c + 1, 0, upper);
      this.maxes[c] = chunk[chunk.length - 1]!;
      this.maxes.splice(c + 1, 0, upper[upper.length - 1]!);
    }
  }

  /** Removes the value equal to `v`; returns whether there was one. */
  delete(v: T): boolean {
    const cmp = this.cmp;
    const s = this.spotOfFirst((x) => cmp(x, v) < 0);
    if (!s) return false;
    const chunk = this.chunks[s.c]!;
    if (cmp(chunk[s.o]!, v) !== 0) return false;
    this.prefix = null;
    this.count--;
    chunk.splice(s.o, 1);
    if (chunk.length === 0) {
      this.chunks.splice(s.c, 1);
      this.maxes.splice(s.c, 1);
      return true;
    }
    this.maxes[s.c] = chunk[chunk.length - 1]!;
    if (chunk.length < MERGE_BELOW) this.mergeSmall(s.c);
    return true;
  }

  /** The first value for which `below` is false (`below` must be true for a prefix of the order). */
  first(below: (x: T) => boolean): T | undefined {
    const s = this.spotOfFirst(below);
    return s ? this.chunks[s.c]![s.o] : undefined;
  }

  /** The last value for which `below` is true. */
  lastBelow(below: (x: T) => boolean): T | undefined {
    const s = this.spotOfFirst(below);
    if (!s) return this.last();
    if (s.o > 0) return this.chunks[s.c]![s.o - 1];
    if (s.c === 0) return undefined;
    const prev = this.chunks[s.c - 1]!;
    return prev[prev.length - 1];
  }

  /** The greatest value. */
  last(): T | undefined {
    return this.maxes[this.maxes.length - 1];
  }

  /** The number of values for which `below` is true (the position of `first(below)`). */
  rank(below: (x: T) => boolean): number {
    const s = this.spotOfFirst(below);
    return s ? this.prefixes()[s.c]! + s.o : this.count;
  }

  /** The value at position `i` (0 = least), or undefined outside 0..size-1. */
  at(i: number): T | undefined {
    if (!(i >= 0 && i < this.count)) return undefined;
    const p = this.prefixes();
    // the last chunk starting at or before i
    const c = lowerBound(p, (x) => x <= i) - 1;
    return this.chunks[c]![i - p[c]!];
  }

  /** Every value in order. */
  *values(): IterableIterator<T> {
    for (const chunk of this.chunks) yield* chunk;
  }

  /**
   * The values from the first for which `below` is false on, in order, or with `reverse` from the
   * last for which it is true down: a walk stopped after k values costs O(log n + k), not O(n).
   * The values must not change while it walks.
   */
  *walk(below: (x: T) => boolean, reverse = false): IterableIterator<T> {
    const s = this.spotOfFirst(below);
    if (!reverse) {
      if (!s) return;
      for (let c = s.c, o = s.o; c < this.chunks.length; c++, o = 0) {
        const chunk = this.chunks[c]!;
        for (; o < chunk.length; o++) yield chunk[o]!;
      }
      return;
    }
    let c = s ? s.c : this.chunks.length - 1;
    let o = s ? s.o - 1 : (this.chunks[c]?.length ?? 0) - 1;
    for (; c >= 0; c--, o = (this.chunks[c]?.length ?? 0) - 1) {
      const chunk = this.chunks[c]!;
      for (; o >= 0; o--) yield chunk[o]!;
    }
  }

  /** How many chunks hold the values (tests check they stay compact). */
  get chunkCount(): number {
    return this.chunks.length;
  }

  private chunkOfFirst(below: (x: T) => boolean): number {
    return lowerBound(this.maxes, below);
  }

  private spotOfFirst(below: (x: T) => boolean): Spot | null {
    const c = this.chunkOfFirst(below);
    if (c === this.chunks.length) return null;
    return { c, o: lowerBound(this.chunks[c]!, below) };
  }

  private prefixes(): number[] {
    if (this.prefix) return this.prefix;
    const p: number[] = new Array(this.chunks.length);
    let sum = 0;
    for (let c = 0; c < this.chunks.length; c++) {
      p[c] = sum;
      sum += this.chunks[c]!.length;
    }
    this.prefix = p;
    return p;
  }

  /** Merges small chunk `c` into a neighbour when the two fit in one chunk. */
  private mergeSmall(c: number): void {
    const n = c + 1 < this.chunks.length ? c + 1 : c - 1;
    if (n < 0) return;
    const lo = Math.min(c, n);
    const a = this.chunks[lo]!;
    const b = this.chunks[lo + 1]!;
    if (a.length + b.length >= 2 * CHUNK_SIZE) return;
    for (const v of b) a.push(v);
    this.chunks.splice(lo + 1, 1);
    this.maxes.splice(lo, 1); // a's max is now b's max, which stays at lo
  }
}

/** The first index of `a` for which `below` is false (binary search over a monotone predicate). */
function lowerBound<T>(a: readonly T[], below: (x: T) => boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (below(a[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
