/**
 * Antelope block id: a checksum256 whose first 4 bytes are the block number (big-endian), and
 * the source of a transaction's TaPoS fields: ref_block_num = block number & 0xffff,
 * ref_block_prefix = bytes 8..12 of the id read as a little-endian u32 (Leap
 * `transaction_header::set_reference_block` and `verify_reference_block`). This file is the one
 * home of that rule: the node checks TaPoS and the host builds and re-signs transactions with it.
 */
import { AntelopeError } from './error.js';
import { Checksum256, type Checksum256Type } from './checksum.js';

export type BlockIdType = BlockId | Checksum256Type;

/** The TaPoS reference a transaction header carries. */
export interface Tapos {
  ref_block_num: number;
  ref_block_prefix: number;
}

export class BlockId extends Checksum256 {
  static override from(value: BlockIdType): BlockId {
    if (value instanceof BlockId) return value;
    return new BlockId(Checksum256.from(value).array);
  }

  /** The id of block `blockNum` whose header hashes to `checksum` (Leap overwrites the first 4 bytes). */
  static fromBlockChecksum(checksum: Checksum256Type, blockNum: number): BlockId {
    if (!Number.isInteger(blockNum) || blockNum < 0 || blockNum > 0xffffffff) {
      throw new AntelopeError('INVALID_VALUE', `block id: expected block number 0..4294967295, got ${blockNum}`);
    }
    const id = Checksum256.from(checksum).array.slice();
    new DataView(id.buffer).setUint32(0, blockNum, false);
    return new BlockId(id);
  }

  get blockNum(): number {
    return new DataView(this.array.buffer, this.array.byteOffset, 32).getUint32(0, false);
  }

  /** TaPoS fields for a transaction that references this block. */
  get tapos(): Tapos {
    const v = new DataView(this.array.buffer, this.array.byteOffset, 32);
    return { ref_block_num: v.getUint32(0, false) & 0xffff, ref_block_prefix: v.getUint32(8, true) };
  }

  /** Whether a transaction's TaPoS fields reference this block (Leap `verify_reference_block`). */
  isReferencedBy(header: Tapos): boolean {
    return BlockId.bytesReferencedBy(this.array, header);
  }

  /** `isReferencedBy` on a 32-byte id as bytes, reading them in place (the node checks every push). */
  static bytesReferencedBy(id: Uint8Array, header: Tapos): boolean {
    if (id.length !== 32) throw new AntelopeError('INVALID_VALUE', `block id: expected 32 bytes, got ${id.length}`);
    const num = (id[2]! << 8) | id[3]!;
    const prefix = (id[8]! | (id[9]! << 8) | (id[10]! << 16) | (id[11]! << 24)) >>> 0;
    return num === header.ref_block_num && prefix === header.ref_block_prefix;
  }
}
