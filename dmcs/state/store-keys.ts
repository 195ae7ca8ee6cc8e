/**
 * The state store's keys for accounts, tables and indexes (one byte-ordered LMDB keyspace; the
 * commit record and the transaction ids are in store-commit.ts):
 *
 *   'S' ‖ u64 name ‖ 0x00                              an account (account-store.ts)
 *   'S' ‖ u64 scope ‖ 0x01 ‖ u64 code ‖ u64 table      a contract table (table-store.ts)
 *   'S' ‖ u64 scope ‖ 0x01 ‖ u64 code ‖ u64 table ‖ u64 primary
 *                                                      a row of a table whose rows are stored
 *                                                      apart (right after its table's key)
 *   'D' ‖ u64 code ‖ u64 scope ‖ u64 table             nothing: the tables of each code, in
 *                                                      (code, scope, table) order
 *   'I' ‖ u8 kind ‖ u64 code ‖ u64 scope ‖ u64 table   a secondary index (table-store.ts)
 *   'I' ‖ u8 kind ‖ u64 code ‖ u64 scope ‖ u64 table ‖ u64 primary
 *                                                      an entry of an index stored apart, by
 *                                                      primary key (findPrimary)
 *   'E' ‖ u8 kind ‖ u64 code ‖ u64 scope ‖ u64 table ‖ secondary ‖ u64 primary
 *                                                      the same entry in the index's order (its
 *                                                      queries by secondary key are range reads):
 *                                                      the secondary in an order-preserving form
 *                                                      (`indexOrderKey`)
 *
 * all big-endian, so names sort in Antelope's order. Why an account's tables sit right after it,
 * keyed by scope first: a B+tree commit copies every page it changes, and with random keys over a
 * large state each record written dirties a page of its own. A token transfer changes the sender's
 * and the receiver's account (their sequences) and each one's balance row, which lives in a table
 * scoped by that account; side by side they share a page, so a transfer dirties two pages, not
 * four. The `'D'` directory answers "the tables of this code" (get_table_by_scope) and changes
 * only when a table is created or removed, not at each write to it.
 */

/** Accounts and tables, keyed by account (or scope) first. */
const SCOPE_TAG = 0x53;
export const SCOPE_KEYS_FIRST = new Uint8Array([SCOPE_TAG]);
export const SCOPE_KEYS_END = new Uint8Array([SCOPE_TAG + 1]);
/** The byte after the name in a `'S'` key: what the record is. */
export const ACCOUNT_KIND = 0;
export const TABLE_KIND = 1;
/** A table key's length; a row key is one u64 longer. */
const TABLE_KEY_BYTES = 26;
/** An index key's length; an entry key is one u64 longer. */
const INDEX_KEY_BYTES = 26;

const DIRECTORY_TAG = 0x44;
const ENTRY_ORDER_TAG = 0x45;
const INDEX_TAG = 0x49;
export const INDEX_KEYS_FIRST = new Uint8Array([INDEX_TAG]);
export const INDEX_KEYS_END = new Uint8Array([INDEX_TAG + 1]);

/** A table's (code, scope, table). */
export interface TableId {
  code: bigint;
  scope: bigint;
  table: bigint;
}

/**
 * The key builders write each u64 through this scratch, not a `DataView` of the key: a small typed
 * array's `.buffer` makes V8 move its bytes off the heap into an `ArrayBuffer` of their own (about
 * 0.2 µs a key on this machine against 0.05, and more for the collector), and a cache miss builds
 * one key per read (stop 48).
 */
const U64_BYTES = new Uint8Array(8);
const U64_VIEW = new DataView(U64_BYTES.buffer);

/** Writes `v` big-endian (modulo 2^64, as `DataView.setBigUint64`) at `at` of `k`. */
function putU64(k: Uint8Array, at: number, v: bigint): void {
  U64_VIEW.setBigUint64(0, v);
  for (let i = 0; i < 8; i++) k[at + i] = U64_BYTES[i]!;
}

export function accountKey(name: bigint): Uint8Array {
  const k = new Uint8Array(10);
  k[0] = SCOPE_TAG;
  putU64(k, 1, name);
  k[9] = ACCOUNT_KIND;
  return k;
}

/** Writes a table's key at the start of `k` (a table key, or a row key before its primary). */
function writeTableKey(k: Uint8Array, code: bigint, scope: bigint, table: bigint): Uint8Array {
  k[0] = SCOPE_TAG;
  putU64(k, 1, scope);
  k[9] = TABLE_KIND;
  putU64(k, 10, code);
  putU64(k, 18, table);
  return k;
}

