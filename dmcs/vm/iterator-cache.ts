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

/**
 * Up to this many tables cached in one action are found by a scan; past it, through maps built
 * then (most actions touch a few tables: no map per table for them; a contract touching many still
 * finds each in O(1)).
 */
export const SCANNED_TABLES = 8;
/** Up to this many row iterators of one table are found by a scan; past it, through a map by primary key. */
export const SCANNED_ROWS = 8;

/** What the cache needs of a table: its id. */
interface TableId {
  readonly code: bigint;
  readonly scope: bigint;
  readonly table: bigint;
}

interface CachedTable<Table> {
  table: Table;
  end: number;
  /** false once the host removed the table (`forget`): its iterators stay, lookups miss it */
  live: boolean;
  /** the row iterators handed out for this table (dead ones included), scanned while few */
  its: number[];
  /** primary key → live iterator, once `its` passed SCANNED_ROWS */
  byPrimary: Map<bigint, number> | null;
}

/** The maps of a cache past SCANNED_TABLES. */
interface TableMaps<Table> {
  /** code → scope → table name → live cached table */
  byId: Map<bigint, Map<bigint, Map<bigint, CachedTable<Table>>>>;
  byTable: Map<Table, CachedTable<Table>>;
}

export class IteratorCache<Table extends TableId, Row extends { readonly primary: bigint }> {
  private tables: CachedTable<Table>[] = [];
  private maps: TableMaps<Table> | null = null;
  private rows: (Row | undefined)[] = [];
  private rowTable: CachedTable<Table>[] = [];

  /** A table already cached in this action (saves asking the host again), or undefined. */
  lookup(code: bigint, scope: bigint, table: bigint): Table | undefined {
    if (this.maps) return this.maps.byId.get(code)?.get(scope)?.get(table)?.table;
    for (const t of this.tables) {
      if (t.live && t.table.table === table && t.table.scope === scope && t.table.code === code) return t.table;
    }
    return undefined;
  }

  /** The end iterator of `table`, caching the table. */
  cacheTable(table: Table): number {
    let t = this.cached(table);
    if (!t) {
      t = { table, end: -(this.tables.length + 2), live: true, its: [], byPrimary: null };
      this.tables.push(t);
      if (this.maps) this.index(this.maps, t);
      else if (this.tables.length > SCANNED_TABLES) {
        const maps: TableMaps<Table> = { byId: new Map(), byTable: new Map() };
        for (const c of this.tables) if (c.live) this.index(maps, c);
        this.maps = maps;
      }
    }
    return t.end;
  }

  /** Stops looking `table` up by id (the host removed it when its last row went). Its iterators stay. */
  forget(table: Table): void {
    const t = this.cached(table);
    if (!t) return;
    t.live = false;
    if (this.maps) {
      this.maps.byId.get(table.code)?.get(table.scope)?.delete(table.table);
      this.maps.byTable.delete(table);
    }
  }

  /** The table of an end iterator. */
  tableOfEnd(end: number): Table {
    const t = this.tables[-end - 2];
    if (!t) throw new ContractError('invalid_table_iterator', 'not a valid end iterator');
    return t.table;
  }

  /** The iterator of `row` in `table` (the table must be cached), reusing an existing number. */
  add(table: Table, row: Row): number {
    const t = this.cached(table)!;
    const existing = this.find(t, row.primary);
    if (existing !== undefined) {
      this.rows[existing] = row;
      return existing;
    }
    const it = this.rows.length;
    this.rows.push(row);
    this.rowTable.push(t);
    t.its.push(it);
    if (t.byPrimary) t.byPrimary.set(row.primary, it);
    else if (t.its.length > SCANNED_ROWS) {
      t.byPrimary = new Map();
      for (const i of t.its) {
        const r = this.rows[i];
        if (r) t.byPrimary.set(r.primary, i);
      }
    }
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

  /** Points `it` at the updated row object (the same primary key). */
  replace(it: number, row: Row): void {
    this.rows[it] = row;
  }

  /** Kills a row iterator after its row was removed. */
  remove(it: number): void {
    const row = this.rows[it]!;
    this.rowTable[it]!.byPrimary?.delete(row.primary);
    this.rows[it] = undefined;
  }

  /** The live cached entry of `table`, or undefined. */
  private cached(table: Table): CachedTable<Table> | undefined {
    if (this.maps) return this.maps.byTable.get(table);
    for (const t of this.tables) if (t.table === table && t.live) return t;
    return undefined;
  }

  /** The live iterator of the row with `primary` in `t`, or undefined. */
  private find(t: CachedTable<Table>, primary: bigint): number | undefined {
    if (t.byPrimary) return t.byPrimary.get(primary);
    for (const it of t.its) if (this.rows[it]?.primary === primary) return it;
    return undefined;
  }

  private index(maps: TableMaps<Table>, t: CachedTable<Table>): void {
    const { code, scope, table } = t.table;
    maps.byTable.set(t.table, t);
    let scopes = maps.byId.get(code);
    if (!scopes) maps.byId.set(code, (scopes = new Map()));
    let names = scopes.get(scope);
    if (!names) scopes.set(scope, (names = new Map()));
    names.set(table, t);
  }
}
