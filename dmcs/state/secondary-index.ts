/**
 * Secondary indexes of contract tables (`db_idx64/idx128/idx256/idx_double_*`): per
 * `(kind, code, scope, table)`, entries ordered by `(secondary, primary)` in a `SortedChunks` (O(log n)
 * inserts and removes) — secondary compared as
 * unsigned integers (idx256 as one 256-bit number, word 0 high, like Leap) or as doubles (-0 = +0)
 * — plus a map from primary key to entry; or, for a big index read back from the state store by its
 * header, the entries left in the store and those changed since in memory (stored-records.ts).
 * Implements the VM's `SecondaryTable`; every write is journalled in the `UndoLog` and charges
 * Leap's billable size per entry.
 */
import type { SecondaryKey, SecondaryKind, SecondaryRow, SecondaryTable } from '../vm/contract-host.js';
import { SECONDARY_ROW_BILLABLE_BYTES } from '../vm/contract-host.js';
import type { UndoLog } from './undo-log.js';
import type { RamCharge } from './ram-charge.js';
import { SortedChunks } from '../../lib/sorted-chunks.js';
import { StoredRecords, type RecordOrder, type RecordSource } from './stored-records.js';
import type { CaptureStamped, SnapshotCapture } from './snapshot-capture.js';
import { indexEntryRecordHash, transientRecordHash, type HashAccumulator } from './state-digest.js';

export interface IndexOwner {
  readonly undo: UndoLog;
  readonly charge: RamCharge;
  /** The state digest's record sum. */
  readonly records: HashAccumulator;
  /** The snapshot being written, if any. */
  readonly capture: SnapshotCapture<CaptureStamped, SecondaryIndex> | null;
  /** Whether the indexes live in a store (a snapshot then reads them from it, not from memory). */
  readonly persistent: boolean;
  /** With a store: the number of the commit that will write a change made now. */
  readonly nextCommit: number;
  dropIndex(ix: SecondaryIndex): void;
  /**
   * An entry (of `primary`, which held `prior` before: none for an entry added) was added or
   * removed, or (none) the index itself: with a store, the index is written at the next flush
   * (stored apart, its entries changed).
   */
  indexChanged(ix: SecondaryIndex, primary?: bigint, prior?: SecondaryRow): void;
}

/** An index's entries as the store holds them (stored apart), placed in (secondary, primary) order. */
export type EntrySource = RecordSource<SecondaryRow, IndexPlace>;
/** A place in an index's order. */
export type IndexPlace = Pick<SecondaryRow, 'secondary' | 'primary'>;

/** Order of two secondary keys of one kind. */
export function compareSecondary(a: SecondaryKey, b: SecondaryKey): number {
  // doubles: -0 and +0 compare equal through < and >; bigints compare as unsigned (all are ≥ 0)
  return a < b ? -1 : a > b ? 1 : 0;
}

/** (secondary, primary) order: an index's, and its snapshot section's. */
export function compareIndexEntries(a: IndexPlace, b: IndexPlace): number {
  return compareSecondary(a.secondary, b.secondary) || (a.primary < b.primary ? -1 : a.primary > b.primary ? 1 : 0);
}

const ENTRY_ORDER: RecordOrder<SecondaryRow, IndexPlace> = {
  id: (e) => e.primary,
  compare: compareIndexEntries,
  against: compareIndexEntries,
};
const MAX_U64 = 0xffff_ffff_ffff_ffffn;

export class SecondaryIndex implements SecondaryTable {
  /** The last snapshot capture that handled this index (snapshot-capture.ts). */
  snapshotEpoch = 0;
  /** With a store: the index's slot in the index cache's use stamps (use-stamps.ts; -1: none). */
  cacheSlot = -1;
  /** With a store, while cached: the budget units it counts beyond its first (table-store.ts `ROWS_PER_CACHE_UNIT`). */
  cacheUnits = 0;
  /** With a store: set when the index cache dropped this object (a later use reads the index back as another). */
  evicted = false;
  /**
   * With a store: whether the store holds this index's entries under keys of their own (table-store.ts
   * `ROWS_APART_MIN`), so a commit writes the entries changed since the last. Kept for its life.
   */
  entriesApart = false;
  /** Entries in (secondary, primary) order (unused while `fromStore` is set). */
  private readonly order = new SortedChunks<SecondaryRow>(compareIndexEntries);
  private readonly byPrimary = new Map<bigint, SecondaryRow>();
  /**
   * An index stored by its entries and read back by its header: its entries stay in the store,
   * memory holds those changed since. Null for an index whose entries are all in memory.
   */
  private fromStore: StoredRecords<SecondaryRow, IndexPlace> | null = null;

  constructor(
    readonly kind: SecondaryKind,
    readonly code: bigint,
    readonly scope: bigint,
    readonly table: bigint,
    public payer: bigint,
    private readonly owner: IndexOwner,
  ) {}

  get size(): number {
    return this.fromStore !== null ? this.fromStore.size : this.order.size;
  }

  /** Entries in memory (what the index counts in the cache's budget): all, or for one read back by its header, those changed since. */
  get residentEntries(): number {
    return this.fromStore !== null ? this.fromStore.resident : this.order.size;
  }

  /** Whether the index's entries stay in the store, read when asked for (`readBack`). */
  get readByEntries(): boolean {
    return this.fromStore !== null;
  }

