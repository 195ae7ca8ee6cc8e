/**
 * A frozen view of the chain state after block N, read while later blocks keep changing the live
 * state: copy-on-write per record group. Starting one costs nothing; while it is open, the first
 * change after N to a table, a secondary index or an account that the writer has not reached yet
 * first saves that object's content at N (its preimage). The writer walks the live state and, for
 * each object, writes it as it is (it is still at N) and marks it done, skips it when it was born
 * after N or already saved, and finally writes the saved preimages. Every object is written once, as
 * it was at N, and production only pays for the objects it changes while the snapshot is written.
 *
 * "Done" is an epoch number stamped on the object (one comparison per write when no snapshot runs).
 * A table's preimage is all its rows, so the copy a write pays is bounded by the largest table it
 * touches, not by the state.
 */
import type { DbRow, SecondaryRow } from '../vm/contract-host.js';
import type { AccountResourceLimits } from './resource-limits.js';

/** An account as it was at N: its encoded record and its resource limits (null = the default). */
export interface SavedAccount {
  readonly record: Uint8Array;
  readonly limits: AccountResourceLimits | null;
}

/** An object the capture can stamp: tables, indexes and accounts carry the epoch of the last capture that handled them. */
export interface CaptureStamped {
  snapshotEpoch?: number;
}

let lastEpoch = 0;

export class SnapshotCapture<Table extends CaptureStamped, Index extends CaptureStamped> {
  readonly epoch = ++lastEpoch;
  /** Tables and indexes changed after N before the writer reached them: their rows at N. */
  readonly tables = new Map<Table, DbRow[]>();
  readonly indexes = new Map<Index, SecondaryRow[]>();
  /** Accounts changed after N before the writer reached them: their record and limits at N. */
  readonly accounts = new Map<string, SavedAccount>();
  private closed = false;

  /** Whether `o` needs no more attention (written, saved, or born after N). */
  handled(o: CaptureStamped): boolean {
    return o.snapshotEpoch === this.epoch;
  }

  /** Marks `o` handled (born after N, or written by the writer). */
  stamp(o: CaptureStamped): void {
    o.snapshotEpoch = this.epoch;
  }

  /** Before the first change to table `t` after N: keep its rows at N. */
  saveTable(t: Table, rows: () => DbRow[]): void {
    this.tables.set(t, rows());
    t.snapshotEpoch = this.epoch;
  }

  saveIndex(ix: Index, entries: () => SecondaryRow[]): void {
    this.indexes.set(ix, entries());
    ix.snapshotEpoch = this.epoch;
  }

  saveAccount(a: CaptureStamped & { readonly name: string }, encoded: () => SavedAccount): void {
    this.accounts.set(a.name, encoded());
    a.snapshotEpoch = this.epoch;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Drops the preimages (the snapshot is written or abandoned). */
  close(): void {
    this.closed = true;
    this.tables.clear();
    this.indexes.clear();
    this.accounts.clear();
  }
}
