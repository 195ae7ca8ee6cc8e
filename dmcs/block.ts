/**
 * Chain blocks in Antelope's `signed_block` binary layout (legacy header, no protocol features):
 * header (timestamp slot, producer, confirmed, previous, transaction_mroot, action_mroot,
 * schedule_version, new_producers = none, header_extensions = []), producer signature, transaction
 * receipts (status, cpu_usage_us, net_usage_words, `packed_transaction` variant) and
 * block_extensions = []. The block id is sha256 of the header with the block number written
 * big-endian over its first 4 bytes, as Antelope computes it; merkle roots use Antelope's legacy
 * canonical-pair merkle and digests.
 */
import { BinaryReader, BinaryWriter, BlockId, Name, PackedTransaction, Signature, sha256, sha256Parts } from '../abi/antelope/index.js';
import { ChainError } from './chain-error.js';

/** A `packed_transaction` exactly as it was pushed (compression 0 = none, 1 = zlib). */
export interface PackedTrx {
  signatures: Signature[];
  compression: number;
  packedContextFreeData: Uint8Array;
  packedTrx: Uint8Array;
}

export interface TransactionReceipt {
  /** 0 = executed (the only status this node records). */
  status: number;
  cpuUsageUs: number;
  netUsageWords: number;
  trx: PackedTrx;
}

export interface BlockHeader {
  /** block_timestamp_type slot: 500 ms since 2000-01-01. */
  timestamp: number;
  producer: string;
  confirmed: number;
  previous: Uint8Array;
  transactionMroot: Uint8Array;
  actionMroot: Uint8Array;
  scheduleVersion: number;
}

export interface SignedBlock extends BlockHeader {
  producerSignature: Signature;
  transactions: TransactionReceipt[];
}

export const ZERO_ID = new Uint8Array(32);

export function encodeHeader(h: BlockHeader, w: BinaryWriter): void {
  w.u32(h.timestamp);
  Name.from(h.producer).encode(w);
  w.u16(h.confirmed);
  w.raw(h.previous);
  w.raw(h.transactionMroot);
  w.raw(h.actionMroot);
  w.u32(h.scheduleVersion);
  w.u8(0); // new_producers: none
  w.varuint32(0); // header_extensions
}

/** The `packed_transaction` layout, written by the protocol core. */
export function encodePackedTrx(p: PackedTrx, w: BinaryWriter): void {
  new PackedTransaction(p.signatures, p.compression === 1 ? 'zlib' : 'none', p.packedContextFreeData, p.packedTrx).encode(w);
}

export function encodeBlock(b: SignedBlock): Uint8Array {
  const w = new BinaryWriter(1024);
  encodeHeader(b, w);
  b.producerSignature.encode(w);
  w.varuint32(b.transactions.length);
  for (const r of b.transactions) {
    w.u8(r.status);
    w.u32(r.cpuUsageUs);
    w.varuint32(r.netUsageWords);
    w.varuint32(1); // variant index 1: packed_transaction
    encodePackedTrx(r.trx, w);
  }
  w.varuint32(0); // block_extensions
  return w.finish();
}

export function decodeBlock(bytes: Uint8Array): SignedBlock {
  try {
    const r = new BinaryReader(bytes);
    const timestamp = r.u32();
    const producer = Name.decode(r).toString();
    const confirmed = r.u16();
    const previous = r.raw(32).slice();
    const transactionMroot = r.raw(32).slice();
    const actionMroot = r.raw(32).slice();
    const scheduleVersion = r.u32();
    if (r.u8() !== 0) throw new Error('new_producers is not supported');
    if (r.varuint32() !== 0) throw new Error('header_extensions are not supported');
    const producerSignature = Signature.decode(r);
    const n = r.varuint32();
    const transactions: TransactionReceipt[] = [];
    for (let i = 0; i < n; i++) {
      const status = r.u8();
      const cpuUsageUs = r.u32();
      const netUsageWords = r.varuint32();
      if (r.varuint32() !== 1) throw new Error('only packed_transaction receipts are supported');
      const p = PackedTransaction.decode(r);
      const trx = {
        signatures: p.signatures,
        compression: p.compression === 'zlib' ? 1 : 0,
        packedContextFreeData: p.packed_context_free_data,
        packedTrx: p.packed_trx,
      };
      transactions.push({ status, cpuUsageUs, netUsageWords, trx });
    }
    if (r.varuint32() !== 0) throw new Error('block_extensions are not supported');
    if (r.remaining) throw new Error(`${r.remaining} trailing bytes`);
    return { timestamp, producer, confirmed, previous, transactionMroot, actionMroot, scheduleVersion, producerSignature, transactions };
  } catch (e) {
    throw new ChainError('block_validate_exception', `cannot decode block: ${(e as Error).message}`);
  }
}

/** Block number encoded in a block id (the rule is abi/antelope/block-id.ts). */
export function blockNumOfId(id: Uint8Array): number {
  return BlockId.from(id).blockNum;
}

/** sha256 of the header (what the producer signs). */
export function headerDigest(h: BlockHeader): Uint8Array {
  const w = new BinaryWriter(256);
  encodeHeader(h, w);
  return sha256(w.peek());
}

/** Antelope block id: the header digest with the block number big-endian in bytes 0..3. */
export function blockId(h: BlockHeader): Uint8Array {
  return BlockId.fromBlockChecksum(headerDigest(h), blockNumOfId(h.previous) + 1).array;
}

/** TaPoS `ref_block_prefix` of a block id (the rule is abi/antelope/block-id.ts). */
export function refBlockPrefix(id: Uint8Array): number {
  return BlockId.from(id).tapos.ref_block_prefix;
}

/** Antelope's legacy merkle root over canonical pairs (left: top bit cleared, right: set). */
export function merkleRoot(ids: Uint8Array[]): Uint8Array {
  if (ids.length === 0) return new Uint8Array(32);
  let level = ids.slice();
  while (level.length > 1) {
    if (level.length % 2) level.push(level[level.length - 1]!);
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i]!.slice();
      l[0]! &= 0x7f;
      const r = level[i + 1]!.slice();
      r[0]! |= 0x80;
      next.push(sha256Parts(l, r));
    }
    level = next;
  }
  return level[0]!;
}

// Reused writers for digests (hashing is synchronous); two because receiptDigest nests packedDigest.
const innerWriter = new BinaryWriter(4096);
const outerWriter = new BinaryWriter(256);

/** Leap `packed_transaction::packed_digest`. */
export function packedDigest(p: PackedTrx): Uint8Array {
  const pw = innerWriter.reset();
  pw.varuint32(p.signatures.length);
  for (const s of p.signatures) s.encode(pw);
  pw.bytes(p.packedContextFreeData);
  const prunable = sha256(pw.peek());
  const w = innerWriter.reset();
  w.u8(p.compression);
  w.bytes(p.packedTrx);
  w.raw(prunable);
  return sha256(w.peek());
}

/** Leap `transaction_receipt::digest`. */
export function receiptDigest(r: TransactionReceipt): Uint8Array {
  const inner = packedDigest(r.trx);
  const w = outerWriter.reset();
  w.u8(r.status);
  w.u32(r.cpuUsageUs);
  w.varuint32(r.netUsageWords);
  w.raw(inner);
  return sha256(w.peek());
}