  /** An index stored by its entries, read back by its header (`count` entries, left in the store until asked for). */
  static readBack(
    h: { kind: SecondaryKind; code: bigint; scope: bigint; table: bigint; payer: bigint },
    owner: IndexOwner,
    count: number,
    source: EntrySource,
  ): SecondaryIndex {
    const ix = new SecondaryIndex(h.kind, h.code, h.scope, h.table, h.payer, owner);
    ix.fromStore = new StoredRecords(source, ENTRY_ORDER, count);
    return ix;
  }

  /** Commits up to number `landed` are in the store (an index read back by its header lets their entries go). */
  landed(landed: number): void {
    this.fromStore?.settle(landed);
  }

  /** An index read back from the state store: entries in (secondary, primary) order, the digest untouched (they are in its sum). */
  static hydrate(
    h: { kind: SecondaryKind; code: bigint; scope: bigint; table: bigint; payer: bigint },
    owner: IndexOwner,
    entries: Iterable<SecondaryRow>,
  ): SecondaryIndex {
    const ix = new SecondaryIndex(h.kind, h.code, h.scope, h.table, h.payer, owner);
    for (const e of entries) {
      ix.order.insert(e);
      ix.byPrimary.set(e.primary, e);
    }
    return ix;
  }

  /** Entries in (secondary, primary) order. */
  entries(): IterableIterator<SecondaryRow> {
    return this.fromStore !== null ? this.fromStore.inOrder() : this.order.values();
  }

  findPrimary(primary: bigint): SecondaryRow | undefined {
    return this.fromStore !== null ? this.fromStore.find(primary) : this.byPrimary.get(primary);
  }
  /** The least entry. */
  first(): SecondaryRow | undefined {
    return this.fromStore !== null ? this.fromStore.first(null) : this.order.first(() => false);
  }
  lowerbound(secondary: SecondaryKey): SecondaryRow | undefined {
    if (this.fromStore !== null) return this.fromStore.first({ secondary, primary: 0n });
    return this.order.first((e) => compareSecondary(e.secondary, secondary) < 0);
  }
  upperbound(secondary: SecondaryKey): SecondaryRow | undefined {
    if (this.fromStore !== null) return this.fromStore.first({ secondary, primary: MAX_U64 }, true);
    return this.order.first((e) => compareSecondary(e.secondary, secondary) <= 0);
  }
  next(row: SecondaryRow): SecondaryRow | undefined {
    if (this.fromStore !== null) return this.fromStore.first(row, true);
    return this.order.first((e) => compareIndexEntries(e, row) <= 0);
  }
  previous(row: SecondaryRow): SecondaryRow | undefined {
    if (this.fromStore !== null) return this.fromStore.lastBefore(row);
    return this.order.lastBelow((e) => compareIndexEntries(e, row) < 0);
  }
  last(): SecondaryRow | undefined {
    return this.fromStore !== null ? this.fromStore.lastBefore(null) : this.order.last();
  }

  store(payer: bigint, primary: bigint, secondary: SecondaryKey): SecondaryRow {
    const row: SecondaryRow = { primary, secondary, payer };
    this.insert(row);
    this.owner.undo.record(() => this.delete(row));
    this.owner.charge(payer, SECONDARY_ROW_BILLABLE_BYTES[this.kind]);
    return row;
  }

  update(row: SecondaryRow, payer: bigint, secondary: SecondaryKey): SecondaryRow {
    const next: SecondaryRow = { primary: row.primary, secondary, payer };
    this.delete(row);
    this.insert(next);
    this.owner.undo.record(() => {
      this.delete(next);
      this.insert(row);
    });
    if (payer !== row.payer) {
      this.owner.charge(row.payer, -SECONDARY_ROW_BILLABLE_BYTES[this.kind]);
      this.owner.charge(payer, SECONDARY_ROW_BILLABLE_BYTES[this.kind]);
    }
    return next;
  }

  remove(row: SecondaryRow): void {
    this.delete(row);
    this.owner.undo.record(() => this.insert(row));
    this.owner.charge(row.payer, -SECONDARY_ROW_BILLABLE_BYTES[this.kind]);
    if (this.size === 0) this.owner.dropIndex(this);
  }

  // every write and undo goes through these two; each keeps the state digest current

  /** Before a change: a snapshot being written that has not reached this index keeps its entries first. */
  private beforeChange(): void {
    const c = this.owner.capture;
    // with a store, a snapshot reads the indexes from it (committed at N, read through a view of N)
    if (c !== null && !this.owner.persistent && this.snapshotEpoch !== c.epoch) c.saveIndex(this, () => [...this.order.values()]);
  }

  /** Adds `row`, whose primary key has no entry (a store, an update's new form, an undone removal). */
  private insert(row: SecondaryRow): void {
    this.beforeChange();
    this.owner.indexChanged(this, row.primary);
    if (this.fromStore !== null) this.fromStore.insert(row, this.owner.nextCommit);
    else {
      this.order.insert(row);
      this.byPrimary.set(row.primary, row);
    }
    this.owner.records.add(indexEntryRecordHash(this, row, transientRecordHash));
  }

  /** Removes `row` if the index holds it as it is. */
  private delete(row: SecondaryRow): void {
    this.beforeChange();
    const held = this.findPrimary(row.primary);
    if (held === undefined || compareIndexEntries(held, row) !== 0) return;
    this.owner.indexChanged(this, row.primary, row);
    if (this.fromStore !== null) this.fromStore.remove(row.primary, this.owner.nextCommit);
    else {
      this.order.delete(row);
      this.byPrimary.delete(row.primary);
    }
    this.owner.records.remove(indexEntryRecordHash(this, row, transientRecordHash));
  }
}
