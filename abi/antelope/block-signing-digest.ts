/**
 * What a legacy (pre-Savanna) Antelope block producer signs (Leap
 * `block_header_state_legacy::sig_digest`):
 *   sha256( sha256( header_digest ‖ blockroot_merkle.root ) ‖ schedule_hash )
 * where header_digest is sha256 of the block header, blockroot_merkle the incremental merkle of the
 * ids of every block before this one, and schedule_hash the sha256 of the latest proposed producer
 * schedule (the genesis schedule until one is proposed), taken from the block's resulting state.
 */
import { sha256Parts } from './hash.js';

export function legacyBlockSigningDigest(headerDigest: Uint8Array, blockrootMerkleRoot: Uint8Array, scheduleHash: Uint8Array): Uint8Array {
  return sha256Parts(sha256Parts(headerDigest, blockrootMerkleRoot), scheduleHash);
}
