/**
 * Contract tables: `(code, scope, table)` → rows ordered by unsigned u64 primary key, each with
 * its RAM payer. Implements the VM's `ContractDatabase`/`ContractTable` (dmcs/vm/contract-host.ts):
 * keys in a `SortedChunks` (O(log n) ordered queries, inserts and removes in any key order), rows by
 * key in a Map. Every write is
 * journalled in the `UndoLog` and charges or refunds RAM with Antelope's billable sizes.
 * Secondary indexes (`SecondaryIndex`) live beside the tables, keyed by kind and name, as the VM's
 * interface describes.
 *
 * With an `OrderedStore` underneath, memory holds a bounded cache of tables (a table is one unit:
 * its header and all its rows, the budget counting a big one by its rows, `ROWS_PER_CACHE_UNIT`;
 * or, for one stored apart and read back, its header and the rows changed since, its other rows
 * read from the store when asked for: stored-records.ts), the rest live on disk as
 *
 *   key   'S' ‖ u64 scope ‖ 0x01 ‖ u64 code ‖ u64 table (store-keys.ts: right after the scope's
 *         account, whose page a transfer dirties anyway), and an empty 'D' ‖ code ‖ scope ‖ table
 *         while the table exists (the tables of a code in order, for `tablesOf`)
 *   value the snapshot's TABLE section payload (code, scope, table, payer, rows)
 *
 * or, for a table that held at least `ROWS_APART_MIN` rows at a commit (then for its life), its
 * rows apart, so a commit writes the rows it changed and not the whole table again:
 *
 *   key   the table's key as above, value: the payload with no row, then `ROWS_APART` and the
 *         table's row count (varuint32: a miss reads this key alone)
 *   key   the table's key ‖ u64 primary (right after it), value: u64 payer ‖ the row's bytes
 *
 * under the same rules as the accounts (account-store.ts): tables changed since the last flush,
 * written by a commit that has not landed yet, or that an undo closure of a reversible block still
 * refers to, are pinned, and `trim` drops the least recently used (by use stamps: use-stamps.ts),
 * and those read back and not used in a later block (probation.ts), only between blocks. A table
 * read back is rebuilt without touching the digest (its rows' hashes never left the sum). Secondary
 * indexes are cached the same way (read back on a miss, in a cache with the tables' budget,
 * trimmed by use stamps, with the tables' probation), and each one changed since the last flush is written whole under
 *
 *   key   'I' ‖ u8 kind ‖ u64 code ‖ u64 scope ‖ u64 table
 *   value the snapshot's INDEX section payload (index-codec.ts)
 *
 * or, from `ROWS_APART_MIN` entries on, by the entries changed: the payload with no entry then
 * `ENTRIES_APART` and the entry count under that key, each entry twice, under the key ‖ u64
 * primary (findPrimary) and under its place in the index's order, `indexOrderKey` (queries by
 * secondary key), both valued secondary key ‖ payer. Such an index is read back by its header, its
 * entries read from the store when asked for (stored-records.ts), as a big table's rows.
 *
 * A state opened from the store reads no index: `findIndex` reads one back at its first use
 * (`allIndexes` walks them all, for an audit).
 */
import type { ContractDatabase, ContractTable, DbRow, SecondaryKey, SecondaryKind, SecondaryRow } from '../vm/contract-host.js';
import { SecondaryIndex, compareIndexEntries, type EntrySource, type IndexOwner } from './secondary-index.js';
import { SortedChunks } from '../../lib/sorted-chunks.js';
import type { SnapshotCapture } from './snapshot-capture.js';
import { ROW_BILLABLE_BYTES, TABLE_BILLABLE_BYTES } from '../vm/contract-host.js';
import type { UndoLog } from './undo-log.js';
import { indexRecordHash, rowRecordHash, tableRecordHash, transientRecordHash, type HashAccumulator } from './state-digest.js';
import type { OrderedStore, StoreView } from './ordered-store.js';
import {
  INDEX_KEYS_END,
  INDEX_KEYS_FIRST,
  SCOPE_KEYS_END,
  SCOPE_KEYS_FIRST,
  TABLE_KIND,
  indexEntryKey,
  indexKey,
  indexOrderBounds,
  indexOrderKey,
  isIndexEntryKey,
  isRowKey,
  primaryOfIndexOrderKey,
  primaryOfRowKey,
  rowKey,
  rowKeyBounds,
  scopeKeyKind,
  tableDirectoryKey,
  tableDirectoryBounds,
  tableDirectorySpan,
  tableKey,
  tableOfDirectoryKey,
  tableOfKey,
  type TableId,
  type TablePlace,
} from './store-keys.js';
import { BinaryReader, BinaryWriter } from '../../abi/antelope/index.js';
import { CodedError } from '../../lib/coded-error.js';
import {
  SECONDARY_KINDS,
  decodeIndex,
  decodeIndexEntry,
  decodeIndexHeader,
  encodeIndex,
  encodeIndexEntry,
  type IndexHeader,
} from './index-codec.js';

import type { RamCharge } from './ram-charge.js';
import { TrimRun, UseStamps, type TrimPace, type TrimmedCache } from './use-stamps.js';
import { GHOSTS_SHARE, PROBATION_SHARE, Probation } from './probation.js';
import { SHARD_BITS, ShardedMap, stringHash, u64Hash } from '../../lib/sharded-map.js';
import { PreparedRecords } from './prepared-records.js';
import { StoredRecords, type RecordOrder, type RecordSource } from './stored-records.js';
export type { RamCharge } from './ram-charge.js';

const compareKeys = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
const MAX_U64 = 0xffffffffffffffffn;

/** A table's rows as the store holds them (stored-records.ts), placed by primary key. */
type RowSource = RecordSource<DbRow, bigint>;
/** Rows by primary key, which is also their place. */
const ROW_ORDER: RecordOrder<DbRow, bigint> = {
  id: (r) => r.primary,
  compare: (a, b) => compareKeys(a.primary, b.primary),
  against: (r, k) => compareKeys(r.primary, k),
};

/** Tables by (scope, table): get_table_by_scope's order (Leap's `by_code_scope_table`). */
const comparePlaces = (a: TablePlace, b: TablePlace): number =>
  a.scope !== b.scope ? compareKeys(a.scope, b.scope) : compareKeys(a.table, b.table);

/** A frozen view of tables, indexes and accounts while a snapshot is written. */
export type StateCapture = SnapshotCapture<Table, SecondaryIndex>;

/**
 * Tables of at most this many rows are encoded ahead of the commit (`TableStore.prepare`); a larger
 * one changed in many blocks would be encoded again at each, so it is encoded once, at the commit.
 */
export const PREPARE_ROWS_MAX = 256;

/**
 * A table of at least this many rows at a commit is stored with each row under a key of its own
 * (`rowKey`), and stays so: a commit then writes the rows changed since the last, not the whole
 * table again (a contract keeping all its rows in one scope, such as dSocial's posts, rewrote every
 * post at each commit that changed one). Smaller tables stay one value (read back in one `get`).
 * Secondary indexes the same, by entries (`indexEntryKey` and `indexOrderKey`).
 */
export const ROWS_APART_MIN = 256;
/** The byte after an empty row list in a stored table's form: its rows are stored apart. */
const ROWS_APART = 1;

/**
 * Rows a cached table holds per unit of the cache's budget beyond its first: a table of n rows
 * counts 1 + floor(n / this) (`TableStore.cached`), so the budget bounds the rows in memory, not
 * only the tables (one table of 100,000 rows takes the room of 391 one-row balances).
 */
export const ROWS_PER_CACHE_UNIT = 256;