export function tableKey(code: bigint, scope: bigint, table: bigint): Uint8Array {
  return writeTableKey(new Uint8Array(TABLE_KEY_BYTES), code, scope, table);
}

/** The key of a row of a table stored apart: its table's key ‖ u64 primary. */
export function rowKey(code: bigint, scope: bigint, table: bigint, primary: bigint): Uint8Array {
  const k = writeTableKey(new Uint8Array(TABLE_KEY_BYTES + 8), code, scope, table);
  putU64(k, TABLE_KEY_BYTES, primary);
  return k;
}

/** Bounds around the row keys of a table stored apart: [its first possible row key, a key just past its last). */
export function rowKeyBounds(code: bigint, scope: bigint, table: bigint): [Uint8Array, Uint8Array] {
  const end = new Uint8Array(TABLE_KEY_BYTES + 9); // the greatest row key ‖ 0x00
  end.set(rowKey(code, scope, table, 0xffff_ffff_ffff_ffffn));
  return [rowKey(code, scope, table, 0n), end];
}

/** Whether a `'S'` key is a row of a table stored apart (not an account or a table). */
export function isRowKey(key: Uint8Array): boolean {
  return key.length === TABLE_KEY_BYTES + 8 && key[9] === TABLE_KIND;
}

/** The primary key of a row key. */
export function primaryOfRowKey(key: Uint8Array): bigint {
  return new DataView(key.buffer, key.byteOffset, key.length).getBigUint64(TABLE_KEY_BYTES);
}

/** What a `'S'` key holds (`ACCOUNT_KIND`, `TABLE_KIND`; a row key is `TABLE_KIND` too: `isRowKey`). */
export function scopeKeyKind(key: Uint8Array): number {
  return key[9]!;
}

/** The name of an account key. */
export function accountOfKey(key: Uint8Array): bigint {
  return new DataView(key.buffer, key.byteOffset, 9).getBigUint64(1);
}

/** The table of a table key. */
export function tableOfKey(key: Uint8Array): TableId {
  const v = new DataView(key.buffer, key.byteOffset, 26);
  return { code: v.getBigUint64(10), scope: v.getBigUint64(1), table: v.getBigUint64(18) };
}

/** The directory entry of a table. */
export function tableDirectoryKey(code: bigint, scope: bigint, table: bigint): Uint8Array {
  const k = new Uint8Array(25);
  k[0] = DIRECTORY_TAG;
  putU64(k, 1, code);
  putU64(k, 9, scope);
  putU64(k, 17, table);
  return k;
}

/**
 * Bounds around the directory entries of `code`'s tables with scopes in [lower, upper]: a prefix
 * just before the first and a key just past the last, neither one an entry's (so a walk either
 * way, `OrderedStore.range` with `reverse`, takes every entry between them).
 */
export function tableDirectoryBounds(code: bigint, lower: bigint, upper: bigint): [Uint8Array, Uint8Array] {
  const first = new Uint8Array(17);
  const end = new Uint8Array(26).fill(0xff);
  first[0] = end[0] = DIRECTORY_TAG;
  new DataView(first.buffer).setBigUint64(1, code);
  new DataView(first.buffer).setBigUint64(9, lower);
  new DataView(end.buffer).setBigUint64(1, code);
  new DataView(end.buffer).setBigUint64(9, upper);
  return [first, end];
}

/** A table's place among its code's: (scope, table). */
export type TablePlace = Pick<TableId, 'scope' | 'table'>;

/**
 * Bounds around the directory entries of `code` from (scope, table) `lower` to `upper`, both
 * taken, neither one an entry's key either (as `tableDirectoryBounds`): an entry's 25 bytes with
 * one more sort right after it and before the next entry.
 */
export function tableDirectorySpan(code: bigint, lower: TablePlace, upper: TablePlace): [Uint8Array, Uint8Array] {
  const end = new Uint8Array(26);
  end.set(tableDirectoryKey(code, upper.scope, upper.table));
  if (lower.table === 0n) return [tableDirectoryKey(code, lower.scope, 0n).subarray(0, 17), end];
  const first = new Uint8Array(26).fill(0xff);
  first.set(tableDirectoryKey(code, lower.scope, lower.table - 1n));
  return [first, end];
}

