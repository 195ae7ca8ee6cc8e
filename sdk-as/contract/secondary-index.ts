/**
 * Secondary indexes of a primary-key table, laid out as CDT's `multi_index` lays them out, so other
 * contracts and `get_table_rows --index` read them: index `n` (0-based) of table `t` is the table
 * `(t & ~0xF) | n`, holding (secondary key, primary key) pairs of kind `idx64` (u64 keys: names,
 * symbol codes, times) or `idx_double` (f64). `@secondary` fields of a `@table` class get these kept
 * up to date on store/modify/erase by generated code, and a `by<Field>(scope)` accessor for lookups.
 */
import { check } from "./check";
import { TableRow, readRow } from "./table";
import {
  db_find_i64,
  db_idx64_store, db_idx64_update, db_idx64_remove, db_idx64_next, db_idx64_find_primary, db_idx64_lowerbound,
  db_idx_double_store, db_idx_double_update, db_idx_double_remove, db_idx_double_find_primary,
  db_idx_double_lowerbound,
} from "./env";

/** Where keys and primaries are passed to and from the intrinsics (16 bytes: key, then primary). */
const SCRATCH: usize = memory.data(16, 8);

/** The index table of index `n` of `table`. */
export function indexTableName(table: u64, n: u32): u64 { return (table & 0xFFFFFFFFFFFFFFF0) | <u64>(n & 0xF); }

export function idx64Store(scope: u64, index: u64, payer: u64, pk: u64, key: u64): void {
  store<u64>(SCRATCH, key);
  db_idx64_store(scope, index, payer, pk, SCRATCH);
}

/** Points the entry of `pk` at `key` (no write when unchanged); payer 0 keeps the payer. */
export function idx64Update(code: u64, scope: u64, index: u64, payer: u64, pk: u64, key: u64): void {
  const itr = db_idx64_find_primary(code, scope, index, SCRATCH, pk);
  check(itr >= 0, "secondary index entry missing for the row");
  if (load<u64>(SCRATCH) == key) return;
  store<u64>(SCRATCH, key);
  db_idx64_update(itr, payer, SCRATCH);
}

export function idx64Remove(code: u64, scope: u64, index: u64, pk: u64): void {
  const itr = db_idx64_find_primary(code, scope, index, SCRATCH, pk);
  if (itr >= 0) db_idx64_remove(itr);
}

export function idxDoubleStore(scope: u64, index: u64, payer: u64, pk: u64, key: f64): void {
  store<f64>(SCRATCH, key);
  db_idx_double_store(scope, index, payer, pk, SCRATCH);
}

export function idxDoubleUpdate(code: u64, scope: u64, index: u64, payer: u64, pk: u64, key: f64): void {
  const itr = db_idx_double_find_primary(code, scope, index, SCRATCH, pk);
  check(itr >= 0, "secondary index entry missing for the row");
  if (load<f64>(SCRATCH) == key) return;
  store<f64>(SCRATCH, key);
  db_idx_double_update(itr, payer, SCRATCH);
}

export function idxDoubleRemove(code: u64, scope: u64, index: u64, pk: u64): void {
  const itr = db_idx_double_find_primary(code, scope, index, SCRATCH, pk);
  if (itr >= 0) db_idx_double_remove(itr);
}

/** Rows of a table in the order of one u64 secondary key (then primary key). */
export class SecondaryIndex<T extends TableRow> {
  constructor(public code: u64, public scope: u64, public table: u64, public index: u64) {}

  /** A cursor on the first entry with key ≥ `lower`. */
  lowerBound(lower: u64): SecondaryCursor<T> {
    store<u64>(SCRATCH, lower);
    const itr = db_idx64_lowerbound(this.code, this.scope, this.index, SCRATCH, SCRATCH + 8);
    return new SecondaryCursor<T>(this, itr, load<u64>(SCRATCH), load<u64>(SCRATCH + 8));
  }

  /** The first row (lowest primary key) whose key is `key`, or null. */
  find(key: u64): T | null {
    const c = this.lowerBound(key);
    return c.valid && c.key == key ? c.value() : null;
  }
}

/** Walks a secondary index: `for (let c = idx.lowerBound(k); c.valid; c.next()) c.value()`. */
export class SecondaryCursor<T extends TableRow> {
  constructor(public index: SecondaryIndex<T>, public itr: i32, public key: u64, public primary: u64) {}
  get valid(): bool { return this.itr >= 0; }
  /** The row the entry points to. */
  value(): T {
    check(this.valid, "cursor is past the end");
    const itr = db_find_i64(this.index.code, this.index.scope, this.index.table, this.primary);
    check(itr >= 0, "secondary index points to a missing row");
    return readRow<T>(itr);
  }
  next(): void {
    if (this.itr < 0) return;
    this.itr = db_idx64_next(this.itr, SCRATCH + 8);
    if (this.itr < 0) return;
    this.primary = load<u64>(SCRATCH + 8);
    // the key of the entry landed on (next reports only its primary)
    db_idx64_find_primary(this.index.code, this.index.scope, this.index.index, SCRATCH, this.primary);
    this.key = load<u64>(SCRATCH);
  }
}

/** Rows of a table in the order of one f64 secondary key. */
export class DoubleIndex<T extends TableRow> {
  constructor(public code: u64, public scope: u64, public table: u64, public index: u64) {}

  /** The first row whose key is ≥ `lower`, or null. */
  lowerBound(lower: f64): T | null {
    store<f64>(SCRATCH, lower);
    const itr = db_idx_double_lowerbound(this.code, this.scope, this.index, SCRATCH, SCRATCH + 8);
    if (itr < 0) return null;
    const row = db_find_i64(this.code, this.scope, this.table, load<u64>(SCRATCH + 8));
    return row >= 0 ? readRow<T>(row) : null;
  }
}
