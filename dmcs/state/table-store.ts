/**
 * Contract tables: `(code, scope, table)` → rows ordered by unsigned u64 primary key, each with
 * its RAM payer. Implements the VM's `ContractDatabase`/`ContractTable` (dmcs/vm/contract-host.ts):
 * keys in a `SortedChunks` (O(log n) ordered queries, inserts and removes in any key order), rows by
 * key in a Map. Every write is
 * journalled in the `UndoLog` and charges or refunds RAM with Antelope's billable sizes.
 * Secondary indexes (`SecondaryIndex`) live beside the tables, keyed by kind and name, as the VM's
 * interface describes.
 */
import type { ContractDatabase, ContractTable, DbRow, SecondaryKind } from '../vm/contract-host.js';
import { SecondaryIndex, type IndexOwner } from './secondary-index.js';
import { SortedChunks } from './sorted-chunks.js';
import type { SnapshotCapture } from './snapshot-capture.js';
import { ROW_BILLABLE_BYTES, TABLE_BILLABLE_BYTES } from '../vm/contract-host.js';
import type { UndoLog } from './undo-log.js';
import { indexRecordHash, rowRecordHash, tableRecordHash, type HashAccumulator } from './state-digest.js';

import type { RamCharge } from './ram-charge.js';
export type { RamCharge } from './ram-charge.js';

const compareKeys = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** A frozen view of tables, indexes and accounts while a snapshot is written. */
export type StateCapture = SnapshotCapture<Table, SecondaryIndex>;

export class Table implements ContractTable {
  /** The last snapshot capture that handled this table (snapshot-capture.ts). */
  snapshotEpoch = 0;
  /** Primary keys in ascending order. */
  private readonly order = new SortedChunks<bigint>(compareKeys);
  readonly rows = new Map<bigint, DbRow>();

  constructor(
    readonly code: bigint,
    readonly scope: bigint,
    readonly table: bigint,
    /** Who paid for the table object (refunded when it empties). */
    public payer: bigint,
    private readonly store_: TableStore,
  ) {}

  get size(): number {
    return this.order.size;
  }

  /** Position of the first key ≥ `k`. */
  indexOf(k: bigint): number {
    return this.order.rank((x) => x < k);
  }

  /** The key at position `i` (0 = least). */
  keyAt(i: number): bigint | undefined {
    return this.order.at(i);
  }

  at(i: number): DbRow | undefined {
    const k = this.order.at(i);
    return k === undefined ? undefined : this.rows.get(k);
  }

  /** Primary keys in ascending order. */
  keys(): IterableIterator<bigint> {
    return this.order.values();
  }

  find(primary: bigint): DbRow | undefined {
    return this.rows.get(primary);
  }
  lowerbound(primary: bigint): DbRow | undefined {
    return this.rowOf(this.order.first((x) => x < primary));
  }
  upperbound(primary: bigint): DbRow | undefined {
    return this.rowOf(this.order.first((x) => x <= primary));
  }
  previous(primary: bigint): DbRow | undefined {
    return this.rowOf(this.order.lastBelow((x) => x < primary));
  }
  last(): DbRow | undefined {
    return this.rowOf(this.order.last());
  }

  private rowOf(k: bigint | undefined): DbRow | undefined {
    return k === undefined ? undefined : this.rows.get(k);
  }

  store(payer: bigint, primary: bigint, value: Uint8Array): DbRow {
    const row: DbRow = { primary, payer, value };
    this.insertRow(row);
    this.store_.undo.record(() => this.removeRow(primary));
    this.store_.charge(payer, ROW_BILLABLE_BYTES + value.length);
    return row;
  }

  update(row: DbRow, payer: bigint, value: Uint8Array): DbRow {
    const next: DbRow = { primary: row.primary, payer, value };
    this.replaceRow(row, next);
    this.store_.undo.record(() => this.replaceRow(next, row));
    if (payer === row.payer) {
      this.store_.charge(payer, value.length - row.value.length);
    } else {
      this.store_.charge(row.payer, -(ROW_BILLABLE_BYTES + row.value.length));
      this.store_.charge(payer, ROW_BILLABLE_BYTES + value.length);
    }
    return next;
  }

  remove(row: DbRow): void {
    this.removeRow(row.primary);
    this.store_.undo.record(() => this.insertRow(row));
    this.store_.charge(row.payer, -(ROW_BILLABLE_BYTES + row.value.length));
    if (this.order.size === 0) this.store_.dropTable(this);
  }

  // the three primitives every write and every undo goes through; each keeps the state digest current

  /** Rows in key order (a snapshot's copy). */
  rowList(): DbRow[] {
    const out: DbRow[] = [];
    for (const k of this.order.values()) out.push(this.rows.get(k)!);
    return out;
  }