/**
 * Rows a table keeps in one array, in key order (its queries scan it); past this it moves to a key
 * order and a map (O(log n) each). A one-row table with those took 874 bytes of heap, 519 with the
 * array (docs/dmcs.md, "Small tables without a map").
 */
export const FEW_ROWS_MAX = 8;

/**
 * A change through a table or index object that the cache had dropped: its caller kept the object
 * across a safe point, where the cache may drop it (the VM finds tables and indexes again per
 * action). Refused before anything changed, since the commit would write the change of an object
 * no longer cached as the table's (or index's) removal.
 */
export class EvictedChangeError extends CodedError<'STATE_EVICTED_CHANGE'> {
  override readonly name = 'EvictedChangeError';
  constructor(what: string) {
    super('STATE_EVICTED_CHANGE', `state: ${what} changed through an object the cache dropped (kept across a safe point)`);
  }
}

export class Table implements ContractTable {
  /** The last snapshot capture that handled this table (snapshot-capture.ts). */
  snapshotEpoch = 0;
  /** With a store: the table's slot in the cache's use stamps (use-stamps.ts; -1: none). */
  cacheSlot = -1;
  /**
   * With a store: whether the store holds this table's directory entry for sure (read from the
   * store, or written by a commit since it was last attached); when not, the next commit writes it.
   */
  inStore = false;
  /**
   * With a store: whether the store holds this table's rows under keys of their own (`ROWS_APART_MIN`),
   * so a commit writes only the rows changed since the last one. Set by the commit that first wrote
   * them so, or when read back so; kept for the table's life.
   */
  rowsApart = false;
  /** With a store, while cached: the budget units it counts beyond its first (`ROWS_PER_CACHE_UNIT`). */
  cacheUnits = 0;
  /** With a store: set when the cache dropped this object (a later use reads the table back as another). */
  evicted = false;
  /**
   * The rows in key order while there are at most `FEW_ROWS_MAX` of them (null once the table
   * outgrew that): most tables of a large state hold one row (a holder's balance), and a state
   * store's cache holds thousands, so they keep one short array instead of a key order and a map.
   */
  private few: DbRow[] | null;
  /** Past `FEW_ROWS_MAX` rows: primary keys in ascending order, and the rows by key. */
  private order: SortedChunks<bigint> | null = null;
  private byKey: Map<bigint, DbRow> | null = null;
  /**
   * A table stored by its rows and read back by its header: its rows stay in the store, memory
   * holds those changed since (stored-records.ts). Null for a table whose rows are all in memory.
   */
  private fromStore: StoredRecords<DbRow, bigint> | null = null;

  constructor(
    readonly code: bigint,
    readonly scope: bigint,
    readonly table: bigint,
    /** Who paid for the table object (refunded when it empties). */
    public payer: bigint,
    private readonly store_: TableStore,
    /** Rows in ascending key order, adopted (`hydrate`). */
    rows: DbRow[] = [],
  ) {
    if (rows.length <= FEW_ROWS_MAX) this.few = rows;
    else {
      this.few = null;
      this.grow(rows);
    }
  }

  /** A table stored by its rows, read back by its header (`count` rows, left in the store until asked for). */
  static readBack(code: bigint, scope: bigint, table: bigint, payer: bigint, owner: TableStore, count: number, source: RowSource): Table {
    const t = new Table(code, scope, table, payer, owner);
    t.few = null;
    t.fromStore = new StoredRecords(source, ROW_ORDER, count);
    return t;
  }

  /** Moves to a key order and a map (past `FEW_ROWS_MAX` rows; a table never moves back). */
  private grow(rows: DbRow[]): void {
    const order = new SortedChunks<bigint>(compareKeys);
    const byKey = new Map<bigint, DbRow>();
    for (const r of rows) {
      order.insert(r.primary);
      byKey.set(r.primary, r);
    }
    this.order = order;
    this.byKey = byKey;
    this.few = null;
  }

  get size(): number {
    if (this.few !== null) return this.few.length;
    return this.fromStore !== null ? this.fromStore.size : this.order!.size;
  }

  /** Rows in memory (what the table counts in the cache's budget): all of them, or for one read back by its header, those changed since. */
  get residentRows(): number {
    return this.fromStore !== null ? this.fromStore.resident : this.size;
  }

  /** Whether the table's rows stay in the store, read when asked for (`readBack`). */
  get readByRows(): boolean {
    return this.fromStore !== null;
  }

  /** Commits up to number `landed` are in the store (a table read back by its header lets their rows go). */
  landed(landed: number): void {
    this.fromStore?.settle(landed);
  }

  /** Position of the first key ≥ `k` (a table read back by its header counts its rows up to it). */
  indexOf(k: bigint): number {
    const few = this.few;
    if (few !== null) {
      let i = 0;
      while (i < few.length && few[i]!.primary < k) i++;
      return i;
    }
    if (this.fromStore === null) return this.order!.rank((x) => x < k);
    let i = 0;
    for (const r of this.fromStore.inOrder()) {
      if (r.primary >= k) break;
      i++;
    }
    return i;
  }

  /** The key at position `i` (0 = least). */
  keyAt(i: number): bigint | undefined {
    return this.at(i)?.primary;
  }

  /** The row at position `i` (0 = least; a table read back by its header walks its rows to it). */
  at(i: number): DbRow | undefined {
    if (this.few !== null) return this.few[i];
    if (this.fromStore === null) {
      const k = this.order!.at(i);
      return k === undefined ? undefined : this.byKey!.get(k);
    }
    if (i < 0) return undefined;
    for (const r of this.fromStore.inOrder()) if (i-- === 0) return r;
    return undefined;
  }

  /** Primary keys in ascending order. */
  *keys(): IterableIterator<bigint> {
    if (this.few === null && this.fromStore === null) yield* this.order!.values();
    else for (const r of this.rowsInOrder()) yield r.primary;
  }

  /** Rows in ascending key order. */
  *rowsInOrder(): IterableIterator<DbRow> {
    if (this.few !== null) yield* this.few;
    else if (this.fromStore !== null) yield* this.fromStore.inOrder();
    else for (const k of this.order!.values()) yield this.byKey!.get(k)!;
  }

  find(primary: bigint): DbRow | undefined {
    const few = this.few;
    if (few === null) return this.fromStore !== null ? this.fromStore.find(primary) : this.byKey!.get(primary);
    for (const r of few) if (r.primary === primary) return r;
    return undefined;
  }
  lowerbound(primary: bigint): DbRow | undefined {
    if (this.few !== null) return this.few[this.indexOf(primary)];
    if (this.fromStore !== null) return this.fromStore.first(primary);
    return this.rowOf(this.order!.first((x) => x < primary));
  }
  upperbound(primary: bigint): DbRow | undefined {
    const few = this.few;
    if (few === null) {
      if (this.fromStore !== null) return this.fromStore.first(primary, true);
      return this.rowOf(this.order!.first((x) => x <= primary));
    }
    for (const r of few) if (r.primary > primary) return r;
    return undefined;
  }
  previous(primary: bigint): DbRow | undefined {
    if (this.few !== null) return this.few[this.indexOf(primary) - 1];
    if (this.fromStore !== null) return this.fromStore.lastBefore(primary);
    return this.rowOf(this.order!.lastBelow((x) => x < primary));
  }
  last(): DbRow | undefined {
    if (this.few !== null) return this.few[this.few.length - 1];
    if (this.fromStore !== null) return this.fromStore.lastBefore(null);
    return this.rowOf(this.order!.last());
  }

  private rowOf(k: bigint | undefined): DbRow | undefined {
    return k === undefined ? undefined : this.byKey!.get(k);
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
    if (this.size === 0) this.store_.dropTable(this);
  }

  // the three primitives every write and every undo goes through; each keeps the state digest current