/** The table of a directory key. */
export function tableOfDirectoryKey(key: Uint8Array): TableId {
  const v = new DataView(key.buffer, key.byteOffset, 25);
  return { code: v.getBigUint64(1), scope: v.getBigUint64(9), table: v.getBigUint64(17) };
}

/** The key of an entry of an index stored apart: its index's key ‖ u64 primary. */
export function indexEntryKey(kind: number, code: bigint, scope: bigint, table: bigint, primary: bigint): Uint8Array {
  const k = new Uint8Array(INDEX_KEY_BYTES + 8);
  k.set(indexKey(kind, code, scope, table));
  putU64(k, INDEX_KEY_BYTES, primary);
  return k;
}

/** Whether an `'I'` key is an entry of an index stored apart (not an index). */
export function isIndexEntryKey(key: Uint8Array): boolean {
  return key.length === INDEX_KEY_BYTES + 8;
}

/** An index's key; `kind` is its place in SECONDARY_KINDS (index-codec.ts). */
export function indexKey(kind: number, code: bigint, scope: bigint, table: bigint): Uint8Array {
  const k = new Uint8Array(INDEX_KEY_BYTES);
  k[0] = INDEX_TAG;
  k[1] = kind;
  putU64(k, 2, code);
  putU64(k, 10, scope);
  putU64(k, 18, table);
  return k;
}

/** The bytes of a secondary key of `kind` in an index's order key: 8 (idx64, idx_double), 16 (idx128), 32 (idx256). */
const SECONDARY_KEY_BYTES = [8, 16, 32, 8];
const IDX_DOUBLE = 3;

/**
 * The key of an index entry in the index's (secondary, primary) order: 'E' ‖ the index's key
 * after its tag ‖ secondary ‖ u64 primary. Integers big-endian; a double's bits with the sign bit
 * flipped when positive and every bit flipped when negative (so byte order is numeric order), -0
 * as +0 (they compare equal, as the index compares them).
 */
export function indexOrderKey(
  kind: number,
  code: bigint,
  scope: bigint,
  table: bigint,
  secondary: bigint | number,
  primary: bigint,
): Uint8Array {
  const n = SECONDARY_KEY_BYTES[kind]!;
  const k = new Uint8Array(INDEX_KEY_BYTES + n + 8);
  k.set(indexKey(kind, code, scope, table));
  k[0] = ENTRY_ORDER_TAG;
  const v = new DataView(k.buffer);
  if (kind === IDX_DOUBLE) {
    v.setFloat64(INDEX_KEY_BYTES, (secondary as number) === 0 ? 0 : (secondary as number));
    const high = v.getUint32(INDEX_KEY_BYTES);
    if (high & 0x8000_0000) {
      v.setUint32(INDEX_KEY_BYTES, ~high);
      v.setUint32(INDEX_KEY_BYTES + 4, ~v.getUint32(INDEX_KEY_BYTES + 4));
    } else v.setUint32(INDEX_KEY_BYTES, high | 0x8000_0000);
  } else {
    let x = secondary as bigint;
    for (let at = INDEX_KEY_BYTES + n - 8; at >= INDEX_KEY_BYTES; at -= 8, x >>= 64n) v.setBigUint64(at, x & 0xffff_ffff_ffff_ffffn);
    // the VM reads keys of the kind's width and a snapshot's are checked (index-codec.ts): past it
    // the key would sort out of the index's order
    if (x !== 0n) throw new RangeError(`a secondary key of ${n * 8} bits holds ${String(secondary).slice(0, 80)}`);
  }
  v.setBigUint64(INDEX_KEY_BYTES + n, primary);
  return k;
}

/** Bounds around the order keys of an index: [a prefix before its first, a key past its last) (either way, as `tableDirectoryBounds`). */
export function indexOrderBounds(kind: number, code: bigint, scope: bigint, table: bigint): [Uint8Array, Uint8Array] {
  const first = indexKey(kind, code, scope, table);
  first[0] = ENTRY_ORDER_TAG;
  const end = new Uint8Array(INDEX_KEY_BYTES + SECONDARY_KEY_BYTES[kind]! + 9).fill(0xff);
  end.set(first);
  return [first, end];
}

/** The primary key of an index order key (its last 8 bytes). */
export function primaryOfIndexOrderKey(key: Uint8Array): bigint {
  return new DataView(key.buffer, key.byteOffset, key.length).getBigUint64(key.length - 8);
}
