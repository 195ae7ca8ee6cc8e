/**
 * Secondary indexes of contract tables (`db_idx64/idx128/idx256/idx_double_*`): per
 * `(kind, code, scope, table)`, entries ordered by `(secondary, primary)` — secondary compared as
 * unsigned integers (idx256 as one 256-bit number, word 0 high, like Leap) or as doubles (-0 = +0)
 * — plus a map from primary key to entry. Implements the VM's `SecondaryTable`; every write is
 * journalled in the `UndoLog` and charges Leap's billable size per entry.
 */
import type { SecondaryKey, SecondaryKind, SecondaryRow, SecondaryTable } from '../vm/contract-host.js';
import { SECONDARY_ROW_BILLABLE_BYTES } from '../vm/contract-host.js';
import type { UndoLog } from './undo-log.js';
import type { RamCharge } from './ram-charge.js';

export interface IndexOwner {
  readonly undo: UndoLog;
  readonly charge: RamCharge;
  dropIndex(ix: SecondaryIndex): void;
}

function cmpKey(a: SecondaryKey, b: SecondaryKey): number {
  // doubles: -0 and +0 compare equal through < and >; bigints compare as unsigned (all are ≥ 0)
  return a < b ? -1 : a > b ? 1 : 0;
}

export class SecondaryIndex implements SecondaryTable {
  /** Entries in (secondary, primary) order. */
  readonly entries: SecondaryRow[] = [];
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
    return this.entries.length;
  }

  /** Position of the first entry ≥ (secondary, primary). */
  position(secondary: SecondaryKey, primary: bigint): number {
    const a = this.entries;
    let lo = 0,
      hi = a.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      const e = a[m]!;
      const c = cmpKey(e.secondary, secondary) || (e.primary < primary ? -1 : e.primary > primary ? 1 : 0);
      if (c < 0) lo = m + 1;
      else hi = m;
    }
    return lo;
  }

  /** Position of the first entry with secondary > `secondary`. */
  positionAfter(secondary: SecondaryKey): number {
    const a = this.entries;
    let lo = 0,
      hi = a.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (cmpKey(a[m]!.secondary, secondary) <= 0) lo = m + 1;
      else hi = m;
    }
    return lo;
  }

  findPrimary(primary: bigint): SecondaryRow | undefined {
    return this.byPrimary.get(primary);
  }
  lowerbound(secondary: SecondaryKey): SecondaryRow | undefined {
    return this.entries[this.position(secondary, 0n)];
  }
  upperbound(secondary: SecondaryKey): SecondaryRow | undefined {
    return this.entries[this.positionAfter(secondary)];
  }
  next(row: SecondaryRow): SecondaryRow | undefined {
    return this.entries[this.position(row.secondary, row.primary) + 1];
  }
  previous(row: SecondaryRow): SecondaryRow | undefined {
    const i = this.position(row.secondary, row.primary);
    return i > 0 ? this.entries[i - 1] : undefined;
  }
  last(): SecondaryRow | undefined {
    return this.entries[this.entries.length - 1];
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
    if (this.entries.length === 0) this.owner.dropIndex(this);
  }

  private insert(row: SecondaryRow): void {
    this.entries.splice(this.position(row.secondary, row.primary), 0, row);
    this.byPrimary.set(row.primary, row);
  }

  private delete(row: SecondaryRow): void {
    const i = this.position(row.secondary, row.primary);
    const at = this.entries[i];
    if (at && at.primary === row.primary && cmpKey(at.secondary, row.secondary) === 0) this.entries.splice(i, 1);
    this.byPrimary.delete(row.primary);
  }
}
