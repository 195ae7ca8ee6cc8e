/**
 * The rows of a big table read back from the state store (issue 19: a cache miss costs what the
 * block reads, not the table's size). A table stored by its rows (table-store.ts `ROWS_APART_MIN`)
 * is read back by its header alone, which counts its rows; the rows stay in the store and are read
 * when asked for (a find, a bound, a step of an iterator). Memory holds only the rows changed since
 * the table was read back (their new form, or their removal) until the commit that writes their
 * last change has landed (`settle`): the store may not hold them before. It holds every other row
 * as it is, since every change goes through the table object that memory keeps (a table changed or
 * in a commit in flight is never read back: `TableStore.load`). So a row is memory's when memory
 * has it, else the store's.
 *
 * A row read from the store is a new object at each read, as the store's bytes are copied out;
 * nothing depends on a row's identity (the VM's iterators key rows by primary key).
 */
import type { DbRow } from '../vm/contract-host.js';
import { SortedChunks } from './sorted-chunks.js';

const compareKeys = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
const MAX_U64 = 0xffffffffffffffffn;

/** A table's rows as the store holds them. */
export interface RowSource {
  /** The row `primary`. */
  get(primary: bigint): DbRow | undefined;
  /** Rows with key ≥ `from`, ascending. */
  from(from: bigint): Iterable<DbRow>;
  /** Rows with key < `below` (null: every row), descending. */
  below(below: bigint | null): Iterable<DbRow>;
}

export class StoredRows {
  /** Rows written since the table was read back, in their current form, by key. */
  private readonly rows = new Map<bigint, DbRow>();
  /** The keys of `rows`, ascending. */
  private readonly order = new SortedChunks<bigint>(compareKeys);
  /** Keys removed since the table was read back (the store may still hold them). */
  private readonly gone = new Set<bigint>();
  /** Per key in `rows` or `gone`: the number of the commit that writes its last change. */
  private readonly writtenBy = new Map<bigint, number>();

  constructor(
    private readonly source: RowSource,
    /** Rows the table holds (the stored header's count, then kept as rows come and go). */
    private count: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Rows memory holds (written or removed since read back): what the table counts in the cache's budget. */
  get resident(): number {
    return this.rows.size + this.gone.size;
  }

  find(primary: bigint): DbRow | undefined {
    const r = this.rows.get(primary);
    if (r !== undefined) return r;
    return this.gone.has(primary) ? undefined : this.source.get(primary);
  }

  /** The first row with key ≥ `k`. */
  lowerbound(k: bigint): DbRow | undefined {
    const mine = this.order.first((x) => x < k);
    // the store's rows up to memory's first (those past it cannot come first)
    for (const r of this.source.from(k)) {
      if (mine !== undefined && r.primary >= mine) break;
      if (!this.gone.has(r.primary)) return r;
    }
    return mine === undefined ? undefined : this.rows.get(mine);
  }

  /** The first row with key > `k`. */
  upperbound(k: bigint): DbRow | undefined {
    return k === MAX_U64 ? undefined : this.lowerbound(k + 1n);
  }

  /** The last row with key < `k`. */
  previous(k: bigint): DbRow | undefined {
    return this.lastBelow(k);
  }

  /** The row with the greatest key. */
  last(): DbRow | undefined {
    return this.lastBelow(null);
  }

  /** Every row, ascending: the store's merged with memory's. */
  *rowsInOrder(): IterableIterator<DbRow> {
    const mine = this.order.values();
    let m = mine.next();
    for (const r of this.source.from(0n)) {
      if (this.shadowed(r.primary)) continue;
      for (; !m.done && m.value < r.primary; m = mine.next()) yield this.rows.get(m.value)!;
      yield r;
    }
    for (; !m.done; m = mine.next()) yield this.rows.get(m.value)!;
  }

  /** A new row (its key held none), which commit number `commit` writes. */
  insert(row: DbRow, commit: number): void {
    this.put(row, commit);
    this.count++;
  }

  /** A row's new form (same key). */
  replace(row: DbRow, commit: number): void {
    this.put(row, commit);
  }

  /** The row `primary` is gone. */
  remove(primary: bigint, commit: number): void {
    if (this.rows.delete(primary)) this.order.delete(primary);
    this.gone.add(primary);
    this.writtenBy.set(primary, commit);
    this.count--;
  }

  /**
   * Commits up to number `landed` are in the store: the rows whose last change they wrote leave
   * memory (the store holds them as they are, and no longer holds those removed).
   */
  settle(landed: number): void {
    for (const [primary, commit] of this.writtenBy) {
      if (commit > landed) continue;
      this.writtenBy.delete(primary);
      if (this.rows.delete(primary)) this.order.delete(primary);
      this.gone.delete(primary);
    }
  }

  private put(row: DbRow, commit: number): void {
    if (!this.rows.has(row.primary)) this.order.insert(row.primary);
    this.rows.set(row.primary, row);
    this.gone.delete(row.primary);
    this.writtenBy.set(row.primary, commit);
  }

  /** Whether memory decides the row `primary` (written or removed since read back): the store's form is stale. */
  private shadowed(primary: bigint): boolean {
    return this.rows.has(primary) || this.gone.has(primary);
  }

  /** The last row with key < `k` (null: the last row). */
  private lastBelow(k: bigint | null): DbRow | undefined {
    const mine = k === null ? this.order.last() : this.order.lastBelow((x) => x < k);
    // the store's rows down to memory's last (those under it cannot come first); the walk passes
    // over removed rows only, so it costs the rows removed there since read back, not those written
    for (const r of this.source.below(k)) {
      if (mine !== undefined && r.primary <= mine) break;
      if (!this.gone.has(r.primary)) return r;
    }
    return mine === undefined ? undefined : this.rows.get(mine);
  }
}
