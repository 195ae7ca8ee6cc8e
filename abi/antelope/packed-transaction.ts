/**
 * Antelope `packed_transaction`, the form `push_transaction` / `send_transaction` carry:
 * signatures, compression (`none` = 0, `zlib` = 1), packed context-free data and packed trx.
 * zlib is the zlib format (RFC 1950) as Leap writes it; inflation is capped so a small compressed
 * body cannot expand without bound.
 *
 * The one reader of packed transactions: the node, the offline queue and the host's signing all use
 * it. What differs by role is a limit, passed as `PackedTransactionLimits` by each role from where
 * it defines that limit (the node's 512 KiB, the queue's 1 MiB, this file's 16 MiB default). The
 * id and signing digest are Leap's: of the transaction re-serialized after decoding.
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

/** The caps a role puts on the packed transactions it reads. */
export interface PackedTransactionLimits {
  /** Largest zlib output of packed_trx or packed_context_free_data (a zip bomb stops here). */
  readonly maxInflatedBytes: number;
  /** Largest serialized transaction, compressed or not (`TOO_BIG` above it); unbounded when absent. */
  readonly maxTransactionBytes?: number;
  /** Most signatures (each costs a key recovery; `TOO_BIG` above it); unbounded when absent. */
  readonly maxSignatures?: number;
}

/** The limits of a reader with no role of its own: only the inflate cap. */
export const DEFAULT_PACKED_TRANSACTION_LIMITS: PackedTransactionLimits = { maxInflatedBytes: MAX_DECOMPRESSED_SIZE };

export type CompressionType = 'none' | 'zlib';
const COMPRESSIONS: CompressionType[] = ['none', 'zlib'];

/** A packed transaction read once: the decoded transaction and what is hashed for it. */
export interface UnpackedTransaction {
  readonly transaction: Transaction;
  /** The transaction re-serialized (what Leap hashes for the id and the signing digest): the raw bytes themselves when they are canonical already. */
  readonly bytes: Uint8Array;
  readonly contextFreeData: Uint8Array[];
  /** The context-free data re-serialized (vector<bytes>); empty when there is none. */
  readonly packedContextFreeData: Uint8Array;
  /** sha256 of `bytes`. */
  readonly id: Checksum256;
}

/** The push_transaction body as the host's dispatch and offline queue carry it (hex fields). */
export interface PackedTransactionBody {
  signatures: string[];
  /** 0 / 'none' or 1 / 'zlib', as Antelope accepts either. */
  compression: number | CompressionType;
  packed_context_free_data: string;
  packed_trx: string;
}

export interface PackedTransactionJSON {
  signatures: string[];
  compression: CompressionType;
  packed_context_free_data: string;
  packed_trx: string;
}

export type PackedTransactionInput =
  | PackedTransaction
  | {
      signatures?: SignatureType[];
      compression?: CompressionType | number;
      packed_context_free_data?: string | Uint8Array;
      packed_trx: string | Uint8Array;
    };

/** The compression field in any spelling clients send: 0/1, "none"/"zlib", false/true; absent is none. */
export function compressionFrom(v: unknown): CompressionType {
  if (v === undefined || v === null) return 'none';
  if (v === 0 || v === 'none' || v === false) return 'none';
  if (v === 1 || v === 'zlib' || v === true) return 'zlib';
  throw new AntelopeError(
    'COMPRESSION',
    `expected compression "none" (0) or "zlib" (1), got ${describe(v)}`,
    'packed_transaction.compression',
  );
}

function checkSignatureCount(n: number, limits: PackedTransactionLimits): void {
  if (limits.maxSignatures !== undefined && n > limits.maxSignatures) {
    throw new AntelopeError('TOO_BIG', `too many signatures: ${n} > ${limits.maxSignatures}`, 'packed_transaction.signatures');
  }
}

function hexOrBytes(v: unknown, field: string, required: boolean): Uint8Array {
  if (!required && (v === undefined || v === null || v === '')) return new Uint8Array(0);
  if (typeof v === 'string') return hexToBytes(v, `packed_transaction.${field}`);
  if (v instanceof Uint8Array) return v;
  throw new AntelopeError('INVALID_VALUE', `expected a hex string, got ${describe(v)}`, `packed_transaction.${field}`);
}

