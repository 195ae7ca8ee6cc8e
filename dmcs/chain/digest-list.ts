/**
 * A block's action receipt digests (its action_mroot's leaves), stored back to back in one buffer.
 * A pending block keeps its digests until it is sealed, i.e. across several scavenges of the young
 * generation: as 32-byte arrays, three per transfer, each a typed array, its buffer object and its
 * bytes, each copied by every scavenge it survives and then promoted (docs/performance.md,
 * fourteenth round). Here each digest is hashed straight into one buffer, which the merkle root
 * reads in place.
 * Its size needs no limit of its own: the block's CPU and net limits bound the actions in it.
 */
import { legacyMerkleRootOfFlat, sha256Into } from '../../abi/antelope/index.js';

/** Digests the buffer holds at first (2 KiB); it doubles when full. */
const INITIAL_DIGESTS = 64;

export class DigestList {
  #bytes: Uint8Array | undefined;
  #count = 0;

  /** Digests held. */
  get length(): number {
    return this.#count;
  }

  /** Appends sha256(`data`), hashed straight into the buffer (no array per digest). */
  pushSha256(data: Uint8Array): void {
    const at = 32 * this.#count;
    let bytes = this.#bytes;
    if (bytes === undefined || bytes.length < at + 32) {
      const grown = new Uint8Array(Math.max(32 * INITIAL_DIGESTS, 2 * (bytes?.length ?? 0)));
      if (bytes !== undefined) grown.set(bytes.subarray(0, at));
      this.#bytes = bytes = grown;
    }
    sha256Into(data, bytes, at);
    this.#count++;
  }

  /** Keeps the first `n` digests (a transaction that failed takes its own back out). */
  truncate(n: number): void {
    if (!(Number.isInteger(n) && n >= 0 && n <= this.#count)) throw new RangeError(`cannot truncate ${this.#count} digests to ${n}`);
    this.#count = n;
  }

  /** Leap's legacy merkle root of the digests in order (32 zero bytes for none). */
  merkleRoot(): Uint8Array {
    return legacyMerkleRootOfFlat(this.#bytes?.subarray(0, 32 * this.#count) ?? new Uint8Array(0));
  }
}
