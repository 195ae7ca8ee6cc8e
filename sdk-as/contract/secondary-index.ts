/**
 * Secondary indexes of a primary-key table, laid out as CDT's `multi_index` lays them out, so other
 * contracts and `get_table_rows --index` read them: index `n` (0-based) of table `t` is the table
 * `(t & ~0xF) | n`, holding (secondary key, primary key) pairs of kind `idx64` (u64 keys: names,
 * symbol codes, times), `idx_double` (f64), `idx128` (U128) or `idx256` (Checksum256, as CDT's
 * `fixed_bytes<32>` word array: two uint128 words, each the big-endian value of 16 of its bytes). `@secondary` fields of a `@table` class get these kept
 * up to date on store/modify/erase by generated code, and a `by<Field>(scope)` accessor for lookups.
 */
import { check } from "./check";
import { TableRow, readRow } from "./table";
import { U128, Checksum256 } from "./fixed-bytes";
import {
  db_find_i64,
  db_idx64_store, db_idx64_update, db_idx64_remove, db_idx64_next, db_idx64_find_primary, db_idx64_lowerbound,
  db_idx_double_store, db_idx_double_update, db_idx_double_remove, db_idx_double_find_primary,
  db_idx_double_lowerbound,
  db_idx128_store, db_idx128_update, db_idx128_remove, db_idx128_find_primary, db_idx128_lowerbound,
  db_idx256_store, db_idx256_update, db_idx256_remove, db_idx256_find_primary, db_idx256_lowerbound,
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

/** Where 128- and 256-bit keys pass (32 bytes), the primary key after them, and a copy to compare with. */
const WIDE: usize = memory.data(48, 16);
const WIDE_PRIMARY: usize = WIDE + 32;
const WIDE_WANTED: usize = memory.data(32, 16);

/** Writes a U128 at WIDE as the idx128 intrinsics read it: low word, then high word. */
function putU128(key: U128): void {
  store<u64>(WIDE, key.lo);
  store<u64>(WIDE + 8, key.hi);
}

/** Writes a Checksum256 at WIDE as CDT's `fixed_bytes<32>::data()`: two little-endian uint128 words, each the big-endian value of 16 bytes. */
function putChecksum256(key: Checksum256): void {
  check(key.bytes.length == 32, "a checksum256 key has 32 bytes");
  for (let w = 0; w < 2; w++) for (let i = 0; i < 16; i++) store<u8>(WIDE + <usize>(w * 16 + i), unchecked(key.bytes[w * 16 + 15 - i]));
}

export function idx128Store(scope: u64, index: u64, payer: u64, pk: u64, key: U128): void {
  putU128(key);
  db_idx128_store(scope, index, payer, pk, WIDE);
}

export function idx128Update(code: u64, scope: u64, index: u64, payer: u64, pk: u64, key: U128): void {
  const itr = db_idx128_find_primary(code, scope, index, WIDE, pk);
  check(itr >= 0, "secondary index entry missing for the row");
  if (load<u64>(WIDE) == key.lo && load<u64>(WIDE + 8) == key.hi) return;
  putU128(key);
  db_idx128_update(itr, payer, WIDE);
}

export function idx128Remove(code: u64, scope: u64, index: u64, pk: u64): void {
  const itr = db_idx128_find_primary(code, scope, index, WIDE, pk);
  if (itr >= 0) db_idx128_remove(itr);
}

export function idx256Store(scope: u64, index: u64, payer: u64, pk: u64, key: Checksum256): void {
  putChecksum256(key);
  db_idx256_store(scope, index, payer, pk, WIDE, 2);
}

export function idx256Update(code: u64, scope: u64, index: u64, payer: u64, pk: u64, key: Checksum256): void {
  putChecksum256(key);
  memory.copy(WIDE_WANTED, WIDE, 32);
  const itr = db_idx256_find_primary(code, scope, index, WIDE, 2, pk);
  check(itr >= 0, "secondary index entry missing for the row");
  if (memory.compare(WIDE, WIDE_WANTED, 32) == 0) return;
  memory.copy(WIDE, WIDE_WANTED, 32);
  db_idx256_update(itr, payer, WIDE, 2);
}

export function idx256Remove(code: u64, scope: u64, index: u64, pk: u64): void {
  const itr = db_idx256_find_primary(code, scope, index, WIDE, 2, pk);
  if (itr >= 0) db_idx256_remove(itr);
}

/** The row of the entry an idx128/idx256 lowerbound landed on (primary at WIDE_PRIMARY), or null. */
function wideRow<T extends TableRow>(code: u64, scope: u64, table: u64, itr: i32): T | null {
  if (itr < 0) return null;
  const row = db_find_i64(code, scope, table, load<u64>(WIDE_PRIMARY));
  return row >= 0 ? readRow<T>(row) : null;
}

/** Rows of a table in the order of one U128 secondary key (idx128). */
export class Index128<T extends TableRow> {
  constructor(public code: u64, public scope: u64, public table: u64, public index: u64) {}

  /** The first row (lowest primary key) whose key is ≥ `lower`, or null. */
  lowerBound(lower: U128): T | null {
    putU128(lower);
    return wideRow<T>(this.code, this.scope, this.table, db_idx128_lowerbound(this.code, this.scope, this.index, WIDE, WIDE_PRIMARY));
  }

  /** The first row (lowest primary key) whose key is `key`, or null. */
  find(key: U128): T | null {
    putU128(key);
    const itr = db_idx128_lowerbound(this.code, this.scope, this.index, WIDE, WIDE_PRIMARY);
    if (itr < 0 || load<u64>(WIDE) != key.lo || load<u64>(WIDE + 8) != key.hi) return null;
    return wideRow<T>(this.code, this.scope, this.table, itr);
  }
}

/** Rows of a table in the order of one Checksum256 secondary key (idx256, byte order). */
export class Index256<T extends TableRow> {
  constructor(public code: u64, public scope: u64, public table: u64, public index: u64) {}

  /** The first row (lowest primary key) whose key is ≥ `lower` (compared byte by byte), or null. */
  lowerBound(lower: Checksum256): T | null {
    putChecksum256(lower);
    return wideRow<T>(this.code, this.scope, this.table, db_idx256_lowerbound(this.code, this.scope, this.index, WIDE, 2, WIDE_PRIMARY));
  }

  /** The first row (lowest primary key) whose key is `key`, or null. */
  find(key: Checksum256): T | null {
    putChecksum256(key);
    memory.copy(WIDE_WANTED, WIDE, 32);
    const itr = db_idx256_lowerbound(this.code, this.scope, this.index, WIDE, 2, WIDE_PRIMARY);
    if (itr < 0 || memory.compare(WIDE, WIDE_WANTED, 32) != 0) return null;
    return wideRow<T>(this.code, this.scope, this.table, itr);
  }
}