  /** Rows in key order (a snapshot's copy). */
  rowList(): DbRow[] {
    return this.few !== null ? this.few.slice() : [...this.rowsInOrder()];
  }

  /** Before a change: a snapshot being written that has not reached this table keeps its rows first. */
  private beforeChange(): void {
    const c = this.store_.capture;
    // with a store, a snapshot reads the tables from it (flushed at N, read through a view of N)
    if (c !== null && !this.store_.persistent && this.snapshotEpoch !== c.epoch) c.saveTable(this, () => this.rowList());
  }

  /** A table read back from the store: `rows` in ascending key order (adopted), the digest untouched. */
  static hydrate(code: bigint, scope: bigint, table: bigint, payer: bigint, owner: TableStore, rows: DbRow[]): Table {
    return new Table(code, scope, table, payer, owner, rows);
  }

  private insertRow(row: DbRow): void {
    this.beforeChange();
    this.store_.markChanged(this, row.primary);
    const few = this.few;
    if (few !== null && few.length < FEW_ROWS_MAX) few.splice(this.indexOf(row.primary), 0, row);
    else if (this.fromStore !== null) this.fromStore.insert(row, this.store_.nextCommit);
    else {
      if (few !== null) this.grow(few);
      this.order!.insert(row.primary);
      this.byKey!.set(row.primary, row);
    }
    this.store_.records.add(rowRecordHash(this, row, transientRecordHash));
    this.store_.weigh(this);
  }

  private removeRow(primary: bigint): void {
    const few = this.few;
    const i = few === null ? -1 : this.indexOf(primary);
    const row = few === null ? this.find(primary) : few[i]?.primary === primary ? few[i] : undefined;
    if (!row) return;
    this.beforeChange();
    this.store_.markChanged(this, primary);
    if (few !== null) few.splice(i, 1);
    else if (this.fromStore !== null) this.fromStore.remove(primary, this.store_.nextCommit);
    else {
      this.order!.delete(primary);
      this.byKey!.delete(primary);
    }
    this.store_.records.remove(rowRecordHash(this, row, transientRecordHash));
    this.store_.weigh(this);
  }

  private replaceRow(old: DbRow, next: DbRow): void {
    this.beforeChange();
    this.store_.markChanged(this, old.primary);
    const few = this.few;
    if (few !== null) few[this.indexOf(old.primary)] = next;
    else if (this.fromStore !== null) this.fromStore.replace(next, this.store_.nextCommit);
    else this.byKey!.set(old.primary, next);
    this.store_.records.remove(rowRecordHash(this, old, transientRecordHash));
    this.store_.records.add(rowRecordHash(this, next, transientRecordHash));
  }
}

export class TableStore implements ContractDatabase, IndexOwner {
  /** code → scope → its tables (a contract's scopes: one per holder of a token, so sharded). */
  private readonly byCode = new Map<bigint, ShardedMap<bigint, ScopeTables>>();
  /** Without a store: each code's tables in (scope, table) order (get_table_by_scope's pages; the store has its directory). */
  private readonly tableOrder = new Map<bigint, SortedChunks<Table>>();
  /**
   * With a store: each code's tables the directory may not hold as they are (`unsettled`), in
   * (scope, table) order, so a page merges them into its directory walk without looking at them all.
   */
  private readonly unsettledOrder = new Map<bigint, SortedChunks<TableId>>();
  /** Tables (and directory entries) get_table_by_scope's pages looked at since the start: tests check a page's cost. */
  pageSteps = 0;
  /**
   * `kind:code:scope:table` → secondary index, of those in memory: without a store every index;
   * with one, a cache of those used recently (`allIndexes` lists them all).
   */
  readonly indexes = new Map<string, SecondaryIndex>();

  /**
   * The index; with a store, read back from it on a miss (a state opens reading none; a big one by
   * its header, `hydrateStoredIndex`) and
   * kept in the index cache, whose budget is the tables' (`budget` units, an index counting its
   * entries as a table its rows: `ROWS_PER_CACHE_UNIT`), trimmed as the tables are (`trim`).
   */
  findIndex(kind: SecondaryKind, code: bigint, scope: bigint, table: bigint): SecondaryIndex | undefined {
    const key = indexKeyString({ kind, code, scope, table });
    const ix = this.indexes.get(key);
    if (this.store === null) return ix;
    if (ix !== undefined) {
      this.indexStamps.use(ix);
      return ix;
    }
    if (this.unsettledIndex(key)) return undefined; // removed since the store's last landed commit
    const read = this.readStoredIndex(kind, code, scope, table);
    if (read === undefined) return undefined;
    this.indexReadBacks++;
    this.rememberIndex(key, read);
    this.indexProbation.admit(key, read);
    return read;
  }

  /** With a store: indexes read back into the cache since the start (its misses that found one). */
  indexReadBacks = 0;

  /** The index cache's size in budget units: its indexes, a big one counting more. */
  get indexesCached(): number {
    return this.indexes.size + this.indexExtraUnits;
  }

  private indexExtraUnits = 0;
  /** The cached indexes' use stamps (with a store). */
  private readonly indexStamps = new UseStamps<string, SecondaryIndex>();
  /** With a store: the undo journal position each recently changed index waits for (UndoLog.pinFor). */
  private readonly indexPins = new Map<string, number>();

  /** Puts `ix` in memory under `key` (with a store: in the index cache, stamped and weighed). */
  private rememberIndex(key: string, ix: SecondaryIndex): void {
    this.indexes.set(key, ix);
    if (this.store === null) return;
    this.indexStamps.add(key, ix);
    this.weighIndex(ix);
  }

  /** Takes `ix` out of memory (with a store: out of the index cache). */
  private forgetIndex(key: string, ix: SecondaryIndex): void {
    this.indexes.delete(key);
    if (this.store === null) return;
    this.indexStamps.remove(ix);
    this.indexExtraUnits -= ix.cacheUnits;
    ix.cacheUnits = 0;
  }

  /** An index's entries changed in number, or it entered the cache: its units now (none while not cached). */
  private weighIndex(ix: SecondaryIndex): void {
    if (ix.cacheSlot < 0) return;
    const units = Math.floor(ix.residentEntries / ROWS_PER_CACHE_UNIT);
    this.indexExtraUnits += units - ix.cacheUnits;
    ix.cacheUnits = units;
  }

  /** The index cache as its trim sees it. */
  private readonly indexUnits: TrimmedCache<string, SecondaryIndex> = ((store: TableStore) => ({
    get size(): number {
      return store.indexesCached;
    },
    get: (key: string) => store.indexes.get(key),
  }))(this);

  /** Kept whatever their stamps: changed since the last flush, in a commit in flight, or referred to by an undo closure. */
  private readonly indexHeld = (key: string): boolean => this.indexPins.has(key) || this.unsettledIndex(key);
  /** Drops a cached index (the trim's and the probation's way out). */
  private readonly dropIndexFromCache = (key: string, ix: SecondaryIndex): void => {
    ix.evicted = true;
    this.forgetIndex(key, ix);
  };
  private readonly indexTrimRun = new TrimRun(this.indexUnits, this.indexStamps, this.indexHeld, this.dropIndexFromCache);
  /** Indexes read back and not used since (probation.ts), as the tables'. */
  private readonly indexProbation: Probation<string, SecondaryIndex>;

