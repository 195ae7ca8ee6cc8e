/**
 * Antelope's legacy merkle tree (Leap `libraries/chain/merkle.cpp`, before Savanna): a node is
 * sha256 of a canonical pair, whose left hash has its top bit cleared and right hash its top bit
 * set; an odd level repeats its last node. Used for transaction_mroot, action_mroot and (through
 * incremental-merkle.ts) the merkle of previous block ids that a block signature commits to.
 */
import { sha256Into, sha256Parts } from './hash.js';

const leftScratch = new Uint8Array(32);
const rightScratch = new Uint8Array(32);

/** sha256(make_canonical_left(l) ‖ make_canonical_right(r)). */
export function canonicalPairHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  leftScratch.set(left);
  leftScratch[0]! &= 0x7f;
  rightScratch.set(right);
  rightScratch[0]! |= 0x80;
  return sha256Parts(leftScratch, rightScratch);
}

/** Nodes of one level, 32 bytes each, reused across roots (hashing is synchronous, so nothing interleaves). */
let levelScratch = new Uint8Array(32 * 64);
/** The canonical pair being hashed. */
const pairScratch = new Uint8Array(64);

/** The level buffer for `n` leaves (and the repeated last node of an odd level). */
function levelFor(n: number): Uint8Array {
  const bytes = 32 * (n + 1);
  if (levelScratch.length < bytes) levelScratch = new Uint8Array(2 ** Math.ceil(Math.log2(bytes)));
  return levelScratch;
}

/**
 * Leap `merkle(ids)`: 32 zero bytes for no leaves, the leaf itself for one. The levels are
 * computed in place in one reused buffer (node i of a level overwrites node i of the one below,
 * already read), so a root of n leaves allocates one result and n − 1 digest strings, not an array
 * and a digest per node.
 */
export function legacyMerkleRoot(ids: readonly Uint8Array[]): Uint8Array {
  const n = ids.length;
  if (n === 0) return new Uint8Array(32);
  const level = levelFor(n);
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (id.length !== 32) throw new RangeError(`merkle leaf ${i} is ${id.length} bytes, not 32`);
    level.set(id, 32 * i);
  }
  return rootInPlace(level, n);
}

/**
 * The same root over leaves stored back to back, 32 bytes each (a pending block's action digests,
 * dmcs/chain/digest-list.ts): one copy of the buffer instead of a 32-byte array per leaf.
 */
export function legacyMerkleRootOfFlat(leaves: Uint8Array): Uint8Array {
  if (leaves.length % 32 !== 0) throw new RangeError(`merkle leaves of ${leaves.length} bytes are not 32-byte leaves`);
  const n = leaves.length / 32;
  if (n === 0) return new Uint8Array(32);
  const level = levelFor(n);
  level.set(leaves, 0);
  return rootInPlace(level, n);
}

/** Reduces the `n` leaves at the start of `level` to their root, level by level in place. */
function rootInPlace(level: Uint8Array, n: number): Uint8Array {
  while (n > 1) {
    if (n % 2) {
      level.copyWithin(32 * n, 32 * (n - 1), 32 * n);
      n++;
    }
    for (let i = 0; i < n; i += 2) {
      // copied by hand: a subarray view per node is the garbage this avoids
      for (let b = 0, at = 32 * i; b < 64; b++) pairScratch[b] = level[at + b]!;
      pairScratch[0]! &= 0x7f;
      pairScratch[32]! |= 0x80;
      sha256Into(pairScratch, level, 16 * i);
    }
    n /= 2;
  }
  return level.slice(0, 32);
}
