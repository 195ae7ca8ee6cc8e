/**
 * Antelope `packed_transaction`, the form `push_transaction` / `send_transaction` carry:
 * signatures, compression (`none` = 0, `zlib` = 1), packed context-free data and packed trx.
 * zlib is the zlib format (RFC 1950) as Leap writes it; inflation is capped so a small compressed
 * body cannot expand without bound.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { AntelopeError, describe } from './error.js';
import { encodeWith, type BinaryWriter } from './binary-writer.js';
import { BinaryReader } from './binary-reader.js';
import { Signature, type SignatureType } from './signature.js';
import { Transaction, packContextFreeData, signingDigest, type TransactionType } from './transaction.js';
import { Checksum256, type Checksum256Type } from './checksum.js';
import { bytesToHex, hexToBytes } from './bytes.js';
import { sha256 } from './hash.js';

/** Largest inflated body accepted: well above Leap's default max transaction size (512 KiB net). */
export const MAX_DECOMPRESSED_SIZE = 16 * 1024 * 1024;

export type CompressionType = 'none' | 'zlib';
const COMPRESSIONS: CompressionType[] = ['none', 'zlib'];

export interface PackedTransactionJSON {
  signatures: string[];
  compression: CompressionType;
  packed_context_free_data: string;
  packed_trx: string;
}

export type PackedTransactionInput = PackedTransaction | {
  signatures?: SignatureType[];
  compression?: CompressionType | number;
  packed_context_free_data?: string | Uint8Array;
  packed_trx: string | Uint8Array;
};

function compression(v: unknown): CompressionType {
  if (v === undefined || v === null) return 'none';
  if (v === 0 || v === 'none') return 'none';
  if (v === 1 || v === 'zlib') return 'zlib';
  throw new AntelopeError('COMPRESSION', `expected compression "none" (0) or "zlib" (1), got ${describe(v)}`, 'packed_transaction.compression');
}

function deflate(data: Uint8Array): Uint8Array {
  const b = deflateSync(data);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

function inflate(data: Uint8Array, what: string): Uint8Array {
  try {
    const b = inflateSync(data, { maxOutputLength: MAX_DECOMPRESSED_SIZE });
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  } catch (e) {
    throw new AntelopeError('COMPRESSION', `${what}: zlib inflate failed (${(e as Error).message}); limit ${MAX_DECOMPRESSED_SIZE} bytes`);
  }
}

export class PackedTransaction {
  readonly signatures: Signature[];
  readonly compression: CompressionType;
  /** As carried: compressed when `compression` is zlib. */
  readonly packed_context_free_data: Uint8Array;
  readonly packed_trx: Uint8Array;

  constructor(signatures: Signature[], comp: CompressionType, packedCfd: Uint8Array, packedTrx: Uint8Array) {
    this.signatures = signatures;
    this.compression = comp;
    this.packed_context_free_data = packedCfd;
    this.packed_trx = packedTrx;
  }

  /** From the push_transaction JSON body (hex strings) or an existing instance. */
  static from(value: PackedTransactionInput): PackedTransaction {
    if (value instanceof PackedTransaction) return value;
    if (typeof value !== 'object' || value === null) throw new AntelopeError('INVALID_VALUE', `packed_transaction: expected an object, got ${describe(value)}`);
    const bytes = (v: string | Uint8Array | undefined, f: string) =>
      v === undefined ? new Uint8Array(0) : typeof v === 'string' ? hexToBytes(v, `packed_transaction.${f}`) : v;
    return new PackedTransaction(
      (value.signatures ?? []).map((s) => Signature.from(s)),
      compression(value.compression),
      bytes(value.packed_context_free_data, 'packed_context_free_data'),
      bytes(value.packed_trx, 'packed_trx'),
    );
  }

  /** Pack a transaction with its signatures and context-free data. */
  static fromSigned(trx: TransactionType, signatures: SignatureType[] = [], contextFreeData: Uint8Array[] = [], comp: CompressionType = 'none'): PackedTransaction {
    const raw = Transaction.from(trx).toBinary();
    const cfd = contextFreeData.length ? packContextFreeData(contextFreeData) : new Uint8Array(0);
    const z = comp === 'zlib';
    return new PackedTransaction(
      signatures.map((s) => Signature.from(s)), comp,
      z && cfd.length ? deflate(cfd) : cfd,
      z ? deflate(raw) : raw,
    );
  }

  static decode(r: BinaryReader): PackedTransaction {
    const n = r.varuint32();
    if (n * 66 > r.remaining) throw new AntelopeError('DECODE_INVALID', `packed_transaction: ${n} signatures do not fit in ${r.remaining} byte(s)`);
    const sigs: Signature[] = [];
    for (let i = 0; i < n; i++) sigs.push(Signature.decode(r));
    const c = r.u8();
    return new PackedTransaction(sigs, compression(c), r.bytes(), r.bytes());
  }

  /** The serialized (uncompressed) transaction. */
  get rawTransaction(): Uint8Array {
    return this.compression === 'zlib' ? inflate(this.packed_trx, 'packed_trx') : this.packed_trx;
  }

  /** The serialized (uncompressed) context-free data (vector<bytes>), empty when there is none. */
  get rawContextFreeData(): Uint8Array {
    if (this.packed_context_free_data.length === 0) return this.packed_context_free_data;
    return this.compression === 'zlib' ? inflate(this.packed_context_free_data, 'packed_context_free_data') : this.packed_context_free_data;
  }

  getTransaction(): Transaction { return Transaction.fromBinary(this.rawTransaction); }

  getContextFreeData(): Uint8Array[] {
    const raw = this.rawContextFreeData;
    if (raw.length === 0) return [];
    const r = new BinaryReader(raw);
    const n = r.varuint32();
    if (n > r.remaining) throw new AntelopeError('DECODE_INVALID', `context_free_data: ${n} entries do not fit in ${r.remaining} byte(s)`);
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) out.push(r.bytes());
    if (r.remaining) throw new AntelopeError('DECODE_TRAILING', `context_free_data: ${r.remaining} unexpected trailing byte(s)`);
    return out;
  }

  /**
   * Transaction id. Like Leap, the id is the hash of the transaction re-serialized after decoding,
   * so a packed_trx with a non-minimal varuint still gets the id every node computes.
   */
  get id(): Checksum256 { return new Checksum256(sha256(this.canonicalTransaction())); }

  /** The digest the signatures must cover (re-serialized transaction and context-free data). */
  signingDigest(chainId: Checksum256Type): Checksum256 {
    const cfd = this.getContextFreeData();
    return signingDigest(chainId, this.canonicalTransaction(), cfd.length ? packContextFreeData(cfd) : undefined);
  }

  private canonicalTransaction(): Uint8Array {
    const raw = this.rawTransaction;
    const again = Transaction.fromBinary(raw).toBinary();
    return again;
  }

  encode(w: BinaryWriter): void {
    w.varuint32(this.signatures.length);
    for (const s of this.signatures) s.encode(w);
    w.u8(COMPRESSIONS.indexOf(this.compression));
    w.bytes(this.packed_context_free_data);
    w.bytes(this.packed_trx);
  }

  toBinary(): Uint8Array { return encodeWith((w) => this.encode(w)); }

  toJSON(): PackedTransactionJSON {
    return {
      signatures: this.signatures.map((s) => s.toString()),
      compression: this.compression,
      packed_context_free_data: bytesToHex(this.packed_context_free_data),
      packed_trx: bytesToHex(this.packed_trx),
    };
  }
}