  /** The index as the store holds it (its entries apart read after it), not kept; undefined when it has none. */
  private readStoredIndex(kind: SecondaryKind, code: bigint, scope: bigint, table: bigint): SecondaryIndex | undefined {
    const k = SECONDARY_KINDS.indexOf(kind);
    // the decode copies what it keeps out of the read buffer (names, keys, no bytes)
    return this.store!.read(indexKey(k, code, scope, table), (value) => {
      let stored: ReturnType<typeof decodeIndex>;
      try {
        stored = decodeIndex(value);
      } catch (e) {
        throw new Error(
          `state store: index ${indexKeyString({ kind, code, scope, table })} has a malformed stored form (${(e as Error).message})`,
        );
      }
      return this.hydrateStoredIndex(stored);
    });
  }

  /**
   * An index from its decoded stored form: its entries inline, or, stored apart, left in the store
   * and read when asked for (`SecondaryIndex.readBack`: a miss reads the header, not the entries).
   */
  private hydrateStoredIndex({ header, entries, apart }: ReturnType<typeof decodeIndex>): SecondaryIndex {
    if (apart === null) return SecondaryIndex.hydrate(header, this, entries);
    const ix = SecondaryIndex.readBack(header, this, apart, this.entrySource(header));
    ix.entriesApart = true;
    return ix;
  }

  /** The store's entries of an index stored apart, as it holds them at each read (`SecondaryIndex.readBack`). */
  private entrySource(ix: IndexHeader): EntrySource {
    const store = this.store!;
    const kind = SECONDARY_KINDS.indexOf(ix.kind);
    const [first, end] = indexOrderBounds(kind, ix.code, ix.scope, ix.table);
    const at = (p: { secondary: SecondaryKey; primary: bigint }): Uint8Array =>
      indexOrderKey(kind, ix.code, ix.scope, ix.table, p.secondary, p.primary);
    const entry = (primary: bigint, value: Uint8Array): SecondaryRow => {
      try {
        return decodeIndexEntry(ix.kind, primary, value);
      } catch (e) {
        throw new Error(`state store: entry ${primary} of index ${indexKeyString(ix)} is malformed (${(e as Error).message})`);
      }
    };
    return {
      get: (primary) => store.read(indexEntryKey(kind, ix.code, ix.scope, ix.table, primary), (v) => entry(primary, v)),
      *from(from, after) {
        for (const { key, value } of store.range(from === null ? first : at(from), end, undefined, false, 1, after))
          yield entry(primaryOfIndexOrderKey(key), value);
      },
      *below(below) {
        for (const { key, value } of store.range(first, below === null ? end : at(below), undefined, true, 1, true))
          yield entry(primaryOfIndexOrderKey(key), value);
      },
    };
  }

  /**
   * Every index, in no particular order: those in memory, then (with a store) those only the
   * store holds, read back and not kept (an audit's walk: O(entries)).
   */
  *allIndexes(): IterableIterator<SecondaryIndex> {
    yield* this.indexes.values();
    if (this.store === null) return;
    for (const { key, value } of this.store.range(INDEX_KEYS_FIRST, INDEX_KEYS_END)) {
      if (isIndexEntryKey(key)) continue; // read with its index
      const stored = decodeIndex(value);
      const k = indexKeyString(stored.header);
      if (!this.indexes.has(k) && !this.unsettledIndex(k)) yield this.hydrateStoredIndex(stored);
    }
  }

  /** Whether the store may not hold the index `key` as memory does (changed since the last flush, or in a commit in flight). */
  private unsettledIndex(key: string): boolean {
    if (this.changedIndexes.has(key)) return true;
    for (const keys of this.landingIndexes) if (keys.has(key)) return true;
    return false;
  }

