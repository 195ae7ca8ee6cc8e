/**
 * The duplicate check's transaction ids with a state store (issue 19: memory bounded by the cache,
 * not by the state). The store holds the ids (keys 'x' ‖ expiration ‖ id, store-commit.ts); memory
 * (`young`, a RecentTransactions) holds only those the store may not hold yet or may still lose:
 * the ids added since a commit that landed, and those of reversible blocks. A node at a thousand
 * transactions a second keeps an hour of ids, 3.6 million; in memory they took about 205 bytes of
 * heap each, and every collection walked them.
 *
 * - **A lookup by exact key.** A transaction's id is the hash of its bytes, its expiration among
 *   them, so a duplicate carries the expiration of the id it repeats: `has` reads the one key.
 * - **Leaving memory** (`settle`): an id leaves once its block is irreversible and a commit queued
 *   after the block was applied landed. Then no rollback can remove it, and the store holds it (a
 *   commit writes every change made before it is queued; commits land in order). Counted in
 *   commits, not blocks: a commit of a block number that a fork switch then replaced does not hold
 *   the new block's ids.
 * - **A popped block** (a fork switch) removes its ids. One a landed commit wrote stays in the
 *   store until the next commit lands: it is remembered as removed (`tombstones`) until then.
 * - **Expiry.** Ids that expire in memory are removed there (`RecentTransactions.expire`), their
 *   removal written at the next commit. Ids in the store alone are found at each commit by a walk
 *   of its keys in expiration order from where the last walk stopped, at most `EXPIRE_STEP` a
 *   commit, never into a second memory still holds ids of (those are memory's to remove).
 * - **Snapshots** read the ids through the view of their commit, which holds every id at their
 *   block, leaving out those expired by then (`snapshotIds`).
 */
import { EXPIRE_STEP, type RecentTransactions } from './recent-transactions.js';
import type { OrderedStore, StoreView } from './ordered-store.js';
import type { StoreWrite } from './chain-state.js';
import type { StoredId } from './state-snapshot.js';
import { RECENT_KEY_END, RECENT_KEY_FIRST, RECENT_VALUE, recentKey, recentKeyParts, recentSecondKey } from './store-commit.js';

/** Commit numbers as the state counts them (chain-state.ts): commit k landed once `commitsLanded >= k`. */
export interface CommitCounts {
  readonly commitsQueued: number;
  readonly commitsLanded: number;
}

/** The smallest key after `key` (`key` ‖ 0x00): a walk that resumes there skips `key` only. */
function after(key: Uint8Array): Uint8Array {
  const k = new Uint8Array(key.length + 1);
  k.set(key);
  return k;
}

export class StoredRecent {
  /** Ids of irreversible blocks, oldest first, each with the commits queued before its block was applied: they leave memory once a later one landed. */
  private readonly settling: Array<{ before: number; ids: readonly string[] }> = [];
  /** Ids a popped block removed that the store may still hold, with the commit whose landing removes them. */
  private readonly tombstones = new Map<string, number>();
  /** Where the store's walk of expired ids resumes (null: from the first id). */
  private expiredFrom: Uint8Array | null = null;
  /** The ids the last snapshot read to its end (`snapshotIds`): what the next one will walk, about (0 before the first). */
  private lastWalked = 0;

  constructor(
    private readonly store: OrderedStore,
    readonly young: RecentTransactions,
    private readonly counts: CommitCounts,
  ) {
    young.trackChanges();
  }

  /** Whether `id` (expiring at `exp`) is known: in memory, or in the store and not removed since. */
  has(id: string, exp: number): boolean {
    if (this.young.has(id)) return true;
    const removedBy = this.tombstones.get(id);
    if (removedBy !== undefined) {
      if (this.counts.commitsLanded < removedBy) return false;
      this.tombstones.delete(id);
    }
    return this.store.has(recentKey(id, exp));
  }

  /**
   * A block became irreversible with these ids (or a snapshot's ids at its block), applied when
   * `before` commits had been queued: they leave memory once a later commit landed.
   */
  irreversible(ids: readonly string[], before: number): void {
    if (ids.length > 0) this.settling.push({ before, ids });
  }

  /** A popped block's ids, removed from memory (`young.delete`): the store may hold them until the next commit lands. */
  popped(ids: readonly string[]): void {
    const by = this.counts.commitsQueued + 1;
    for (const id of ids) this.tombstones.set(id, by);
  }

  /**
   * At a commit (called as the state queues it) of a head whose time is `nowSec`: appends the ids'
   * writes, the changes since the last commit and the removal of ids expired in the store alone.
   */
  commitWrites(out: StoreWrite[], nowSec: number): void {
    for (const c of this.young.takeChanges()) out.push([recentKey(c.id, c.exp), c.present ? RECENT_VALUE : null]);
    // seconds before both now and memory's oldest: memory removes its own (and holds back a second
    // a head could not finish), and no id is added with an expiration before now
    const oldest = this.young.oldestSecond;
    const end = recentSecondKey(oldest === undefined ? nowSec : Math.min(nowSec, oldest));
    let n = 0;
    let last: Uint8Array | null = null;
    for (const key of this.store.keys(this.expiredFrom ?? RECENT_KEY_FIRST, end)) {
      if (n++ === EXPIRE_STEP) break;
      out.push([key, null]);
      last = key;
    }
    if (last !== null) this.expiredFrom = after(last);
  }

  /** At a safe point: the commits that landed since, and the ids that may leave memory now. */
  settle(): void {
    const landed = this.counts.commitsLanded;
    while (this.settling.length > 0 && this.settling[0]!.before < landed) {
      for (const id of this.settling.shift()!.ids) this.young.evict(id);
    }
    if (this.tombstones.size > 0) for (const [id, by] of this.tombstones) if (by <= landed) this.tombstones.delete(id);
  }

  /**
   * The ids' side of a snapshot's spacing (chain-state.ts `SNAPSHOT_WALK_SHARE`): those the next
   * snapshot walks (as many as the last one read) and the changes not committed yet.
   */
  get spacing(): { walked: number; changed: number } {
    return { walked: this.lastWalked, changed: this.young.changeCount };
  }

  /** Ids in memory now (the rest are in the store alone). */
  get inMemory(): number {
    return this.young.size;
  }

  /**
   * The ids as `view` (a snapshot's commit at its block) holds them that expire after `nowSec` (the
   * block's time), in batches of at most `batch`, by expiration, then id. Throws `StoreFormatError`
   * on a malformed key.
   */
  *snapshotIds(view: StoreView, nowSec: number, batch: number): Generator<readonly StoredId[]> {
    if (nowSec >= 0xffff_ffff) return; // every expiration (a u32) is at or before it
    let out: StoredId[] = [];
    let n = 0;
    for (const key of this.store.keys(recentSecondKey(nowSec + 1), RECENT_KEY_END, view)) {
      out.push(recentKeyParts(key));
      n++;
      if (out.length >= batch) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
    this.lastWalked = n;
  }
}
