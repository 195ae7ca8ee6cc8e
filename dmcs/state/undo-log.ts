/**
 * Cheap undo for chain state: every mutation records a closure that reverts it. A transaction
 * takes a checkpoint before it runs and either commits (the journal is dropped) or rolls back
 * (closures run newest first), so a failure anywhere — a native action, a contract, a notification
 * or an inline action — leaves state exactly as it was, with no copying of unrelated state.
 */
export class UndoLog {
  private readonly entries: Array<() => void> = [];
  private depth = 0;

  /** True while a checkpoint is open (mutations outside one are not recorded). */
  get active(): boolean {
    return this.depth > 0;
  }

  /** Records how to revert one mutation. A no-op outside a checkpoint (e.g. during genesis). */
  record(undo: () => void): void {
    if (this.depth > 0) this.entries.push(undo);
  }

  /** Opens a nested checkpoint; returns the mark to roll back or commit to. */
  checkpoint(): number {
    this.depth++;
    return this.entries.length;
  }

  /** Reverts every mutation recorded since `mark`, newest first, and closes the checkpoint. */
  rollback(mark: number): void {
    const e = this.entries;
    while (e.length > mark) e.pop()!();
    this.depth--;
  }

  /** Keeps the mutations since `mark`; the outermost commit drops the journal. */
  commit(mark: number): void {
    this.depth--;
    if (this.depth === 0) this.entries.length = 0;
    else void mark;
  }
}
