/**
 * Key recovery with results primed ahead: a node that applies blocks one after another (a catch-up
 * from a peer, a replica following a log) has their signatures recovered on the worker pool while
 * it executes the blocks before, and the block's checks then find each key here instead of
 * recovering it on the chain's thread. Only what the pool recovered is primed, keyed by the whole
 * signature and digest, and each entry is used once; a signature the pool could not recover is not
 * primed, so the inline recovery names its error. The memo is bounded (`MAX_PRIMED_KEYS`, oldest
 * dropped first): primed keys of blocks that never apply cost memory only until then.
 */
import { bytesToHex, type Signature } from '../../abi/antelope/index.js';
import type { KeyRecovery } from './key-recovery.js';
import type { KeyRecoveryPool } from './key-recovery-pool.js';

/** Keys kept primed at most: four catch-up windows of 256 blocks of 64 signatures, far more than one window's blocks of a real chain carry. */
export const MAX_PRIMED_KEYS = 65_536;

/** A signature to recover over its digest. */
export interface SignedDigest {
  readonly sig: Signature;
  readonly digest: Uint8Array;
}

function memoKey(sig: Signature, digest: Uint8Array): string {
  return `${sig.type}:${bytesToHex(sig.data)}:${bytesToHex(digest)}`;
}

export class PrimedRecovery implements KeyRecovery {
  private readonly primed = new Map<string, string>();
  /** Recoveries answered from the memo (tests and measurements). */
  hits = 0;

  constructor(private readonly inner: KeyRecovery) {}

  get name(): KeyRecovery['name'] {
    return this.inner.name;
  }

  get size(): number {
    return this.primed.size;
  }

  recover(sig: Signature, digest: Uint8Array): string {
    if (this.primed.size > 0) {
      const key = memoKey(sig, digest);
      const hit = this.primed.get(key);
      if (hit !== undefined) {
        this.primed.delete(key);
        this.hits++;
        return hit;
      }
    }
    return this.inner.recover(sig, digest);
  }

  /** Recovers `items` on `pool` and keeps the keys for `recover`; settles when all are done (failures are left out). */
  async prime(items: readonly SignedDigest[], pool: KeyRecoveryPool): Promise<void> {
    await Promise.all(
      items.map(({ sig, digest }) =>
        pool.recover(sig, digest).then(
          (keyId) => {
            if (this.primed.size >= MAX_PRIMED_KEYS) this.primed.delete(this.primed.keys().next().value!);
            this.primed.set(memoKey(sig, digest), keyId);
          },
          () => {},
        ),
      ),
    );
  }
}
