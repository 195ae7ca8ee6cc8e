/**
 * The ids of transactions still unexpired (the duplicate check, Leap's `transaction_multi_index`):
 * id → entry in a sharded map, and every entry in a bucket of its expiration second, in the order
 * added, so expiring costs one step per id that expired, not a walk over every id, and a head
 * looks at no more than `EXPIRE_STEP` of them (a flood due at one second expires over several).
 * A bucket is a list of chunks (`BUCKET_CHUNK`), so neither it nor the map grows by copying itself
 * whole. With Leap's hour of lifetime, a node at a thousand transactions a second holds 3.6
 * million ids: kept in one `Map` and one min-heap array, a block of that flood took up to 1.5-2.3 s
 * outside the collector's pauses (at 120,000 ids, 25-27 ms); sharded and bucketed, up to 65 and
 * 7 ms (`scripts/recent-flood.mjs`, docs/dmcs.md). The buckets are lazy: an id removed by a
 * rollback (an aborted pending block, a popped block) leaves its entry behind, recognised as stale
 * (the map no longer holds that very entry) when its bucket expires; the buckets are compacted
 * when stale entries outnumber live ones by `STALE_SLACK`, so they stay O(live ids).
 *
 * A snapshot does not copy the ids when it starts: `beginCapture` opens a copy-on-write view of the
 * ids at block N, like the state's capture (snapshot-capture.ts). While it is open, ids added are
 * stamped as born after N, and an id removed before the writer reached it (expired or rolled back)
 * is kept for the writer; `batches` walks the live ids in slices, by expiration and then in the
 * order added (so a file's order does not depend on this process's shard hash), then those kept.
 */

import { pushChunked } from '../../lib/chunked.js';
import { ShardedMap, idHash } from '../../lib/sharded-map.js';

/** How many stale bucket entries (beyond the live ids) are tolerated before the buckets are compacted. */
export const STALE_SLACK = 4096;

/** Entries per chunk of a bucket: a chunk grows by copying at most this many pointers. */
export const BUCKET_CHUNK = 1024;

/**
 * Entries a new head looks at, at most, to expire ids (about 10-20 ms of work): a node expires a
 * few hundred to a few thousand a block, but every sender may give the same expiration second, and
 * millions of ids due at once would hold one block for seconds.
 */
export const EXPIRE_STEP = 10_000;

/** An id added to (`present`) or removed from the set, with its expiration (seconds). */
export interface RecentChange {
  readonly id: string;
  readonly exp: number;
  readonly present: boolean;
}

/** A transaction id (hex) and its expiration (seconds), as a snapshot records it. */
export interface RecentId {
  readonly id: string;
  readonly exp: number;
}

interface Entry extends RecentId {
  /** The epoch of the last capture that handled this id (written, kept, or born after its block). */
  epoch: number;
}

let lastEpoch = 0;

/** A frozen view of the ids at the block a snapshot was started at. */
export class RecentCapture {
  readonly epoch = ++lastEpoch;
  /** Ids removed after N before the writer reached them (the entries themselves: nothing else holds them). */
  readonly kept: RecentId[] = [];
  closed = false;

  constructor(private readonly owner: RecentTransactions) {}

  /**
   * The ids at N in batches of at most `batch`, stamping each as written; ends with the kept ones.
   * The live ids may change between two batches (the caller yields to block production). One array
   * is refilled for every batch and holds the entries themselves (no copy per id: a snapshot walks
   * every unexpired id, and the copies were about 5% of the scale bench's garbage): the consumer reads a
   * batch before it asks for the next.
   */
  *batches(batch: number): Generator<readonly RecentId[]> {
    const out: RecentId[] = [];
    const owner = this.owner;
    // the seconds with ids now; a bucket made later holds only ids born after N, and the live ids
    // of one gone by then (expired) were kept
    for (const sec of owner.secondsInOrder()) {
      // the chunks as they are at this second's turn: a compaction may replace them meanwhile, but
      // it drops only stale entries, and ids added later are born after N
      const chunks = owner.bucketAt(sec);
      if (chunks === undefined) continue;
      for (let c = 0; c < chunks.length; c++) {
        const chunk = chunks[c]!;
        for (let i = 0; i < chunk.length; i++) {
          const e = chunk[i]!;
          // stamped: written, kept or born after N; else not live: removed before N
          if (e.epoch === this.epoch || !owner.holds(e)) continue;
          e.epoch = this.epoch;
          out.push(e);
          if (out.length >= batch) {
            yield out;
            out.length = 0;
          }
        }
      }
    }
    // every live id is stamped now, so nothing joins `kept` while it is walked
    for (const k of this.kept) {
      out.push(k);
      if (out.length >= batch) {
        yield out;
        out.length = 0;
      }
    }
    if (out.length > 0) yield out;
  }

