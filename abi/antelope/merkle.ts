/**
 * Antelope's legacy merkle tree (Leap `libraries/chain/merkle.cpp`, before Savanna): a node is
 * sha256 of a canonical pair, whose left hash has its top bit cleared and right hash its top bit
 * set; an odd level repeats its last node. Used for transaction_mroot, action_mroot and (through
 * incremental-merkle.ts) the merkle of previous block ids that a block signature commits to.
 */
import { sha256Parts } from './hash.js';

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

/** Leap `merkle(ids)`: 32 zero bytes for no leaves, the leaf itself for one. */
export function legacyMerkleRoot(ids: readonly Uint8Array[]): Uint8Array {
  if (ids.length === 0) return new Uint8Array(32);
  let level = ids.slice();
  while (level.length > 1) {
    if (level.length % 2) level.push(level[level.length - 1]!);
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(canonicalPairHash(level[i]!, level[i + 1]!));
    level = next;
  }
  return level[0]!;
}
