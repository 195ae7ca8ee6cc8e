/**
 * Primary-key table intrinsics `db_*_i64` (Leap's database.cpp over apply_context's
 * `db_*_i64`): iterators as in ../iterator-cache.ts; writes only to the receiver's tables. The
 * secondary indexes are ../secondary-intrinsics.ts.
 */
import { ContractError } from '../contract-error.js';
import type { ApplyContext } from '../apply-context.js';
import type { ContractTable } from '../contract-host.js';
import { nameOf, u64, type CurrentContext, type Intrinsics } from './context.js';

/** A table by id: cached in this action, else from the host (caching it), else undefined. */
function findTable(c: ApplyContext, code: bigint, scope: bigint, table: bigint): ContractTable | undefined {
  const cached = c.iterators.lookup(code, scope, table);
  if (cached) return cached;
  const t = c.host.db.findTable(code, scope, table);
  if (t) c.iterators.cacheTable(t);
  return t;
}

/** The row at `it` and its table, which must belong to the receiver (`op` names the call). */
function ownRow(c: ApplyContext, it: number, op: string) {
  const row = c.iterators.get(it);
  const table = c.iterators.tableOf(it);
  if (table.code !== c.action.receiver) {
    throw new ContractError(
      'table_access_violation',
      `db access violation: ${op} on a table of ${nameOf(table.code)} by ${nameOf(c.action.receiver)}`,
    );
  }
  return { row, table };
}

export function databaseIntrinsics(cx: CurrentContext): Intrinsics {
  const bound =
    (kind: 'lowerbound' | 'upperbound') =>
    (code: bigint, scope: bigint, table: bigint, id: bigint): number => {
      const c = cx();
      const t = findTable(c, u64(code), u64(scope), u64(table));
      if (!t) return -1;
      const end = c.iterators.cacheTable(t);
      const row = t[kind](u64(id));
      return row ? c.iterators.add(t, row) : end;
    };

  return {
    db_store_i64(scope: bigint, table: bigint, payer: bigint, id: bigint, ptr: number, len: number): number {
      const c = cx();
      const code = c.action.receiver,
        s = u64(scope),
        tn = u64(table),
        p = u64(payer),
        key = u64(id);
      if (p === 0n) throw new ContractError('invalid_table_payer', 'must specify a valid account to pay for new record');
      c.charge(len >>> 0);
      const value = c.mem.read(ptr, len, 'db_store_i64 data');
      let t = findTable(c, code, s, tn);
      if (t?.find(key)) {
        throw new ContractError(
          'database_exception',
          `db_store_i64: a row with primary key ${key} already exists in ${nameOf(code)} ${nameOf(s)} ${nameOf(tn)}`,
        );
      }
      if (!t) {
        t = c.host.db.createTable(code, s, tn, p);
        c.iterators.cacheTable(t);
      }
      const row = t.store(p, key, value);
      return c.iterators.add(t, row);
    },
    db_update_i64(it: number, payer: bigint, ptr: number, len: number): void {
      const c = cx();
      const { row, table } = ownRow(c, it, 'db_update_i64');
      const p = u64(payer);
      c.charge(len >>> 0);
      const next = table.update(row, p === 0n ? row.payer : p, c.mem.read(ptr, len, 'db_update_i64 data'));
      c.iterators.replace(it, next);
    },
    db_remove_i64(it: number): void {
      const c = cx();
      const { row, table } = ownRow(c, it, 'db_remove_i64');
      table.remove(row);
      c.iterators.remove(it);
      if (!table.last()) c.iterators.forget(table);
    },
    db_get_i64(it: number, ptr: number, len: number): number {
      const c = cx();
      const row = c.iterators.get(it);
      const size = row.value.length;
      if (len === 0) return size;
      const n = Math.min(len >>> 0, size);
      c.charge(n);
      c.mem.write(ptr, n === size ? row.value : row.value.subarray(0, n), 'db_get_i64 buffer');
      return n;
    },
    db_next_i64(it: number, primaryPtr: number): number {
      if (it < -1) return -1; // cannot increment past the end iterator
      const c = cx();
      const row = c.iterators.get(it);
      const table = c.iterators.tableOf(it);
      const next = table.upperbound(row.primary);
      if (!next) return c.iterators.endOf(it);
      c.mem.writeU64(primaryPtr, next.primary, 'db_next_i64 primary');
      return c.iterators.add(table, next);
    },
    db_previous_i64(it: number, primaryPtr: number): number {
      const c = cx();
      if (it < -1) {
        const table = c.iterators.tableOfEnd(it);
        const last = table.last();
        if (!last) return -1;
        c.mem.writeU64(primaryPtr, last.primary, 'db_previous_i64 primary');
        return c.iterators.add(table, last);
      }
      const row = c.iterators.get(it);
      const table = c.iterators.tableOf(it);
      const prev = table.previous(row.primary);
      if (!prev) return -1;
      c.mem.writeU64(primaryPtr, prev.primary, 'db_previous_i64 primary');
      return c.iterators.add(table, prev);
    },
    db_find_i64(code: bigint, scope: bigint, table: bigint, id: bigint): number {
      const c = cx();
      const t = findTable(c, u64(code), u64(scope), u64(table));
      if (!t) return -1;
      const end = c.iterators.cacheTable(t);
      const row = t.find(u64(id));
      return row ? c.iterators.add(t, row) : end;
    },
    db_lowerbound_i64: bound('lowerbound'),
    db_upperbound_i64: bound('upperbound'),
    db_end_i64(code: bigint, scope: bigint, table: bigint): number {
      const c = cx();
      const t = findTable(c, u64(code), u64(scope), u64(table));
      return t ? c.iterators.cacheTable(t) : -1;
    },
  };
}
