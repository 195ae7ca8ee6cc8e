/**
 * When a producing node with peers may start signing blocks in its slots (Leap's
 * `_production_enabled`, which is off at start unless `enable-stale-production`). A producer that
 * restarts behind the network and signs its next slot on its stale head forks the chain: its block
 * can even win the fork choice and undo the blocks the others made meanwhile. So, after a start,
 * the slot timer produces only once the node has caught up with its peers:
 *
 * - `synced`: at least one peer greeted this node and none announced a head above this node's;
 * - `genesis`: its head is the genesis block and it has no peer to dial (a new chain: nothing to
 *   catch up on; the node that starts a network produces at once). A node that dials peers waits
 *   for them even at genesis: a producer's folder started empty on a chain that went on must not
 *   sign its first slot on the genesis block before a peer's greeting arrives;
 * - `alone`: no peer greeted it within `aloneMs` (nobody to sync with: producing alone is better
 *   than a chain that stands still);
 * - `timeout`: peers stayed ahead for `behindMs` (e.g. on a branch this node does not switch to).
 *
 * Once open the gate stays open, as Leap's flag does. Slots driven by hand (`produceSlot`, the
 * manual test clock) do not pass through it.
 */

/** How long a node that greeted no peer yet waits before producing alone. */
export const PRODUCE_ALONE_AFTER_MS = 3000;
/** How long a node whose peers stay ahead waits before producing anyway. */
export const PRODUCE_BEHIND_AFTER_MS = 30_000;

export type ProductionGateReason = 'genesis' | 'synced' | 'alone' | 'timeout';

export interface ProductionGateLimits {
  aloneMs: number;
  behindMs: number;
}

export class ProductionGate {
  readonly #since: number;
  readonly limits: ProductionGateLimits;
  #openedBy: ProductionGateReason | null = null;

  readonly #dialsPeers: boolean;

  /** `dialsPeers`: the node has peers to dial (`--peer`), not only a port peers may come to. */
  constructor(
    now: number,
    dialsPeers: boolean,
    limits: ProductionGateLimits = { aloneMs: PRODUCE_ALONE_AFTER_MS, behindMs: PRODUCE_BEHIND_AFTER_MS },
  ) {
    this.#since = now;
    this.#dialsPeers = dialsPeers;
    this.limits = limits;
  }

  /** Why the gate opened, or null while it is closed. */
  get openedBy(): ProductionGateReason | null {
    return this.#openedBy;
  }

  /**
   * Whether this slot may be produced: `headNum` is this node's head, `peerHeads` the heads its
   * greeted peers announced last. Returns the reason the gate opened on the call that opens it.
   */
  check(headNum: number, peerHeads: readonly number[], now: number): { open: boolean; openedNow: ProductionGateReason | null } {
    if (this.#openedBy) return { open: true, openedNow: null };
    const waited = now - this.#since;
    let reason: ProductionGateReason | null = null;
    if (peerHeads.some((h) => h > headNum)) {
      if (waited >= this.limits.behindMs) reason = 'timeout';
    } else if (peerHeads.length > 0) reason = 'synced';
    else if (headNum <= 1 && !this.#dialsPeers) reason = 'genesis';
    else if (waited >= this.limits.aloneMs) reason = 'alone';
    if (!reason) return { open: false, openedNow: null };
    this.#openedBy = reason;
    return { open: true, openedNow: reason };
  }
}