  /** The indexes each commit in flight writes, by key, oldest first. */
  private readonly landingIndexes: Array<Map<string, SecondaryIndex>> = [];

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
    this.rememberIndex(indexKeyString(ix), ix);
    this.records.add(indexRecordHash(ix, transientRecordHash));
    this.indexChanged(ix);
  }

  private detachIndex(ix: SecondaryIndex): void {
    this.forgetIndex(indexKeyString(ix), ix);
    this.records.remove(indexRecordHash(ix, transientRecordHash));
    this.indexChanged(ix);
  }

  /** With a store: indexes created, changed or removed since the last flush, by key. */
  private readonly changedIndexes = new Map<string, SecondaryIndex>();
  /**
   * Of `changedIndexes`, those stored apart: the primary keys of their entries changed since the
   * last flush, each with the entry it held at that flush (what the store holds once the commits
   * started land; none: it had none), whose order key the next commit removes if it moved.
   */
  private readonly changedEntries = new Map<string, Map<bigint, SecondaryRow | undefined>>();

  indexChanged(ix: SecondaryIndex, primary?: bigint, prior?: SecondaryRow): void {
    if (this.store === null) return;
    if (ix.evicted) throw new EvictedChangeError(`index ${indexKeyString(ix)}`);
    const key = indexKeyString(ix);
    this.changedIndexes.set(key, ix);
    this.weighIndex(ix);
    const pin = this.undo.pinFor();
    if (pin > (this.indexPins.get(key) ?? 0)) this.indexPins.set(key, pin);
    if (ix.entriesApart && primary !== undefined) {
      let entries = this.changedEntries.get(key);
      if (entries === undefined) this.changedEntries.set(key, (entries = new Map()));
      if (!entries.has(primary)) entries.set(primary, prior);
    }
  }

  /** With a store: the cached tables by key, each stamped at its last use. */
  private readonly recent = new ShardedMap<string, Table>(stringHash);
  /** The cached tables' use stamps (with a store). */
  private readonly stamps = new UseStamps<string, Table>();
  /** With a store: tables created, changed or removed since the last flush, by key (pinned). */
  private changed = new Map<string, Table>();
  /** Of `changed`, the tables stored apart: the primary keys of their rows changed since the last flush. */
  private readonly changedRows = new Map<string, Set<bigint>>();
  /** Changed tables' stored encodings made ahead of the commit (`prepare`), by key. */
  private readonly prepared = new PreparedRecords<string>();
  private readonly prepareWriter = new BinaryWriter(4096);
  /**
   * With a store: the tables each commit still in flight writes, oldest first (pinned; the store
   * holds them only once it landed, so one here and not in memory was removed).
   */
  private readonly landing: Array<Map<string, Table>> = [];

  /** Whether the store may not hold the table `key` as memory does: changed since the last flush, or written by a commit in flight. */
  private unsettled(key: string): boolean {
    return this.changed.has(key) || this.landingHas(key);
  }

  private landingHas(key: string): boolean {
    for (const m of this.landing) if (m.has(key)) return true;
    return false;
  }
  /** With a store: the undo journal position each recently changed table waits for (UndoLog.pinFor). */
  private readonly pins = new Map<string, number>();

  constructor(
    readonly undo: UndoLog,
    readonly charge: RamCharge,
    /** The state digest's record sum: every table, row, index and entry is in it. */
    readonly records: HashAccumulator,
    /** Where tables beyond the cache live (none: all in memory). */
    private readonly store: OrderedStore | null = null,
    /** Tables kept in memory after a trim (ignored without a store). */
    readonly budget = Number.POSITIVE_INFINITY,
  ) {
    const size = Math.min(budget, 1 << 30); // a budget only with a store
    // the tables' and the indexes' caches share the budget, each with a probation of the same shares
    const share = Math.floor(size * PROBATION_SHARE);
    const ghosts = Math.floor(size * GHOSTS_SHARE);
    this.probation = new Probation(this.recent, this.stamps, this.held, this.drop, share, ghosts, stringHash);
    this.indexProbation = new Probation(
      this.indexUnits,
      this.indexStamps,
      this.indexHeld,
      this.dropIndexFromCache,
      share,
      ghosts,
      stringHash,
    );
  }

  /** Whether the tables live in a store (a bounded cache) rather than all in memory. */
  get persistent(): boolean {
    return this.store !== null;
  }

  /** The cache's size in budget units (with a store): its tables, a big one counting more (`ROWS_PER_CACHE_UNIT`). */
  get cached(): number {
    return this.recent.size + this.extraUnits;
  }

  /** Of `cached`, the units of big tables beyond one each. */
  private extraUnits = 0;

  /** A table's rows changed in number, or it entered the cache: its units now (none while not cached). */
  weigh(t: Table): void {
    if (t.cacheSlot < 0) return;
    const units = Math.floor(t.residentRows / ROWS_PER_CACHE_UNIT);
    this.extraUnits += units - t.cacheUnits;
    t.cacheUnits = units;
  }

  /** `t` left the cache: its units with it. */
  private unweigh(t: Table): void {
    this.extraUnits -= t.cacheUnits;
    t.cacheUnits = 0;
  }

  /** The cache as its trims see it: the tables by key, its size in units. */
  private readonly units: TrimmedCache<string, Table> = ((store: TableStore) => ({
    get size(): number {
      return store.cached;
    },
    get: (key: string) => store.recent.get(key),
  }))(this);

  /** Tables and indexes created, changed or removed since the last flush (written at the next). */
  get changedCount(): number {
    return this.changed.size + this.changedIndexes.size;
  }

  /**
   * A table's rows changed (the row `primary`), or it was attached or detached: write it at the
   * next flush (of a table stored apart, the rows changed: `changedRows`).
   */
  markChanged(t: Table, primary?: bigint): void {
    if (this.store === null) return;
    if (t.evicted) throw new EvictedChangeError(`table ${tableKeyString(t.code, t.scope, t.table)}`);
    const key = tableKeyString(t.code, t.scope, t.table);
    if (!this.changed.has(key) && !this.landingHas(key)) placeIn(this.unsettledOrder, t.code).insert(t);
    this.changed.set(key, t);
    if (t.rowsApart && primary !== undefined) {
      let rows = this.changedRows.get(key);
      if (rows === undefined) this.changedRows.set(key, (rows = new Set()));
      rows.add(primary);
    }
    this.prepared.changed(key);
    const pin = this.undo.pinFor();
    if (pin > (this.pins.get(key) ?? 0)) this.pins.set(key, pin);
  }

  /**
   * The store writes for every table and index changed since the last flush (the snapshot encoding
   * of each; a null value removes it), to commit with the rest of the state; `commitStarted()` once queued.
   */
  writes(out: Array<[Uint8Array, Uint8Array | null]>): void {
    if (this.store === null) return;
    const w = new BinaryWriter(4096);
    for (const [key, { code, scope, table }] of this.changed) {
      const t = tableIn(this.byCode.get(code)?.get(scope), table);
      // rows stored apart that changed: written one by one (a row gone, or of a table no longer
      // stored apart, is removed); a table written apart for the first time writes all its rows
      const rows = this.changedRows.get(key);
      if (t && !t.rowsApart && t.size >= ROWS_APART_MIN) {
        t.rowsApart = true;
        for (const r of t.rowsInOrder()) out.push([rowKey(code, scope, table, r.primary), encodeRow(w, r)]);
      }
      if (rows !== undefined)
        for (const primary of rows) {
          const r = t?.rowsApart ? t.find(primary) : undefined;
          out.push([rowKey(code, scope, table, primary), r ? encodeRow(w, r) : null]);
        }
      if (t) {
        const value = t.rowsApart ? encodeTablePayload(w, t, 0, [], t.size) : (this.prepared.get(key) ?? encodeStoredTable(w, t));
        out.push([tableKey(code, scope, table), value]);
        if (!t.inStore) out.push([tableDirectoryKey(code, scope, table), NOTHING]);
        t.inStore = true;
      } else {
        out.push([tableKey(code, scope, table), null]);
        out.push([tableDirectoryKey(code, scope, table), null]);
      }
    }
    for (const [k, ix] of this.changedIndexes) {
      const live = this.indexes.get(k);
      const kind = SECONDARY_KINDS.indexOf(ix.kind);
      // as the tables' rows: entries stored apart written one by one (by primary key and in the
      // index's order), all of them the first time
      const entries = this.changedEntries.get(k);
      const put = (e: SecondaryRow): void => {
        const value = encodeIndexEntry(w, e).slice();
        out.push([indexEntryKey(kind, ix.code, ix.scope, ix.table, e.primary), value]);
        out.push([indexOrderKey(kind, ix.code, ix.scope, ix.table, e.secondary, e.primary), value]);
      };
      if (live && !live.entriesApart && live.size >= ROWS_APART_MIN) {
        live.entriesApart = true;
        for (const e of live.entries()) put(e);
      }
      if (entries !== undefined)
        for (const [primary, prior] of entries) {
          const e = live?.entriesApart ? live.findPrimary(primary) : undefined;
          // the order key the store holds goes unless the entry is still there (a put above may have written it)
          if (prior !== undefined && (e === undefined || compareIndexEntries(e, prior) !== 0))
            out.push([indexOrderKey(kind, ix.code, ix.scope, ix.table, prior.secondary, primary), null]);
          if (e !== undefined) put(e);
          else out.push([indexEntryKey(kind, ix.code, ix.scope, ix.table, primary), null]);
        }
      const key = indexKey(kind, ix.code, ix.scope, ix.table);
      if (!live) out.push([key, null]);
      else
        out.push([
          key,
          (live.entriesApart ? encodeIndex(w, live, [], live.size, true) : encodeIndex(w, live, live.entries(), live.size)).slice(),
        ]);
    }
  }

  /** Commits queued, and landed (`landed`), since the start. */
  private commitsStarted = 0;
  private commitsLanded = 0;

  /** The number of the commit that will write a change made now. */
  get nextCommit(): number {
    return this.commitsStarted + 1;
  }

  /** The writes of `writes()` are queued as a commit (the tables and indexes it writes stay pinned until it `landed`). */
  commitStarted(): void {
    this.commitsStarted++;
    this.landing.push(this.changed);
    this.changed = new Map();
    this.changedRows.clear();
    this.changedEntries.clear();
    this.landingIndexes.push(new Map(this.changedIndexes));
    this.changedIndexes.clear();
    this.prepared.clear();
  }

  /**
   * Encodes, ahead of the commit, the tables changed since the last call that are attached (one
   * removed since is written as a removal), hold at most `PREPARE_ROWS_MAX` rows and were not
   * prepared before since the last flush; `writes` then
   * copies these, so a commit block encodes only what changed since the last safe point. Returns
   * how many it encoded.
   */
  prepare(): number {
    const w = this.prepareWriter;
    return this.prepared.encodePending((key) => {
      const id = this.changed.get(key);
      const t = id && tableIn(this.byCode.get(id.code)?.get(id.scope), id.table);
      // removed, or encoded once at the commit (a big one), or written by its rows
      return !t || t.size > PREPARE_ROWS_MAX || t.rowsApart ? null : encodeStoredTable(w, t);
    });
  }

  /** The oldest commit in flight landed: the store holds what it wrote (tables read back by their header let those rows go). */
  landed(): void {
    const wrote = this.landing.shift();
    const wroteIndexes = this.landingIndexes.shift();
    this.commitsLanded++;
    if (wrote !== undefined)
      for (const [key, t] of wrote) {
        t.landed(this.commitsLanded);
        if (!this.unsettled(key)) unplace(this.unsettledOrder, t); // the directory holds it as it is
      }
    if (wroteIndexes !== undefined) for (const ix of wroteIndexes.values()) ix.landed(this.commitsLanded);
  }

  /**
   * The cache's upkeep at a safe point: first the probations' steps (probation.ts: tables and
   * indexes read back and not used in a later block go, and those read back since the last safe
   * point while their cache is over its budget), then a step of a trim (use-stamps.ts's `TrimRun`): once the
   * cache holds more than its budget, drops the least recently used tables down to `keepShare` of
   * it, at `pace`; never one the store does not hold as it is (changed since the last flush, or in
   * a commit in flight). Returns how many it dropped.
   */
  trim(keepShare: number, pace: TrimPace): number {
    if (this.store === null) return 0;
    const released = this.undo.released;
    for (const [key, pin] of this.pins) if (pin <= released) this.pins.delete(key);
    for (const [key, pin] of this.indexPins) if (pin <= released) this.indexPins.delete(key);
    let dropped = this.probation.step(this.cached - this.budget) + this.indexProbation.step(this.indexesCached - this.budget);
    if (this.indexTrimRun.running || this.indexesCached > this.budget)
      dropped += this.indexTrimRun.step(this.budget, Math.floor(this.budget * keepShare), pace);
    if (!this.trimRun.running && this.cached <= this.budget) return dropped;
    return dropped + this.trimRun.step(this.budget, Math.floor(this.budget * keepShare), pace);
  }

  /** Whether a trim is under way (it goes on at the next safe points). */
  get trimming(): boolean {
    return this.trimRun.running;
  }

  /** Whether a trim of the index cache is under way. */
  get indexesTrimming(): boolean {
    return this.indexTrimRun.running;
  }

  /**
   * Kept whatever their stamps: changed since the last flush, in a commit in flight, or referred to
   * by an undo closure of a reversible block.
   */
  private readonly held = (key: string): boolean => this.pins.has(key) || this.unsettled(key);
  /** Drops a cached table (the trim's and the probation's way out): `forget`. */
  private readonly drop = (key: string, t: Table): void => {
    t.evicted = true;
    this.forget(t, key);
  };
  private readonly trimRun = new TrimRun(this.units, this.stamps, this.held, this.drop);
  private readonly probation: Probation<string, Table>;

  /** The table as the store holds it (its rows apart read after it), not cached; undefined when it has none. */
  private readStored(code: bigint, scope: bigint, table: bigint): Table | undefined {
    return this.store!.read(tableKey(code, scope, table), (v) => decodeStoredTable(v, this, this.rowSource));
  }

  /** The store's rows of a table stored apart, as it holds them at each read (`Table.readBack`). */
  private readonly rowSource = (id: TableId): RowSource => {
    const store = this.store!;
    const [, end] = rowKeyBounds(id.code, id.scope, id.table);
    const header = tableKey(id.code, id.scope, id.table); // right before its rows: a bound left out
    return {
      get: (primary) => store.read(rowKey(id.code, id.scope, id.table, primary), (v) => decodeRow(id, primary, v, true)),
      *from(from, after) {
        for (const { key, value } of store.range(rowKey(id.code, id.scope, id.table, from ?? 0n), end, undefined, false, 1, after))
          yield decodeRow(id, primaryOfRowKey(key), value, false);
      },
      *below(below) {
        const top = below === null ? end : rowKey(id.code, id.scope, id.table, below);
        for (const { key, value } of store.range(header, top, undefined, true, 1, true))
          yield decodeRow(id, primaryOfRowKey(key), value, false);
      },
    };
  };

  /** Removes `t` from memory only (it is in the store); `key` is its `tableKeyString`. */
  private forget(t: Table, key: string): void {
    this.recent.delete(key);
    this.unweigh(t);
    const scopes = this.byCode.get(t.code);
    const left = scopes && removeFromScope(scopes, t);
    if (left === undefined) return;
    if (scopes!.size === 0) this.byCode.delete(t.code);
  }

  /** Puts `t` in the in-memory maps (no digest change: attach adds its record). */
  private remember(t: Table): void {
    let scopes = this.byCode.get(t.code);
    // sharded only as a cache (lib/sharded-map.ts); without a store, in insertion order (a snapshot's order)
    if (!scopes) this.byCode.set(t.code, (scopes = new ShardedMap(u64Hash, this.store === null ? 0 : SHARD_BITS)));
    const tables = scopes.get(t.scope);
    if (this.store === null) {
      const order = placeIn(this.tableOrder, t.code);
      if (tableIn(tables, t.table) !== undefined) order.delete(t); // replaced: pages give the live one
      order.insert(t);
    }
    if (tables === undefined) scopes.set(t.scope, t);
    else if (!(tables instanceof Table)) tables.set(t.table, t);
    else if (tables.table === t.table) scopes.set(t.scope, t);
    else
      scopes.set(
        t.scope,
        new Map([
          [tables.table, tables],
          [t.table, t],
        ]),
      );
    if (this.store === null) return;
    const key = tableKeyString(t.code, t.scope, t.table);
    const before = this.recent.get(key);
    if (before !== undefined && before !== t) {
      this.stamps.remove(before);
      this.unweigh(before);
    }
    this.stamps.add(key, t);
    this.recent.set(key, t);
    this.weigh(t);
  }

  private load(code: bigint, scope: bigint, table: bigint): Table | undefined {
    const key = tableKeyString(code, scope, table);
    if (this.unsettled(key)) return undefined; // removed since the store's last landed commit
    const t = this.readStored(code, scope, table);
    if (t === undefined) return undefined;
    this.readBacks++;
    this.remember(t);
    this.probation.admit(key, t);
    return t;
  }

  /** With a store: tables read back into the cache since the start (its misses that found a table; benches read it). */
  readBacks = 0;

  /** The snapshot being written, if any (see snapshot-capture.ts). */
  capture: StateCapture | null = null;

  findTable(code: bigint, scope: bigint, table: bigint): Table | undefined {
    const t = tableIn(this.byCode.get(code)?.get(scope), table);
    if (this.store === null) return t;
    if (t) {
      this.stamps.use(t);
      return t;
    }
    return this.load(code, scope, table);
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

  /** Every table of `code` (with a store: in scope order, then those changed since the last landed commit). */
  *tablesOf(code: bigint): Iterable<Table> {
    if (this.store === null) {
      const scopes = this.byCode.get(code);
      if (scopes) for (const tables of scopes.values()) yield* tablesIn(tables);
      return;
    }
    yield* this.storedOf(code);
    yield* this.changedSinceLanded(code);
  }

  /**
   * get_table_by_scope's page as Leap's chain_plugin walks it: `code`'s tables from (`lower`,
   * `table` or 0) to (`upper`, `table` or max) in (scope, table) order, or the reverse, looking at
   * `limit` of them and keeping those named `table` (when given: the others count too, as in Leap
   * since 4.0), then `more`, the scope of the next table in the range (null: none). `expired`,
   * asked after each table kept, ends the page there with `more` that table's scope (Leap's
   * `time_limit_ms`). So a call looks at O(limit) tables, never O(tables of `code`): with a store
   * its directory merged with the tables changed since the last landed commit, without one the
   * code's tables kept in order.
   */
  tablePage(
    code: bigint,
    q: { lower: bigint; upper: bigint; table: bigint | null; limit: number; reverse: boolean; expired?: () => boolean },
  ): { tables: Table[]; more: bigint | null } {
    const from = { scope: q.lower, table: q.table ?? 0n };
    const to = { scope: q.upper, table: q.table ?? MAX_U64 };
    const tables: Table[] = [];
    if (comparePlaces(to, from) < 0) return { tables, more: null };
    let looked = 0;
    for (const t of this.store === null ? this.orderedInMemory(code, from, to, q.reverse) : this.orderedStored(code, from, to, q.reverse)) {
      if (looked++ >= q.limit) return { tables, more: t.scope };
      if (q.table !== null && t.table !== q.table) continue;
      const live = t instanceof Table ? t : this.tableAt(t);
      if (live === undefined) continue; // not expected: the directory lists it and it is settled
      tables.push(live);
      if (q.expired?.()) return { tables, more: t.scope };
    }
    return { tables, more: null };
  }

  /** Without a store: `code`'s tables from `from` to `to` (both taken), in order or the reverse. */
  private *orderedInMemory(code: bigint, from: TablePlace, to: TablePlace, reverse: boolean): IterableIterator<Table> {
    yield* this.placesBetween(this.tableOrder.get(code), from, to, reverse);
  }

  /** The places of `order` from `from` to `to` (both taken), in order or the reverse; each counted in `pageSteps`. */
  private *placesBetween<T extends TablePlace>(
    order: SortedChunks<T> | undefined,
    from: TablePlace,
    to: TablePlace,
    reverse: boolean,
  ): IterableIterator<T> {
    if (order === undefined) return;
    const walk = reverse ? order.walk((x) => comparePlaces(x, to) <= 0, true) : order.walk((x) => comparePlaces(x, from) < 0);
    for (const x of walk) {
      this.pageSteps++;
      if (reverse ? comparePlaces(x, from) < 0 : comparePlaces(x, to) > 0) return;
      yield x;
    }
  }

  /**
   * With a store: `code`'s tables from `from` to `to` in order (or the reverse), the directory's
   * (as ids, read when kept) merged with those changed since the last landed commit (live ones:
   * the directory's entries of these are skipped, and removed ones are in neither).
   */
  private *orderedStored(code: bigint, from: TablePlace, to: TablePlace, reverse: boolean): IterableIterator<Table | TableId> {
    const dir = reverse ? -1 : 1;
    const [first, end] = tableDirectorySpan(code, from, to);
    const stored = (function* (self: TableStore): IterableIterator<TableId> {
      for (const { key } of self.store!.range(first, end, undefined, reverse, 16)) {
        self.pageSteps++;
        const id = tableOfDirectoryKey(key);
        if (!self.unsettled(tableKeyString(id.code, id.scope, id.table))) yield id;
      }
    })(this);
    const changed = (function* (self: TableStore): IterableIterator<Table> {
      for (const id of self.placesBetween(self.unsettledOrder.get(code), from, to, reverse)) {
        const t = tableIn(self.byCode.get(code)?.get(id.scope), id.table);
        if (t) yield t; // else removed since the last landed commit
      }
    })(this);
    let a = stored.next();
    let b = changed.next();
    while (!a.done || !b.done) {
      if (b.done || (!a.done && dir * comparePlaces(a.value, b.value) < 0)) {
        yield a.value as TableId;
        a = stored.next();
      } else {
        yield b.value;
        b = changed.next();
      }
    }
  }

  /** A settled table of the store, from the cache or read back (not cached). */
  private tableAt(id: TableId): Table | undefined {
    return this.recent.get(tableKeyString(id.code, id.scope, id.table)) ?? this.readStored(id.code, id.scope, id.table);
  }

  /** The store's tables of `code` by its directory, skipping those changed since the last landed commit. */
  private *storedOf(code: bigint): IterableIterator<Table> {
    const [first, end] = tableDirectoryBounds(code, 0n, MAX_U64);
    for (const { key } of this.store!.range(first, end)) {
      const id = tableOfDirectoryKey(key);
      if (this.unsettled(tableKeyString(id.code, id.scope, id.table))) continue; // in memory (changedSinceLanded), or gone
      const t = this.tableAt(id);
      if (t) yield t;
    }
  }

  /** Every table, in no particular order (with a store: those not cached are read back, not cached). */
  *allTables(): IterableIterator<Table> {
    if (this.store !== null) {
      for (const { key, value } of this.store.entries(SCOPE_KEYS_FIRST, SCOPE_KEYS_END)) {
        if (scopeKeyKind(key) !== TABLE_KIND || isRowKey(key)) continue; // an account, or a row read with its table
        const id = tableOfKey(key);
        const k = tableKeyString(id.code, id.scope, id.table);
        if (this.unsettled(k)) continue; // yielded below from memory, or gone
        yield this.recent.get(k) ?? decodeStoredTable(value, this, this.rowSource);
      }
      yield* this.changedSinceLanded(null);
      return;
    }
    for (const scopes of this.byCode.values()) for (const tables of scopes.values()) yield* tablesIn(tables);
  }

  /** The live tables (of `code`, or all) that changed since the last landed commit: the store does not hold them as they are. */
  private *changedSinceLanded(code: bigint | null): IterableIterator<Table> {
    const seen = new Set<string>();
    for (const m of [...this.landing, this.changed])
      for (const [k, { code: c, scope, table }] of m) {
        if ((code !== null && c !== code) || seen.has(k)) continue;
        seen.add(k);
        const t = tableIn(this.byCode.get(c)?.get(scope), table);
        if (t) yield t;
      }
  }

  private attach(t: Table): void {
    t.inStore = false; // a table put back by an undo may have been removed from the store meanwhile
    this.records.add(tableRecordHash(t, transientRecordHash));
    this.remember(t);
    this.markChanged(t);
  }

  private detach(t: Table): void {
    const scopes = this.byCode.get(t.code);
    const left = scopes && removeFromScope(scopes, t);
    if (left === undefined) return;
    this.records.remove(tableRecordHash(t, transientRecordHash));
    if (this.store === null) unplace(this.tableOrder, t);
    if (scopes!.size === 0) this.byCode.delete(t.code);
    if (this.store !== null) {
      this.recent.delete(tableKeyString(t.code, t.scope, t.table));
      this.stamps.remove(t);
      this.unweigh(t);
    }
    this.markChanged(t);
  }
}

