/**
 * Cheap undo for chain state: every mutation records a closure that reverts it. A transaction
 * takes a checkpoint before it runs and either commits (the journal is dropped) or rolls back
 * (closures run newest first), so a failure anywhere — a native action, a contract, a notification
 * or an inline action — leaves state exactly as it was, with no copying of unrelated state.
 *
 * The chain also keeps one checkpoint open per reversible block and one for the pending block, so
 * it can drop the pending block or pop blocks when it switches forks (Leap's undo sessions); when a
 * block becomes irreversible its checkpoint, the oldest, is released. Marks are absolute positions
 * (released entries keep counting), so marks taken before a release stay valid.
 */
export class UndoLog {
  private readonly entries: Array<() => void> = [];
  /** Entries released from the front of the journal (absolute position of `entries[0]`). */
  private base = 0;
  private depth = 0;

  /** True while a checkpoint is open (mutations outside one are not recorded). */
  get active(): boolean {
    return this.depth > 0;
  }

  /** Open checkpoints. */
  get openCheckpoints(): number {
    return this.depth;
  }

  /** Records how to revert one mutation. A no-op outside a checkpoint (e.g. during genesis). */
  record(undo: () => void): void {
    if (this.depth > 0) this.entries.push(undo);
  }

  /** Opens a nested checkpoint; returns the mark to roll back or commit to. */
  checkpoint(): number {
    this.depth++;
    return this.base + this.entries.length;
  }

  /** Reverts every mutation recorded since `mark`, newest first, and closes the checkpoint. */
  rollback(mark: number): void {
    const e = this.entries;
    while (this.base + e.length > mark) e.pop()!();
    this.depth--;
  }

  /** Keeps the mutations since `mark`; the outermost commit drops the journal. */
  commit(mark: number): void {
    this.depth--;
    if (this.depth === 0) this.forgetAll();
    else void mark;
  }

  /**
   * Closes the oldest open checkpoint for good (its block became irreversible): forgets how to
   * revert what was recorded before `nextMark`, the mark of the checkpoint opened after it (or the
   * end of the journal when none is).
   */
  releaseOldest(nextMark: number): void {
    this.depth--;
    if (this.depth === 0) return this.forgetAll();
    const n = Math.min(this.entries.length, Math.max(0, nextMark - this.base));
    this.entries.splice(0, n);
    this.base += n;
  }

  /**
   * Journal positions below this are released: no closure recorded there can run any more (all of
   * them with no checkpoint open). An object whose last change recorded its closures below it is
   * referenced by no undo.
   */
  get released(): number {
    return this.depth === 0 ? Number.POSITIVE_INFINITY : this.base;
  }

  /**
   * The position an object changed now must wait for before nothing in the journal refers to it:
   * just past the closure about to be recorded (0 outside a checkpoint, where nothing is recorded).
   */
  pinFor(): number {
    return this.depth > 0 ? this.base + this.entries.length + 1 : 0;
  }

  /** The mark a checkpoint opened now would get. */
  get end(): number {
    return this.base + this.entries.length;
  }

  private forgetAll(): void {
    this.base += this.entries.length;
    this.entries.length = 0;
  }
}
