/**
 * The node's reading of a pushed `packed_transaction`: abi/antelope's `PackedTransaction` (the one
 * reader: JSON spellings, zlib, signature parsing, the re-serialized id) under the node's limits,
 * with its failures reported as the Antelope exceptions a Leap node answers, and the decoded
 * transaction in the executor's shape.
 */
import {
  AntelopeError,
  PackedTransaction,
  bytesToHex,
  compressionFrom,
  type CompressionType,
  type PackedTransactionLimits,
  type Transaction,
} from '../abi/antelope/index.js';
import { ChainError, type ChainErrorName } from './chain-error.js';
import type { PackedTrx } from './block.js';
import type { ExecAction } from './chain/action-trace.js';

/** Largest uncompressed transaction accepted (Leap's default max_transaction_net_usage is 512 KiB). */
export const MAX_TRANSACTION_BYTES = 512 * 1024;
/** Most signatures on one transaction (each costs a key recovery). */
export const MAX_SIGNATURES = 64;

/** The node's caps on what it reads: zlib output and serialized size both at `MAX_TRANSACTION_BYTES`. */
export const NODE_PACKED_TRANSACTION_LIMITS: PackedTransactionLimits = {
  maxInflatedBytes: MAX_TRANSACTION_BYTES,
  maxTransactionBytes: MAX_TRANSACTION_BYTES,
  maxSignatures: MAX_SIGNATURES,
};

export interface DecodedTransaction {
  readonly packed: PackedTrx;
  /** The serialized transaction, re-serialized after decoding (what the id and digest cover). */
  readonly trxBytes: Uint8Array;
  /** Serialized context-free data (uncompressed, re-serialized; empty when there is none). */
  readonly cfdBytes: Uint8Array;
  readonly id: Uint8Array;
  readonly idHex: string;
  readonly trx: Transaction;
  readonly contextFreeActions: ExecAction[];
  readonly actions: ExecAction[];
}

/** The protocol core's refusal as the exception a Leap node answers with. */
function asChainError(e: unknown, compression: ChainErrorName): unknown {
  if (!(e instanceof AntelopeError)) return e;
  const name: ChainErrorName =
    e.code === 'TOO_BIG' ? 'tx_too_big' : e.code === 'COMPRESSION' ? compression : 'packed_transaction_type_exception';
  return new ChainError(name, e.message);
}

function toExec(a: Transaction['actions'][number]): ExecAction {
  return {
    account: a.account.toString(),
    name: a.name.toString(),
    authorization: a.authorization.map((l) => ({ actor: l.actor.toString(), permission: l.permission.toString() })),
    data: a.data,
  };
}

/** The compression field, refused in Leap's words. */
function nodeCompression(v: unknown): CompressionType {
  try {
    return compressionFrom(v);
  } catch {
    throw new ChainError('unknown_transaction_compression', `Unknown transaction compression algorithm: ${JSON.stringify(v)}`);
  }
}

/** The node's record as the protocol core's packed transaction, under the node's limits. */
function protocolForm(packed: PackedTrx): PackedTransaction {
  const compression = nodeCompression(packed.compression);
  if (packed.signatures.length > MAX_SIGNATURES)
    throw new ChainError('tx_too_big', `too many signatures: ${packed.signatures.length} > ${MAX_SIGNATURES}`);
  return new PackedTransaction(
    packed.signatures,
    compression,
    packed.packedContextFreeData,
    packed.packedTrx,
    NODE_PACKED_TRANSACTION_LIMITS,
  );
}

/**
 * What decoding `packed` inflated (zlib output, 0 for an uncompressed one), for callers that charge
 * it: an inflation costs about as much as a key recovery per 16 KiB, and 564 bytes can inflate to
 * the whole limit. `decoded` when it decoded; a compressed one that did not is charged the limit.
 */
export function inflatedBytes(packed: PackedTrx, decoded: DecodedTransaction | null): number {
  if (packed.compression !== 1) return 0;
  return decoded ? decoded.trxBytes.length + decoded.cfdBytes.length : NODE_PACKED_TRANSACTION_LIMITS.maxInflatedBytes;
}

export function decodePackedTrx(packed: PackedTrx): DecodedTransaction {
  const p = protocolForm(packed);
  let u;
  try {
    u = p.unpack();
  } catch (e) {
    throw asChainError(e, 'tx_decompression_error');
  }
  const id = u.id.array;
  return {
    packed,
    trxBytes: u.bytes,
    cfdBytes: u.packedContextFreeData,
    id,
    idHex: bytesToHex(id),
    trx: u.transaction,
    contextFreeActions: u.transaction.context_free_actions.map(toExec),
    actions: u.transaction.actions.map(toExec),
  };
}

/** The JSON body of push_transaction/send_transaction (or compute_transaction's `transaction`). */
export function packedTrxFromJson(body: unknown): PackedTrx {
  if (typeof body !== 'object' || body === null)
    throw new ChainError('packed_transaction_type_exception', 'expected a packed transaction object');
  nodeCompression((body as { compression?: unknown }).compression);
  let p: PackedTransaction;
  try {
    p = PackedTransaction.from(body as Parameters<typeof PackedTransaction.from>[0], NODE_PACKED_TRANSACTION_LIMITS);
  } catch (e) {
    throw asChainError(e, 'unknown_transaction_compression');
  }
  return {
    signatures: p.signatures,
    compression: p.compression === 'zlib' ? 1 : 0,
    packedContextFreeData: p.packed_context_free_data,
    packedTrx: p.packed_trx,
  };
}