/** The empty value of a directory entry. */
const NOTHING = new Uint8Array(0);

function indexKeyString(ix: { kind: SecondaryKind; code: bigint; scope: bigint; table: bigint }): string {
  return `${ix.kind}:${ix.code}:${ix.scope}:${ix.table}`;
}

/**
 * A scope's tables of one code: the table itself while it is the scope's only one (a holder's
 * balance table, and so nearly every scope of a token; a map of one entry took about 190 bytes),
 * else a map by table name.
 */
type ScopeTables = Table | Map<bigint, Table>;

/** `code`'s order in `orders`, made when missing. */
function placeIn<T extends TableId>(orders: Map<bigint, SortedChunks<T>>, code: bigint): SortedChunks<T> {
  let order = orders.get(code);
  if (order === undefined) orders.set(code, (order = new SortedChunks<T>(comparePlaces)));
  return order;
}

/** Takes the table at `t`'s place out of its code's order in `orders` (the order goes with its last). */
function unplace<T extends TableId>(orders: Map<bigint, SortedChunks<T>>, t: T): void {
  const order = orders.get(t.code);
  if (order?.delete(t) && order.size === 0) orders.delete(t.code);
}

function tableIn(tables: ScopeTables | undefined, table: bigint): Table | undefined {
  if (tables === undefined) return undefined;
  if (tables instanceof Table) return tables.table === table ? tables : undefined;
  return tables.get(table);
}