function deflate(data: Uint8Array): Uint8Array {
  const b = deflateSync(data);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

function inflate(data: Uint8Array, what: string, limit: number): Uint8Array {
  try {
    const b = inflateSync(data, { maxOutputLength: limit });
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  } catch (e) {
    throw new AntelopeError('COMPRESSION', `${what}: zlib inflate failed (${(e as Error).message}); limit ${limit} bytes`);
  }
}

export class PackedTransaction {
  readonly signatures: Signature[];
  readonly compression: CompressionType;
  /** As carried: compressed when `compression` is zlib. */
  readonly packed_context_free_data: Uint8Array;
  readonly packed_trx: Uint8Array;
  /** The caps of the role that read it; they apply when it is unpacked. */
  readonly limits: PackedTransactionLimits;

  constructor(
    signatures: Signature[],
    comp: CompressionType,
    packedCfd: Uint8Array,
    packedTrx: Uint8Array,
    limits: PackedTransactionLimits = DEFAULT_PACKED_TRANSACTION_LIMITS,
  ) {
    this.signatures = signatures;
    this.compression = comp;
    this.packed_context_free_data = packedCfd;
    this.packed_trx = packedTrx;
    this.limits = limits;
  }

  /**
   * From the push_transaction JSON body (hex strings; compression in any spelling `compressionFrom`
   * accepts) or an existing instance, under `limits`.
   */
  static from(value: PackedTransactionInput, limits: PackedTransactionLimits = DEFAULT_PACKED_TRANSACTION_LIMITS): PackedTransaction {
    if (value instanceof PackedTransaction) return value;
    if (typeof value !== 'object' || value === null)
      throw new AntelopeError('INVALID_VALUE', `packed_transaction: expected an object, got ${describe(value)}`);
    const comp = compressionFrom(value.compression);
    const sigs: unknown = value.signatures ?? [];
    if (!Array.isArray(sigs))
      throw new AntelopeError('INVALID_VALUE', `expected an array, got ${describe(sigs)}`, 'packed_transaction.signatures');
    checkSignatureCount(sigs.length, limits);
    const signatures = sigs.map((s: SignatureType, i) => {
      try {
        return Signature.from(s);
      } catch (e) {
        throw e instanceof AntelopeError ? e.withPath(`packed_transaction.signatures[${i}]`) : e;
      }
    });
    return new PackedTransaction(
      signatures,
      comp,
      hexOrBytes(value.packed_context_free_data, 'packed_context_free_data', false),
      hexOrBytes(value.packed_trx, 'packed_trx', true),
      limits,
    );
  }

  /** Pack a transaction with its signatures and context-free data. */
  static fromSigned(
    trx: TransactionType,
    signatures: SignatureType[] = [],
    contextFreeData: Uint8Array[] = [],
    comp: CompressionType = 'none',
  ): PackedTransaction {
    const raw = Transaction.from(trx).toBinary();
    const cfd = contextFreeData.length ? packContextFreeData(contextFreeData) : new Uint8Array(0);
    const z = comp === 'zlib';
    return new PackedTransaction(
      signatures.map((s) => Signature.from(s)),
      comp,
      z && cfd.length ? deflate(cfd) : cfd,
      z ? deflate(raw) : raw,
    );
  }

  static decode(r: BinaryReader, limits: PackedTransactionLimits = DEFAULT_PACKED_TRANSACTION_LIMITS): PackedTransaction {
    const n = r.varuint32();
    if (n * 66 > r.remaining)
      throw new AntelopeError('DECODE_INVALID', `packed_transaction: ${n} signatures do not fit in ${r.remaining} byte(s)`);
    checkSignatureCount(n, limits);
    const sigs: Signature[] = [];
    for (let i = 0; i < n; i++) sigs.push(Signature.decode(r));
    const c = r.u8();
    return new PackedTransaction(sigs, compressionFrom(c), r.bytes(), r.bytes(), limits);
  }

  /** The serialized (uncompressed) transaction, within `limits`. */
  get rawTransaction(): Uint8Array {
    const raw = this.compression === 'zlib' ? inflate(this.packed_trx, 'packed_trx', this.limits.maxInflatedBytes) : this.packed_trx;
    const max = this.limits.maxTransactionBytes;
    if (max !== undefined && raw.length > max)
      throw new AntelopeError('TOO_BIG', `transaction is ${raw.length} bytes; the limit is ${max}`, 'packed_transaction.packed_trx');
    return raw;
  }

  /** The serialized (uncompressed) context-free data (vector<bytes>), empty when there is none. */
  get rawContextFreeData(): Uint8Array {
    if (this.packed_context_free_data.length === 0) return this.packed_context_free_data;
    return this.compression === 'zlib'
      ? inflate(this.packed_context_free_data, 'packed_context_free_data', this.limits.maxInflatedBytes)
      : this.packed_context_free_data;
  }

  getTransaction(): Transaction {
    return Transaction.fromBinary(this.rawTransaction);
  }

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
   * Inflates and decodes once (within `limits`): the transaction, its re-serialized bytes and
   * context-free data, and its id. Like Leap, the id and digest are of the transaction re-serialized
   * after decoding, so a packed_trx with a non-minimal varuint still gets the id every node computes.
   */
  unpack(): UnpackedTransaction {
    const { transaction, canonical: bytes } = Transaction.fromBinaryCanonical(this.rawTransaction);
    const contextFreeData = this.getContextFreeData();
    const packedContextFreeData = contextFreeData.length ? packContextFreeData(contextFreeData) : new Uint8Array(0);
    return { transaction, bytes, contextFreeData, packedContextFreeData, id: new Checksum256(sha256(bytes)) };
  }

  /** Transaction id: sha256 of the re-serialized transaction (see `unpack`). */
  get id(): Checksum256 {
    return new Checksum256(sha256(this.getTransaction().toBinary()));
  }

  /** The digest the signatures must cover (re-serialized transaction and context-free data). */
  signingDigest(chainId: Checksum256Type): Checksum256 {
    const u = this.unpack();
    return signingDigest(chainId, u.bytes, u.packedContextFreeData);
  }

  encode(w: BinaryWriter): void {
    w.varuint32(this.signatures.length);
    for (const s of this.signatures) s.encode(w);
    w.u8(COMPRESSIONS.indexOf(this.compression));
    w.bytes(this.packed_context_free_data);
    w.bytes(this.packed_trx);
  }

  toBinary(): Uint8Array {
    return encodeWith((w) => this.encode(w));
  }

  toJSON(): PackedTransactionJSON {
    return {
      signatures: this.signatures.map((s) => s.toString()),
      compression: this.compression,
      packed_context_free_data: bytesToHex(this.packed_context_free_data),
      packed_trx: bytesToHex(this.packed_trx),
    };
  }

  /** The push_transaction body with compression as a number, as eosjs sends and the queue stores it. */
  toBody(): PackedTransactionBody {
    return { ...this.toJSON(), compression: COMPRESSIONS.indexOf(this.compression) };
  }
}