  close(): void {
    this.closed = true;
    this.kept.length = 0;
    this.owner.endCapture(this);
  }
}

export class RecentTransactions {
  private readonly byId = new ShardedMap<string, Entry>(idHash);
  /** Entries by expiration second, each in chunks in the order added (stale ones included, see the file comment). */
  private buckets = new Map<number, Entry[][]>();
  /** Min-heap of the seconds that have a bucket (at most about the lifetime's seconds: thousands). */
  private seconds: number[] = [];
  /** Entries in the buckets that the map no longer holds. */
  private stale = 0;
  private capture: RecentCapture | null = null;
  /**
   * With a state store: the (id, expiration) pairs added (present) or removed since the last
   * `takeChanges`, the last change of each pair winning (the store keys ids by expiration first).
   */
  private changes: Map<string, RecentChange> | null = null;

  /** Changes kept for the next commit (`takeChanges`). */
  get changeCount(): number {
    return this.changes?.size ?? 0;
  }

  /** Starts keeping the changes a state store writes at its next commit (`takeChanges`). */
  trackChanges(): void {
    this.changes ??= new Map();
  }

  /** The ids added and removed since the last call, each with its expiration; O(those). */
  takeChanges(): Iterable<RecentChange> {
    const c = this.changes;
    if (c === null) return [];
    this.changes = new Map();
    return c.values();
  }

  private changed(id: string, exp: number, present: boolean): void {
    this.changes?.set(`${exp} ${id}`, { id, exp, present });
  }

  /** Live ids. */
  get size(): number {
    return this.byId.size;
  }