function tablesIn(tables: ScopeTables): Iterable<Table> {
  return tables instanceof Table ? [tables] : tables.values();
}

/**
 * Takes the table named as `t` out of its scope in `scopes` (the scope goes with its last table);
 * returns how many tables the scope has left, or undefined when it had none of that name.
 */
function removeFromScope(scopes: ShardedMap<bigint, ScopeTables>, t: Table): number | undefined {
  const tables = scopes.get(t.scope);
  if (tables === undefined) return undefined;
  if (tables instanceof Table) {
    if (tables.table !== t.table) return undefined;
    scopes.delete(t.scope);
    return 0;
  }
  if (!tables.delete(t.table)) return undefined;
  if (tables.size === 0) scopes.delete(t.scope);
  return tables.size;
}

function tableKeyString(code: bigint, scope: bigint, table: bigint): string {
  return `${code}:${scope}:${table}`;
}

/** The snapshot's TABLE payload: u64 code, scope, table, payer ‖ varuint32 n ‖ n × (u64 primary ‖ u64 payer ‖ bytes value). */
function encodeStoredTable(w: BinaryWriter, t: Table): Uint8Array {
  return encodeTablePayload(w, t, t.size, t.rowsInOrder());
}

/**
 * The TABLE payload; with `apartCount`, the stored form of a table whose rows are stored apart (no
 * row inline, then `ROWS_APART` and its row count, varuint32).
 */
