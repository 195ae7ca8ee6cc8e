/**
 * The ids of transactions still unexpired (the duplicate check, Leap's `transaction_multi_index`):
 * id → expiration (seconds), plus a binary min-heap ordered by expiration, so expiring costs one
 * heap step per id that expired, not a walk over every id. The heap is lazy: an id removed by a
 * rollback (an aborted pending block, a popped block) leaves its heap entry behind, recognised as
 * stale when it reaches the top (the map no longer holds that very entry); the heap is rebuilt from
 * the map when stale entries outnumber live ones (`HEAP_COMPACT_SLACK`), so it stays O(live ids).
 *
 * A snapshot does not copy the ids when it starts: `beginCapture` opens a copy-on-write view of the
 * ids at block N, like the state's capture (snapshot-capture.ts). While it is open, ids added are
 * stamped as born after N, and an id removed before the writer reached it (expired or rolled back)
 * is kept for the writer; `capturedBatches` walks the live ids in slices, then those kept.
 */

/** How many stale heap entries (beyond the live ids) are tolerated before the heap is rebuilt. */
export const HEAP_COMPACT_SLACK = 4096;

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
   * The live map may change between two batches (the caller yields to block production). One array
   * is refilled for every batch and holds the entries themselves (no copy per id: a snapshot walks
   * every unexpired id, and the copies were about 5% of the scale bench's garbage): the consumer reads a
   * batch before it asks for the next.
   */
  *batches(batch: number): Generator<readonly RecentId[]> {
    const out: RecentId[] = [];
    for (const e of this.owner.liveEntries()) {
      if (e.epoch === this.epoch) continue;
      e.epoch = this.epoch;
      out.push(e);
      if (out.length >= batch) {
        yield out;
        out.length = 0;
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
  private readonly byId = new Map<string, Entry>();
  /** Min-heap by `exp` (may hold stale entries, see the file comment). */
  private heap: Entry[] = [];
  private capture: RecentCapture | null = null;
  /**
   * With a state store: the (id, expiration) pairs added (present) or removed since the last
   * `takeChanges`, the last change of each pair winning (the store keys ids by expiration first).
   */
  private changes: Map<string, RecentChange> | null = null;

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

  /** Heap entries, live and stale (tests check it stays bounded). */
  get heapSize(): number {
    return this.heap.length;
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
    }
    const e: Entry = { id, exp, epoch: this.capture?.epoch ?? 0 };
    this.byId.set(id, e);
    this.changed(id, exp, true);
    this.push(e);
    if (this.heap.length > 2 * this.byId.size + HEAP_COMPACT_SLACK) this.rebuild();
  }

  /**
   * Adds `id`, expiring at `exp`, as the state store already holds it (a restart at the store's
   * commit): no change is kept for the next commit. Given oldest first (the store's key order), each
   * joins the heap at its end.
   */
  restore(id: string, exp: number): void {
    const e: Entry = { id, exp, epoch: 0 };
    this.byId.set(id, e);
    this.push(e);
  }

  /** Removes `id` (a rollback); its heap entry goes stale. */
  delete(id: string): boolean {
    const e = this.byId.get(id);
    if (!e) return false;
    this.forget(e);
    this.byId.delete(id);
    this.changed(id, e.exp, false);
    return true;
  }

  /** Removes every id expiring at or before `nowSec`; returns how many. Costs O(log n) per id removed. */
  expire(nowSec: number): number {
    const h = this.heap;
    let n = 0;
    while (h.length > 0 && h[0]!.exp <= nowSec) {
      const e = this.pop();
      if (this.byId.get(e.id) !== e) continue; // stale: removed or replaced already
      this.forget(e);
      this.byId.delete(e.id);
      this.changed(e.id, e.exp, false);
      n++;
    }
    return n;
  }

  /** Every live id with its expiration, in no particular order. */
  *entries(): IterableIterator<[string, number]> {
    for (const e of this.byId.values()) yield [e.id, e.exp];
  }

  /** The live entries (the capture walks them). */
  liveEntries(): IterableIterator<Entry> {
    return this.byId.values();
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

  private rebuild(): void {
    this.heap = [];
    for (const e of this.byId.values()) this.push(e);
  }

  private push(e: Entry): void {
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.exp <= e.exp) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && h[r]!.exp < h[l]!.exp ? r : l;
        if (h[c]!.exp >= last.exp) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