  /** Before a change: a snapshot being written that has not reached this table keeps its rows first. */
  private beforeChange(): void {
    const c = this.store_.capture;
    if (c !== null && this.snapshotEpoch !== c.epoch) c.saveTable(this, () => this.rowList());
  }

  private insertRow(row: DbRow): void {
    this.beforeChange();
    this.order.insert(row.primary);
    this.rows.set(row.primary, row);
    this.store_.records.add(rowRecordHash(this, row));
  }

  private removeRow(primary: bigint): void {
    const row = this.rows.get(primary);
    if (!row) return;
    this.beforeChange();
    this.order.delete(primary);
    this.rows.delete(primary);
    this.store_.records.remove(rowRecordHash(this, row));
  }

  private replaceRow(old: DbRow, next: DbRow): void {
    this.beforeChange();
    this.rows.set(old.primary, next);
    this.store_.records.remove(rowRecordHash(this, old));
    this.store_.records.add(rowRecordHash(this, next));
  }
}

export class TableStore implements ContractDatabase, IndexOwner {
  /** code → scope → table name → table. */
  private readonly byCode = new Map<bigint, Map<bigint, Map<bigint, Table>>>();
  /** `kind:code:scope:table` → secondary index. */
  readonly indexes = new Map<string, SecondaryIndex>();

  findIndex(kind: SecondaryKind, code: bigint, scope: bigint, table: bigint): SecondaryIndex | undefined {
    return this.indexes.get(`${kind}:${code}:${scope}:${table}`);
  }

  createIndex(kind: SecondaryKind, code: bigint, scope: bigint, table: bigint, payer: bigint): SecondaryIndex {
    const ix = new SecondaryIndex(kind, code, scope, table, payer, this);
    if (this.capture) this.capture.stamp(ix); // born after the snapshot's block
    this.attachIndex(ix);
    this.undo.record(() => this.detachIndex(ix));
    this.charge(payer, TABLE_BILLABLE_BYTES);
    return ix;
  }

  /** Removes an emptied index and refunds its payer. */
  dropIndex(ix: SecondaryIndex): void {
    this.detachIndex(ix);
    this.undo.record(() => this.attachIndex(ix));
    this.charge(ix.payer, -TABLE_BILLABLE_BYTES);
  }

  private attachIndex(ix: SecondaryIndex): void {
    this.indexes.set(`${ix.kind}:${ix.code}:${ix.scope}:${ix.table}`, ix);
    this.records.add(indexRecordHash(ix));
  }

  private detachIndex(ix: SecondaryIndex): void {
    this.indexes.delete(`${ix.kind}:${ix.code}:${ix.scope}:${ix.table}`);
    this.records.remove(indexRecordHash(ix));
  }

  constructor(
    readonly undo: UndoLog,
    readonly charge: RamCharge,
    /** The state digest's record sum: every table, row, index and entry is in it. */
    readonly records: HashAccumulator,
  ) {}

  /** The snapshot being written, if any (see snapshot-capture.ts). */
  capture: StateCapture | null = null;

  findTable(code: bigint, scope: bigint, table: bigint): Table | undefined {
    return this.byCode.get(code)?.get(scope)?.get(table);
  }

  createTable(code: bigint, scope: bigint, table: bigint, payer: bigint): Table {
    const t = new Table(code, scope, table, payer, this);
    if (this.capture) this.capture.stamp(t); // born after the snapshot's block
    this.attach(t);
    this.undo.record(() => this.detach(t));
    this.charge(payer, TABLE_BILLABLE_BYTES);
    return t;
  }

  /** Removes an emptied table and refunds its payer. */
  dropTable(t: Table): void {
    this.detach(t);
    this.undo.record(() => this.attach(t));
    this.charge(t.payer, -TABLE_BILLABLE_BYTES);
  }

  /** Every table of `code`, for get_table_by_scope-like queries and tests. */
  *tablesOf(code: bigint): Iterable<Table> {
    const scopes = this.byCode.get(code);
    if (!scopes) return;
    for (const tables of scopes.values()) yield* tables.values();
  }

  /** Every table, in no particular order. */
  *allTables(): IterableIterator<Table> {
    for (const scopes of this.byCode.values()) for (const tables of scopes.values()) yield* tables.values();
  }

  private attach(t: Table): void {
    this.records.add(tableRecordHash(t));
    let scopes = this.byCode.get(t.code);
    if (!scopes) this.byCode.set(t.code, (scopes = new Map()));
    let tables = scopes.get(t.scope);
    if (!tables) scopes.set(t.scope, (tables = new Map()));
    tables.set(t.table, t);
  }

  private detach(t: Table): void {
    const scopes = this.byCode.get(t.code);
    const tables = scopes?.get(t.scope);
    if (!tables?.delete(t.table)) return;
    this.records.remove(tableRecordHash(t));
    if (tables.size === 0) scopes!.delete(t.scope);
    if (scopes!.size === 0) this.byCode.delete(t.code);
  }
}
