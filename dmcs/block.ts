/**
 * Chain blocks in Antelope's `signed_block` binary layout (legacy header, no protocol features):
 * header (timestamp slot, producer, confirmed, previous, transaction_mroot, action_mroot,
 * schedule_version, new_producers (a legacy producer schedule, only in the block that proposes one),
 * header_extensions = []), producer signature, transaction
 * receipts (status, cpu_usage_us, net_usage_words, `packed_transaction` variant) and
 * block_extensions = []. The block id is sha256 of the header with the block number written
 * big-endian over its first 4 bytes, as Antelope computes it; merkle roots use Antelope's legacy
 * canonical-pair merkle and digests.
 */
import {
  BinaryReader,
  BinaryWriter,
  BlockId,
  legacyMerkleRoot,
  Name,
  PackedTransaction,
  ProducerSchedule,
  Signature,
  sha256,
} from '../abi/antelope/index.js';
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
  /** The producer schedule this block proposes (it becomes active once this block is irreversible). */
  newProducers?: ProducerSchedule;
  /** Leap's header extensions (protocol feature activations, …): read and hashed, never made by this node. */
  headerExtensions?: Array<{ type: number; data: Uint8Array }>;
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
  if (h.newProducers) {
    w.u8(1);
    h.newProducers.encode(w);
  } else w.u8(0);
  const exts = h.headerExtensions ?? [];
  w.varuint32(exts.length);
  for (const e of exts) {
    w.u16(e.type);
    w.bytes(e.data);
  }
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

/** Reads a block header (throws plain errors; decodeBlock and decodeHeaderBytes wrap them). */
function readHeader(r: BinaryReader): BlockHeader {
  const timestamp = r.u32();
  const producer = Name.decode(r).toString();
  const confirmed = r.u16();
  const previous = r.raw(32).slice();
  const transactionMroot = r.raw(32).slice();
  const actionMroot = r.raw(32).slice();
  const scheduleVersion = r.u32();
  const hasNewProducers = r.u8();
  if (hasNewProducers > 1) throw new Error(`new_producers: optional flag ${hasNewProducers}`);
  const newProducers = hasNewProducers ? ProducerSchedule.decode(r) : null;
  const extCount = r.varuint32();
  if (extCount > MAX_HEADER_EXTENSIONS) throw new Error(`${extCount} header extensions (at most ${MAX_HEADER_EXTENSIONS})`);
  const headerExtensions: Array<{ type: number; data: Uint8Array }> = [];
  for (let i = 0; i < extCount; i++) headerExtensions.push({ type: r.u16(), data: r.bytes().slice() });
  const header: BlockHeader = { timestamp, producer, confirmed, previous, transactionMroot, actionMroot, scheduleVersion };
  if (newProducers) header.newProducers = newProducers;
  if (headerExtensions.length) header.headerExtensions = headerExtensions;
  return header;
}

/** Leap defines three header extension kinds; a block listing more is malformed, not merely unknown. */
const MAX_HEADER_EXTENSIONS = 8;

/** The header and producer signature at the start of a signed block (the rest is not read). */
export function decodeSignedHeader(bytes: Uint8Array): { header: BlockHeader; producerSignature: Signature } {
  try {
    const r = new BinaryReader(bytes);
    const header = readHeader(r);
    return { header, producerSignature: Signature.decode(r) };
  } catch (e) {
    throw new ChainError('block_validate_exception', `cannot decode block header: ${(e as Error).message}`);
  }
}

/** A header alone, as encodeHeader writes it. */
export function decodeHeaderBytes(bytes: Uint8Array): BlockHeader {
  try {
    const r = new BinaryReader(bytes);
    const h = readHeader(r);
    if (r.remaining) throw new Error(`${r.remaining} trailing bytes`);
    return h;
  } catch (e) {
    throw new ChainError('block_validate_exception', `cannot decode block header: ${(e as Error).message}`);
  }
}

export function encodeHeaderBytes(h: BlockHeader): Uint8Array {
  const w = new BinaryWriter(256);
  encodeHeader(h, w);
  return w.finish();
}

export function decodeBlock(bytes: Uint8Array): SignedBlock {
  try {
    const r = new BinaryReader(bytes);
    const header = readHeader(r);
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
    return { ...header, producerSignature, transactions };
  } catch (e) {
    throw new ChainError('block_validate_exception', `cannot decode block: ${(e as Error).message}`);
  }
}

/** Block number encoded in a block id (the rule is abi/antelope/block-id.ts). */
export function blockNumOfId(id: Uint8Array): number {
  return BlockId.from(id).blockNum;
}

/** sha256 of the header (Leap `block_header::digest`; the signed digest is block-header-state.ts `sigDigest`). */
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

/** Antelope's legacy merkle root over canonical pairs (the rule is abi/antelope/merkle.ts). */
export function merkleRoot(ids: Uint8Array[]): Uint8Array {
  return legacyMerkleRoot(ids);
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
