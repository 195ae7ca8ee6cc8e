/**
 * The records of a big table or a big secondary index read back from the state store (issue 19: a
 * cache miss costs what the block reads, not the table's or the index's size). A table stored by its
 * rows, or an index by its entries (table-store.ts `ROWS_APART_MIN`), is read back by its header
 * alone, which counts its records; the records stay in the store and are read when asked for (a find,
 * a bound, a step of an iterator). Memory holds only the records changed since the read back (their
 * new form, or their removal) until the commit that writes their last change has landed (`settle`):
 * the store may not hold them before. It holds every other record as it is, since every change goes
 * through the object that memory keeps (one changed or in a commit in flight is never read back:
 * `TableStore.load`, `TableStore.findIndex`). So a record is memory's when memory has its id, else
 * the store's.
 *
 * A record has an id (a row's primary key, an entry's primary key) and a place in an order (a row's
 * primary key, an entry's (secondary, primary)); for a row they are the same, an entry may move in
 * the order while keeping its id, so the store's record of an id memory decides is passed over
 * wherever the store has it.
 *
 * A record read from the store is a new object at each read, as the store's bytes are copied out;
 * nothing depends on a record's identity (the VM's iterators key rows and entries by primary key).
 */
import { SortedChunks } from '../../lib/sorted-chunks.js';

/** The records as the store holds them. */
export interface RecordSource<R, P> {
  /** The record of id `id`. */
  get(id: bigint): R | undefined;
  /** Records at or after `from` (`after`: after it; null: every record), in order. */
  from(from: P | null, after: boolean): Iterable<R>;
  /** Records before `below` (null: every record), in reverse order. */
  below(below: P | null): Iterable<R>;
}

/** How records are identified and ordered; `P` is a place in the order (a key to search from). */
export interface RecordOrder<R, P> {
  id(r: R): bigint;
  /** Order of two records (0: the same place, so the same record). */
  compare(a: R, b: R): number;
  /** Where `r` is against the place `p`: < 0 before it, 0 at it, > 0 after it. */
  against(r: R, p: P): number;
}

export class StoredRecords<R, P> {
  /** Records written since the read back, in their current form, by id. */
  private readonly mine = new Map<bigint, R>();
  /** The records of `mine`, in order. */
  private readonly order: SortedChunks<R>;
  /** Ids removed since the read back (the store may still hold them). */
  private readonly gone = new Set<bigint>();
  /** Per id in `mine` or `gone`: the number of the commit that writes its last change. */
  private readonly writtenBy = new Map<bigint, number>();

  constructor(
    private readonly source: RecordSource<R, P>,
    private readonly o: RecordOrder<R, P>,
    /** Records held (the stored header's count, then kept as records come and go). */
    private count: number,
  ) {
    this.order = new SortedChunks<R>(o.compare);
  }

  get size(): number {
    return this.count;
  }

  /** Records memory holds (written or removed since read back): what the owner counts in the cache's budget. */
  get resident(): number {
    return this.mine.size + this.gone.size;
  }

  find(id: bigint): R | undefined {
    const r = this.mine.get(id);
    if (r !== undefined) return r;
    return this.gone.has(id) ? undefined : this.source.get(id);
  }

  /** The first record at or after `p` (`strict`: after it; null: the first record). */
  first(p: P | null, strict = false): R | undefined {
    const o = this.o;
    const mine =
      p === null ? this.order.first(() => false) : this.order.first((x) => (strict ? o.against(x, p) <= 0 : o.against(x, p) < 0));
    // the store's records up to memory's first (those past it cannot come first)
    for (const r of this.source.from(p, strict)) {
      if (mine !== undefined && o.compare(r, mine) >= 0) break;
      if (!this.shadowed(o.id(r))) return r;
    }
    return mine;
  }

  /** The last record before `p` (null: the last record). */
  lastBefore(p: P | null): R | undefined {
    const o = this.o;
    const mine = p === null ? this.order.last() : this.order.lastBelow((x) => o.against(x, p) < 0);
    // the store's records down to memory's last (those under it cannot come first); the walk passes
    // over the ids memory decides only, so it costs the records changed there since read back
    for (const r of this.source.below(p)) {
      if (mine !== undefined && o.compare(r, mine) <= 0) break;
      if (!this.shadowed(o.id(r))) return r;
    }
    return mine;
  }

  /** Every record in order: the store's merged with memory's. */
  *inOrder(): IterableIterator<R> {
    const o = this.o;
    const mine = this.order.values();
    let m = mine.next();
    for (const r of this.source.from(null, false)) {
      if (this.shadowed(o.id(r))) continue;
      for (; !m.done && o.compare(m.value, r) < 0; m = mine.next()) yield m.value;
      yield r;
    }
    for (; !m.done; m = mine.next()) yield m.value;
  }

  /** A new record (its id held none), which commit number `commit` writes. */
  insert(r: R, commit: number): void {
    this.put(r, commit);
    this.count++;
  }

  /** A record's new form (same id). */
  replace(r: R, commit: number): void {
    this.put(r, commit);
  }

  /** The record `id` is gone. */
  remove(id: bigint, commit: number): void {
    this.unlist(id);
    this.gone.add(id);
    this.writtenBy.set(id, commit);
    this.count--;
  }

  /**
   * Commits up to number `landed` are in the store: the records whose last change they wrote leave
   * memory (the store holds them as they are, and no longer holds those removed).
   */
  settle(landed: number): void {
    for (const [id, commit] of this.writtenBy) {
      if (commit > landed) continue;
      this.writtenBy.delete(id);
      this.unlist(id);
      this.gone.delete(id);
    }
  }

  private put(r: R, commit: number): void {
    const id = this.o.id(r);
    this.unlist(id);
    this.order.insert(r);
    this.mine.set(id, r);
    this.gone.delete(id);
    this.writtenBy.set(id, commit);
  }

  /** Takes memory's form of `id` (if any) out of `mine` and the order. */
  private unlist(id: bigint): void {
    const old = this.mine.get(id);
    if (old === undefined) return;
    this.mine.delete(id);
    this.order.delete(old);
  }

  /** Whether memory decides the record `id` (written or removed since read back): the store's form is stale. */
  private shadowed(id: bigint): boolean {
    return this.mine.has(id) || this.gone.has(id);
  }
}
