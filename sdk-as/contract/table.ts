/**
 * A primary-key table (Antelope's i64 index) of rows of type `T`, in the contract `code` under
 * `scope`. `T` is any class with a no-argument constructor and
 *   primaryKey(): u64, pack(ds: DataStream): void, unpack(ds: DataStream): void.
 * Reads work on any contract's tables; writes only on the running contract's own (the chain
 * enforces it). `payer` is the account whose RAM holds the row (0 on `modify` keeps the payer).
 */
import { check } from "./check";
import { DataStream } from "./data-stream";
import {
  db_find_i64, db_get_i64, db_store_i64, db_update_i64, db_remove_i64, db_next_i64, db_previous_i64,
  db_lowerbound_i64, db_end_i64, current_receiver,
} from "./env";

/** What a row class provides (structural: rows need not declare `implements TableRow`). */
export interface TableRow {
  primaryKey(): u64;
  pack(ds: DataStream): void;
  unpack(ds: DataStream): void;
}

/** Antelope's `same_payer`: keep the row's current payer on modify. */
export const SAME_PAYER: u64 = 0;

/** Reads the row at iterator `itr`. */
export function readRow<T extends TableRow>(itr: i32): T {
  const size = db_get_i64(itr, 0, 0);
  const buf = new ArrayBuffer(size);
  db_get_i64(itr, changetype<usize>(buf), <u32>size);
  const row = instantiate<T>();
  row.unpack(DataStream.reading(buf));
  return row;
}

/** Packs a row into a fresh stream. */
export function packRow<T extends TableRow>(row: T): DataStream {
  const ds = new DataStream(new ArrayBuffer(64));
  row.pack(ds);
  return ds;
}

export class Table<T extends TableRow> {
  constructor(public code: u64, public scope: u64, public table: u64) {}

  /** A table of the running contract. */
  static own<T extends TableRow>(scope: u64, table: u64): Table<T> { return new Table<T>(current_receiver(), scope, table); }

  /** The row with key `pk`, or null. */
  find(pk: u64): T | null {
    const itr = db_find_i64(this.code, this.scope, this.table, pk);
    if (itr < 0) return null;
    return readRow<T>(itr);
  }

  /** The row with key `pk`; fails with `msg` when there is none. */
  get(pk: u64, msg: string = "unable to find key"): T {
    const itr = db_find_i64(this.code, this.scope, this.table, pk);
    check(itr >= 0, msg);
    return readRow<T>(itr);
  }

  exists(pk: u64): bool { return db_find_i64(this.code, this.scope, this.table, pk) >= 0; }

  /** Adds a row (fails if its key exists); `payer` pays its RAM. */
  store(row: T, payer: u64): void {
    const ds = packRow<T>(row);
    db_store_i64(this.scope, this.table, payer, row.primaryKey(), ds.ptr, ds.end);
  }

  /** Replaces the stored row with the same key; `payer` 0 keeps the payer. */
  modify(row: T, payer: u64 = SAME_PAYER): void {
    const itr = db_find_i64(this.code, this.scope, this.table, row.primaryKey());
    check(itr >= 0, "cannot modify a row that does not exist");
    const ds = packRow<T>(row);
    db_update_i64(itr, payer, ds.ptr, ds.end);
  }

  /** Removes the row with key `pk`; fails when there is none. */
  erase(pk: u64): void {
    const itr = db_find_i64(this.code, this.scope, this.table, pk);
    check(itr >= 0, "cannot erase a row that does not exist");
    db_remove_i64(itr);
  }

  /** A cursor on the first row with key ≥ `lower`. */
  cursor(lower: u64 = 0): TableCursor<T> {
    return new TableCursor<T>(db_lowerbound_i64(this.code, this.scope, this.table, lower));
  }

  /** Every row in key order (bounded by the action's CPU budget; prefer `cursor` for big tables). */
  all(): T[] {
    const out = new Array<T>();
    const c = this.cursor();
    while (c.valid) { out.push(c.value()); c.next(); }
    return out;
  }

  /** The row with the greatest key, or null when the table is empty (e.g. to number new rows). */
  last(): T | null {
    const end = db_end_i64(this.code, this.scope, this.table);
    if (end == -1) return null;
    const c = new TableCursor<T>(end);
    c.prev();
    return c.valid ? c.value() : null;
  }

  /** The end iterator of the table, or -1 when the table does not exist. */
  end(): i32 { return db_end_i64(this.code, this.scope, this.table); }
}

/** Walks a table in key order: `while (c.valid) { c.value(); c.next(); }` (or backwards with `prev`). */
export class TableCursor<T extends TableRow> {
  private key: u64 = 0;
  constructor(public itr: i32) {}
  get valid(): bool { return this.itr >= 0; }
  value(): T { check(this.valid, "cursor is past the end"); return readRow<T>(this.itr); }
  next(): void {
    if (this.itr < 0) return;
    this.itr = db_next_i64(this.itr, changetype<usize>(this) + offsetof<TableCursor<T>>("key"));
  }
  /** Steps to the previous row; from an end iterator to the last row; before the first → invalid. */
  prev(): void {
    if (this.itr == -1) return;
    this.itr = db_previous_i64(this.itr, changetype<usize>(this) + offsetof<TableCursor<T>>("key"));
  }
}
