/**
 * A table holding at most one row, like CDT's `eosio::singleton`: the row is stored under the
 * primary key equal to the table name, so explorers and CDT contracts read it the same way.
 * `T` is a `TableRow` (its own `primaryKey()` is not used).
 */
import { check } from "./check";
import { TableRow, packRow, readRow } from "./table";
import { db_find_i64, db_store_i64, db_update_i64, db_remove_i64 } from "./env";

export class Singleton<T extends TableRow> {
  constructor(public code: u64, public scope: u64, public table: u64) {}

  private find(): i32 { return db_find_i64(this.code, this.scope, this.table, this.table); }

  exists(): bool { return this.find() >= 0; }

  /** The value; fails with `msg` when it was never set. */
  get(msg: string = "singleton does not exist"): T {
    const itr = this.find();
    check(itr >= 0, msg);
    return readRow<T>(itr);
  }

  /** The value, or `fallback` when it was never set. */
  getOrDefault(fallback: T): T {
    const itr = this.find();
    return itr >= 0 ? readRow<T>(itr) : fallback;
  }

  /** Stores or replaces the value; `payer` pays its RAM (and becomes its payer on replace). */
  set(value: T, payer: u64): void {
    const ds = packRow<T>(value);
    const itr = this.find();
    if (itr >= 0) db_update_i64(itr, payer, ds.ptr, ds.end);
    else db_store_i64(this.scope, this.table, payer, this.table, ds.ptr, ds.end);
  }

  remove(): void {
    const itr = this.find();
    if (itr >= 0) db_remove_i64(itr);
  }
}
