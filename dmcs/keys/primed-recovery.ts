/**
 * Key recovery with results primed ahead: a node that applies blocks one after another (a catch-up
 * from a peer, a replica following a log) has their signatures recovered on the worker pool while
 * it executes the blocks before, and the block's checks then find each key here instead of
 * recovering it on the chain's thread. Only what the pool recovered is primed, keyed by the whole
 * signature and digest, and each entry is used once; a signature the pool could not recover is not
 * primed, so the inline recovery names its error. Callers prime while fewer than
 * `PRIME_AHEAD_KEYS` are outstanding; keys of blocks that never apply are dropped after
 * `PRIMED_KEY_TTL_MS`, and the memo never holds more than `MAX_PRIMED_KEYS`.
 */
import { bytesToHex, type Signature } from '../../abi/antelope/index.js';
import type { KeyRecovery } from './key-recovery.js';
import type { KeyRecoveryPool } from './key-recovery-pool.js';

/**
 * Keys kept primed at most, the oldest dropped first: a safety bound. Callers prime only while
 * fewer than `PRIME_AHEAD_KEYS` are outstanding, so keys are used before this drops any.
 */
export const MAX_PRIMED_KEYS = 65_536;
/**
 * How far ahead blocks are primed, in signatures outstanding (primed and not used, or still being
 * recovered): 32 blocks of 500 transfers, the look-ahead that keeps the pool busy while the chain's
 * thread applies, and what bounds the pool's queue during a long catch-up.
 */
export const PRIME_AHEAD_KEYS = 16_384;
/** A primed key not used within this long belongs to a block that did not apply: dropped. */
export const PRIMED_KEY_TTL_MS = 60_000;

/** A signature to recover over its digest. */
export interface SignedDigest {
  readonly sig: Signature;
  readonly digest: Uint8Array;
}

function memoKey(sig: Signature, digest: Uint8Array): string {
  return `${sig.type}:${bytesToHex(sig.data)}:${bytesToHex(digest)}`;
}

export class PrimedRecovery implements KeyRecovery {
  /** Recovered keys by signature and digest, with when each was recovered (oldest first). */
  private readonly primed = new Map<string, { keyId: string; at: number }>();
  /** Signatures handed to the pool by `prime` and not answered yet. */
  private inFlight = 0;
  /** Recoveries answered from the memo (tests and measurements). */
  hits = 0;

  constructor(private readonly inner: KeyRecovery) {}

  get name(): KeyRecovery['name'] {
    return this.inner.name;
  }

  get size(): number {
    return this.primed.size;
  }

  /**
   * Keys primed and not used yet, plus those still being recovered: what priming more would add
   * to. Keys primed more than `PRIMED_KEY_TTL_MS` ago are dropped first (their block never applied:
   * its peer was dropped, its branch lost), so they do not hold the budget forever.
   */
  get outstanding(): number {
    const now = performance.now();
    for (const [key, v] of this.primed) {
      if (now - v.at <= PRIMED_KEY_TTL_MS) break;
      this.primed.delete(key);
    }
    return this.primed.size + this.inFlight;
  }

  recover(sig: Signature, digest: Uint8Array): string {
    if (this.primed.size > 0) {
      const key = memoKey(sig, digest);
      const hit = this.primed.get(key);
      if (hit !== undefined) {
        this.primed.delete(key);
        this.hits++;
        return hit.keyId;
      }
    }
    return this.inner.recover(sig, digest);
  }

  /** Recovers `items` on `pool` and keeps the keys for `recover`; settles when all are done (failures are left out). */
  async prime(items: readonly SignedDigest[], pool: KeyRecoveryPool): Promise<void> {
    this.inFlight += items.length;
    await Promise.all(
      items.map(({ sig, digest }) =>
        pool
          .recover(sig, digest)
          .then(
            (keyId) => {
              const key = memoKey(sig, digest);
              // re-primed (the same transaction in another branch's block): moved to the newest end,
              // so the entries stay in the order of their times for `outstanding`'s sweep
              this.primed.delete(key);
              if (this.primed.size >= MAX_PRIMED_KEYS) this.primed.delete(this.primed.keys().next().value!);
              this.primed.set(key, { keyId, at: performance.now() });
            },
            () => {},
          )
          .finally(() => this.inFlight--),
      ),
    );
  }
}