  /** Entries in the buckets, live and stale, counted one by one (tests check it stays bounded). */
  get slots(): number {
    let n = 0;
    for (const chunks of this.buckets.values()) for (const chunk of chunks) n += chunk.length;
    return n;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  expirationOf(id: string): number | undefined {
    return this.byId.get(id)?.exp;
  }

  /** Adds (or replaces) `id` expiring at `exp` seconds. */
  add(id: string, exp: number): void {
    const old = this.byId.get(id);
    if (old) {
      this.forget(old);
      this.changed(id, old.exp, false);
      this.stale++;
    }
    const e: Entry = { id, exp, epoch: this.capture?.epoch ?? 0 };
    this.byId.set(id, e);
    this.changed(id, exp, true);
    this.place(e);
    if (old) this.compactIfStale();
  }

  /**
   * Drops `id` from memory without a change for the store, which keeps it (stored-recent.ts: its
   * block is irreversible and a commit holding it landed); its bucket entry goes stale.
   */
  evict(id: string): boolean {
    const e = this.byId.get(id);
    if (!e) return false;
    this.forget(e);
    this.byId.delete(id);
    this.stale++;
    this.compactIfStale();
    return true;
  }

  /** The earliest expiration second with a bucket (live or stale entries), or undefined when none. */
  get oldestSecond(): number | undefined {
    return this.seconds[0];
  }

  /** Removes `id` (a rollback); its bucket entry goes stale. */
  delete(id: string): boolean {
    const e = this.byId.get(id);
    if (!e) return false;
    this.forget(e);
    this.byId.delete(id);
    this.changed(id, e.exp, false);
    this.stale++;
    this.compactIfStale();
    return true;
  }

  /**
   * Removes the ids expiring at or before `nowSec`, oldest second first, looking at no more than
   * `max` entries (stale ones count): the rest stay until the next call, as Leap clears expired ids
   * under a deadline. Returns how many ids it removed. An id left over expired answers `has` until
   * then, which only a transaction of that id, expired as well, can ask.
   */
  expire(nowSec: number, max: number = EXPIRE_STEP): number {
    let n = 0;
    let looked = 0;
    while (this.seconds.length > 0 && this.seconds[0]! <= nowSec) {
      const sec = this.seconds[0]!;
      const chunks = this.buckets.get(sec)!;
      for (let c = 0; c < chunks.length; c++) {
        const chunk = chunks[c]!;
        for (let i = 0; i < chunk.length; i++) {
          if (looked++ === max) {
            // the rest of this second waits for the next call (new arrays: a capture may be walking these)
            this.buckets.set(sec, [chunk.slice(i), ...chunks.slice(c + 1)]);
            return n;
          }
          const e = chunk[i]!;
          if (this.byId.get(e.id) !== e) {
            this.stale--; // removed or replaced already
            continue;
          }
          this.forget(e);
          this.byId.delete(e.id);
          this.changed(e.id, e.exp, false);
          n++;
        }
      }
      this.popSecond();
      this.buckets.delete(sec);
    }
    return n;
  }

  /** Every live id with its expiration, in no particular order. */
  *entries(): IterableIterator<[string, number]> {
    for (const e of this.byId.values()) yield [e.id, e.exp];
  }

  /** Whether `e` is the live entry of its id (the capture's walk). */
  holds(e: Entry): boolean {
    return this.byId.get(e.id) === e;
  }

  /** The seconds that have a bucket now, ascending (the capture's walk). */
  secondsInOrder(): number[] {
    return this.seconds.slice().sort((a, b) => a - b);
  }

  /** The chunks of second `sec`'s bucket, if it has one. */
  bucketAt(sec: number): readonly (readonly Entry[])[] | undefined {
    return this.buckets.get(sec);
  }

  /** Opens a copy-on-write view of the ids as they are now; null while another is open. */
  beginCapture(): RecentCapture | null {
    if (this.capture) return null;
    this.capture = new RecentCapture(this);
    return this.capture;
  }

  endCapture(c: RecentCapture): void {
    if (this.capture === c) this.capture = null;
  }

  /** Before `e` leaves the map: a capture that has not written it keeps it. */
  private forget(e: Entry): void {
    const c = this.capture;
    if (c !== null && e.epoch !== c.epoch) {
      c.kept.push(e);
      e.epoch = c.epoch;
    }
  }

  /** Appends `e` to its second's bucket. */
  private place(e: Entry): void {
    const chunks = this.buckets.get(e.exp);
    if (chunks === undefined) {
      this.buckets.set(e.exp, [[e]]);
      this.pushSecond(e.exp);
      return;
    }
    pushChunked(chunks, e, BUCKET_CHUNK);
  }

  /**
   * Keeps only the live entries, each bucket's in their order, once stale ones outnumber the live
   * ones by `STALE_SLACK`: O(entries), paid for by that many removals. New arrays throughout (an
   * open capture may be walking the old ones).
   */
  private compactIfStale(): void {
    if (this.stale <= this.byId.size + STALE_SLACK) return;
    const buckets = new Map<number, Entry[][]>();
    for (const [sec, chunks] of this.buckets) {
      const kept: Entry[][] = [];
      for (const chunk of chunks) for (const e of chunk) if (this.byId.get(e.id) === e) pushChunked(kept, e, BUCKET_CHUNK);
      if (kept.length > 0) buckets.set(sec, kept);
    }
    this.buckets = buckets;
    // ascending: a valid min-heap
    this.seconds = [...buckets.keys()].sort((a, b) => a - b);
    this.stale = 0;
  }

  private pushSecond(sec: number): void {
    const h = this.seconds;
    let i = h.length;
    h.push(sec);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]! <= sec) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = sec;
  }

  private popSecond(): number {
    const h = this.seconds;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && h[r]! < h[l]! ? r : l;
        if (h[c]! >= last) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
