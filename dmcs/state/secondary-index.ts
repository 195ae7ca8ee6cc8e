/**
 * Secondary indexes of contract tables (`db_idx64/idx128/idx256/idx_double_*`): per
 * `(kind, code, scope, table)`, entries ordered by `(secondary, primary)` in a `SortedChunks` (O(log n)
 * inserts and removes) — secondary compared as
 * unsigned integers (idx256 as one 256-bit number, word 0 high, like Leap) or as doubles (-0 = +0)
 * — plus a map from primary key to entry. Implements the VM's `SecondaryTable`; every write is
 * journalled in the `UndoLog` and charges Leap's billable size per entry.
 */
import type { SecondaryKey, SecondaryKind, SecondaryRow, SecondaryTable } from '../vm/contract-host.js';
import { SECONDARY_ROW_BILLABLE_BYTES } from '../vm/contract-host.js';
import type { UndoLog } from './undo-log.js';
import type { RamCharge } from './ram-charge.js';
import { SortedChunks } from './sorted-chunks.js';
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
  dropIndex(ix: SecondaryIndex): void;
  /**
   * An entry (of `primary`) was added or removed, or (none) the index itself: with a store, the index
   * is written at the next flush (stored apart, its entries changed).
   */
  indexChanged(ix: SecondaryIndex, primary?: bigint): void;
}

function cmpKey(a: SecondaryKey, b: SecondaryKey): number {
  // doubles: -0 and +0 compare equal through < and >; bigints compare as unsigned (all are ≥ 0)
  return a < b ? -1 : a > b ? 1 : 0;
}

/** (secondary, primary) order: an index's, and its snapshot section's. */
export function compareIndexEntries(a: SecondaryRow, b: SecondaryRow): number {
  return cmpKey(a.secondary, b.secondary) || (a.primary < b.primary ? -1 : a.primary > b.primary ? 1 : 0);
}

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
  /** Entries in (secondary, primary) order. */
  private readonly order = new SortedChunks<SecondaryRow>(compareIndexEntries);
  private readonly byPrimary = new Map<bigint, SecondaryRow>();

  constructor(
    readonly kind: SecondaryKind,
    readonly code: bigint,
    readonly scope: bigint,
    readonly table: bigint,
    public payer: bigint,
    private readonly owner: IndexOwner,
  ) {}

  get size(): number {
    return this.order.size;
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
    return this.order.values();
  }

  /** The entry at position `i` in (secondary, primary) order. */
  entryAt(i: number): SecondaryRow | undefined {
    return this.order.at(i);
  }

  /** Position of the first entry ≥ (secondary, primary). */
  position(secondary: SecondaryKey, primary: bigint): number {
    return this.order.rank((e) => (cmpKey(e.secondary, secondary) || (e.primary < primary ? -1 : e.primary > primary ? 1 : 0)) < 0);
  }

  /** Position of the first entry with secondary > `secondary`. */
  positionAfter(secondary: SecondaryKey): number {
    return this.order.rank((e) => cmpKey(e.secondary, secondary) <= 0);
  }

  findPrimary(primary: bigint): SecondaryRow | undefined {
    return this.byPrimary.get(primary);
  }
  lowerbound(secondary: SecondaryKey): SecondaryRow | undefined {
    return this.order.first((e) => cmpKey(e.secondary, secondary) < 0);
  }
  upperbound(secondary: SecondaryKey): SecondaryRow | undefined {
    return this.order.first((e) => cmpKey(e.secondary, secondary) <= 0);
  }
  next(row: SecondaryRow): SecondaryRow | undefined {
    return this.order.first((e) => compareIndexEntries(e, row) <= 0);
  }
  previous(row: SecondaryRow): SecondaryRow | undefined {
    return this.order.lastBelow((e) => compareIndexEntries(e, row) < 0);
  }
  last(): SecondaryRow | undefined {
    return this.order.last();
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
    if (this.order.size === 0) this.owner.dropIndex(this);
  }

  // every write and undo goes through these two; each keeps the state digest current

  /** Before a change: a snapshot being written that has not reached this index keeps its entries first. */
  private beforeChange(): void {
    const c = this.owner.capture;
    // with a store, a snapshot reads the indexes from it (committed at N, read through a view of N)
    if (c !== null && !this.owner.persistent && this.snapshotEpoch !== c.epoch) c.saveIndex(this, () => [...this.order.values()]);
  }

  private insert(row: SecondaryRow): void {
    this.beforeChange();
    this.owner.indexChanged(this, row.primary);
    this.order.insert(row);
    this.byPrimary.set(row.primary, row);
    this.owner.records.add(indexEntryRecordHash(this, row, transientRecordHash));
  }

  private delete(row: SecondaryRow): void {
    this.beforeChange();
    if (!this.order.delete(row)) return;
    this.owner.indexChanged(this, row.primary);
    this.byPrimary.delete(row.primary);
    this.owner.records.remove(indexEntryRecordHash(this, row, transientRecordHash));
  }
}
