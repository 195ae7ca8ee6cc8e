/**
 * Antelope's per-action iterator cache, after Leap's `iterator_cache` in apply_context.hpp: one for
 * the primary-key (`db_*_i64`) intrinsics and one per secondary index kind. Numbers handed to the
 * contract:
 * - `-1`: no such table, or nothing found before the beginning;
 * - `≤ -2`: the end iterator of the table with index `-(it + 2)` in this cache;
 * - `≥ 0`: a row; the same row (table + primary key) always gets the same number; a removed row's
 *   number stays dead.
 */
import { ContractError } from './contract-error.js';

/** What the cache needs of a table: its id. */
interface TableId {
  readonly code: bigint;
  readonly scope: bigint;
  readonly table: bigint;
}

interface CachedTable<Table> {
  table: Table;
  end: number;
  /** primary key → iterator */
  rows: Map<bigint, number>;
}

export class IteratorCache<Table extends TableId, Row extends { readonly primary: bigint }> {
  private tables: CachedTable<Table>[] = [];
  /** code → scope → table name → live cached table */
  private byId = new Map<bigint, Map<bigint, Map<bigint, CachedTable<Table>>>>();
  private byTable = new Map<Table, CachedTable<Table>>();
  private rows: (Row | undefined)[] = [];
  private rowTable: CachedTable<Table>[] = [];

  /** A table already cached in this action (saves asking the host again), or undefined. */
  lookup(code: bigint, scope: bigint, table: bigint): Table | undefined {
    return this.byId.get(code)?.get(scope)?.get(table)?.table;
  }

  /** The end iterator of `table`, caching the table. */
  cacheTable(table: Table): number {
    let t = this.byTable.get(table);
    if (!t) {
      t = { table, end: -(this.tables.length + 2), rows: new Map() };
      this.tables.push(t);
      this.byTable.set(table, t);
      let scopes = this.byId.get(table.code);
      if (!scopes) this.byId.set(table.code, (scopes = new Map()));
      let names = scopes.get(table.scope);
      if (!names) scopes.set(table.scope, (names = new Map()));
      names.set(table.table, t);
    }
    return t.end;
  }

  /** Stops looking `table` up by id (the host removed it when its last row went). Its iterators stay. */
  forget(table: Table): void {
    this.byId.get(table.code)?.get(table.scope)?.delete(table.table);
    this.byTable.delete(table);
  }

  /** The table of an end iterator. */
  tableOfEnd(end: number): Table {
    const t = this.tables[-end - 2];
    if (!t) throw new ContractError('invalid_table_iterator', 'not a valid end iterator');
    return t.table;
  }

  /** The iterator of `row` in `table` (the table must be cached), reusing an existing number. */
  add(table: Table, row: Row): number {
    const t = this.byTable.get(table)!;
    const existing = t.rows.get(row.primary);
    if (existing !== undefined) {
      this.rows[existing] = row;
      return existing;
    }
    const it = this.rows.length;
    this.rows.push(row);
    this.rowTable.push(t);
    t.rows.set(row.primary, it);
    return it;
  }

  /** The row of a row iterator, with Antelope's errors for -1, end and removed iterators. */
  get(it: number): Row {
    if (it === -1) throw new ContractError('invalid_table_iterator', 'invalid iterator');
    if (it < 0) throw new ContractError('table_operation_not_permitted', 'dereference of end iterator');
    if (it >= this.rows.length) throw new ContractError('invalid_table_iterator', 'iterator out of range');
    const row = this.rows[it];
    if (!row) throw new ContractError('table_operation_not_permitted', 'dereference of deleted object');
    return row;
  }

  tableOf(it: number): Table {
    return this.rowTable[it]!.table;
  }

  endOf(it: number): number {
    return this.rowTable[it]!.end;
  }

  /** Points `it` at the updated row object. */
  replace(it: number, row: Row): void {
    this.rows[it] = row;
  }

  /** Kills a row iterator after its row was removed. */
  remove(it: number): void {
    const row = this.rows[it]!;
    this.rowTable[it]!.rows.delete(row.primary);
    this.rows[it] = undefined;
  }
}
