/**
 * Unrequested blocks this node handles from all its peers together (MAX_NODE_UNSOLICITED_BLOCKS_PER_SECOND,
 * a token bucket): past it a block is dropped as it arrives, before its header is read, and its
 * peer is not (an honest peer flooding a new block it received is no attacker). Once less than half
 * the budget is left, the peers sending more than their share of it (the budget over the peers
 * connected) are the first whose blocks are dropped, so a few flooders do not crowd out the honest
 * neighbours' new blocks. Blocks this node asked for (a catch-up answer) never reach it.
 */
import { RateLimit } from './peer-limits.js';

/** How fast a peer's rate estimate forgets: its unrequested blocks of about the last second. */
const RATE_WINDOW_MS = 1000;

/** How many unrequested blocks one peer sends a second, estimated (a count decaying over RATE_WINDOW_MS). */
export class SenderRate {
  private rate = 0;
  private at = 0;

  /** Counts one more block at `now`; the estimate after it. */
  add(now: number): number {
    this.rate = this.rate * Math.exp(-(now - this.at) / RATE_WINDOW_MS) + 1;
    this.at = now;
    return this.rate;
  }
}

export class UnsolicitedBlockBudget {
  private readonly bucket: RateLimit;
  /** Blocks dropped past the budget (diagnosis and tests). */
  dropped = 0;

  constructor(readonly perSecond: number) {
    this.bucket = new RateLimit(perSecond);
  }

  /**
   * Whether an unrequested block from the peer of `sender` may be handled; `peers` share the budget.
   * Counts the block in the sender's rate either way: a peer that keeps flooding stays above its share.
   */
  admit(sender: SenderRate, peers: number, now = performance.now()): boolean {
    const rate = sender.add(now);
    const pressed = this.bucket.available(now) < this.perSecond / 2;
    if ((pressed && rate > this.perSecond / Math.max(1, peers)) || !this.bucket.take(now)) {
      this.dropped++;
      return false;
    }
    return true;
  }
}