function encodeTablePayload(
  w: BinaryWriter,
  id: TableId & { payer: bigint },
  count: number,
  rows: Iterable<DbRow>,
  apartCount: number | null = null,
): Uint8Array {
  w.reset();
  w.u64(id.code);
  w.u64(id.scope);
  w.u64(id.table);
  w.u64(id.payer);
  w.varuint32(count);
  for (const r of rows) {
    w.u64(r.primary);
    w.u64(r.payer);
    w.bytes(r.value);
  }
  if (apartCount !== null) {
    w.u8(ROWS_APART);
    w.varuint32(apartCount);
  }
  return w.finish();
}

/**
 * The code, table name and first primary key of the last table read back: the tables a cache
 * reads are mostly one contract's one table (a token's balances, each with the same primary key,
 * the symbol), so a table read back shares these bigints instead of keeping its own.
 */
const lastRead = { code: 0n, table: 0n, primary: 0n };

/** `v`, or the equal bigint at `lastRead[field]` (kept: the next read of that field may share it). */
function shared(field: keyof typeof lastRead, v: bigint): bigint {
  if (v === lastRead[field]) return lastRead[field];
  lastRead[field] = v;
  return v;
}

/** `v`, or `like` when they are equal (a payer that is the scope keeps no bigint of its own). */
function sameOr(v: bigint, like: bigint): bigint {
  return v === like ? like : v;
}

/** A row stored apart: u64 payer ‖ its value (the rest). */
function encodeRow(w: BinaryWriter, r: DbRow): Uint8Array {
  w.reset();
  w.u64(r.payer);
  w.raw(r.value);
  return w.finish();
}

/** The rows of a table stored apart, in key order, as `view` (default: the store now) holds them. */
function storedRows(store: OrderedStore, id: TableId, view: StoreView): DbRow[] {
  const [first, end] = rowKeyBounds(id.code, id.scope, id.table);
  const rows: DbRow[] = [];
  for (const { key, value } of store.range(first, end, view)) rows.push(decodeRow(id, primaryOfRowKey(key), value, false));
  return rows;
}

/** The entries of an index stored apart, as `view` holds them, in (secondary, primary) order. */
function storedIndexEntries(store: OrderedStore, ix: IndexHeader, view: StoreView): SecondaryRow[] {
  const [first, end] = indexOrderBounds(SECONDARY_KINDS.indexOf(ix.kind), ix.code, ix.scope, ix.table);
  const entries: SecondaryRow[] = [];
  for (const { key, value } of store.range(first, end, view)) entries.push(decodeIndexEntry(ix.kind, primaryOfIndexOrderKey(key), value));
  return entries;
}

/**
 * The INDEX payload of a snapshot for an index as the store holds it (`value`, read through
 * `view`): `value` itself, or, for an index stored apart, its header with its entries read after
 * it, in (secondary, primary) order as a whole index writes them.
 */
export function storedIndexPayload(store: OrderedStore, value: Uint8Array, view: StoreView): Uint8Array {
  const r = new BinaryReader(value);
  decodeIndexHeader(r);
  if (r.varuint32() !== 0) return value; // whole: its entries inline (not parsed here)
  const { header, apart } = decodeIndex(value); // no entry inline: checked as a stored form
  if (apart === null) return value;
  const entries = storedIndexEntries(store, header, view);
  if (entries.length !== apart)
    throw new Error(`state store: index ${indexKeyString(header)} counts ${apart} entries and holds ${entries.length}`);
  return encodeIndex(new BinaryWriter(4096), header, entries, entries.length).slice();
}

/**
 * A row stored apart from its stored value (u64 payer ‖ bytes); `copy`: `value` is the store's read
 * buffer, so the row's bytes are copied out of it (else a view of `value`, the walk's own copy).
 */
function decodeRow(id: TableId, primary: bigint, value: Uint8Array, copy: boolean): DbRow {
  if (value.length < 8) throw new Error(`state store: a row of table ${id.code}:${id.scope}:${id.table} has ${value.length} byte(s)`);
  const payer = new BinaryReader(value).u64();
  return { primary, payer: sameOr(payer, id.scope), value: copy ? value.slice(8) : value.subarray(8) };
}

/**
 * After a stored form's rows (`inlineRows` of them): the row count of a table stored apart (the
 * flag and the count follow, and there was no row inline), or null when nothing follows;
 * `malformedTable` for anything else.
 */
function rowsApartCount(r: BinaryReader, id: TableId, inlineRows: number): number | null {
  if (r.remaining === 0) return null;
  if (inlineRows > 0 || r.u8() !== ROWS_APART) throw malformedTable(id);
  let count: number;
  try {
    count = r.varuint32();
  } catch {
    throw malformedTable(id);
  }
  if (r.remaining !== 0 || count === 0) throw malformedTable(id); // an emptied table is removed
  return count;
}

/** A stored table whose form is neither whole nor stored apart as written. */
function malformedTable(id: TableId): Error {
  return new Error(`state store: table ${id.code}:${id.scope}:${id.table} has a malformed stored form`);
}

/**
 * The TABLE payload of a snapshot for a table as the store holds it (`value`, read through `view`):
 * `value` itself, or, for a table stored apart, its header with its rows read after it.
 */
export function storedTablePayload(store: OrderedStore, value: Uint8Array, view: StoreView): Uint8Array {
  const r = new BinaryReader(value);
  const id = { code: r.u64(), scope: r.u64(), table: r.u64(), payer: r.u64() };
  if (r.varuint32() !== 0) return value;
  const count = rowsApartCount(r, id, 0);
  if (count === null) return value;
  const rows = storedRows(store, id, view);
  if (rows.length !== count) throw malformedTable(id); // header and rows of one commit
  return encodeTablePayload(new BinaryWriter(4096), id, rows.length, rows);
}

/**
 * A table from its stored form (`bytes` may be the store's read buffer: its rows' values are
 * copies): its rows inline, or, stored apart, left in the store and read through `source` when
 * asked for (`Table.readBack`: a miss reads the header, not the rows). Payers equal to the scope
 * (a holder paying for its own balance) share the scope's bigint.
 */
function decodeStoredTable(bytes: Uint8Array, owner: TableStore, source: (id: TableId) => RowSource): Table {
  const r = new BinaryReader(bytes);
  const code = shared('code', r.u64());
  const scope = r.u64();
  const table = shared('table', r.u64());
  const payer = sameOr(r.u64(), scope);
  const rows: DbRow[] = [];
  for (let i = r.varuint32(); i > 0; i--) {
    const primary = rows.length === 0 ? shared('primary', r.u64()) : r.u64();
    rows.push({ primary, payer: sameOr(r.u64(), scope), value: r.bytes() });
  }
  const id = { code, scope, table };
  const apartCount = rowsApartCount(r, id, rows.length);
  const t =
    apartCount === null
      ? Table.hydrate(code, scope, table, payer, owner, rows)
      : Table.readBack(code, scope, table, payer, owner, apartCount, source(id));
  t.inStore = true;
  t.rowsApart = apartCount !== null;
  return t;
}
