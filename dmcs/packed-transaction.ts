/**
 * Reading a pushed `packed_transaction`: its JSON form from the chain API (both wharfkit's and
 * eosjs's spellings: compression as 0/1 or "none"/"zlib", hex strings), decompression with a size
 * cap, the transaction id (sha256 of the uncompressed transaction), and the decoded transaction in
 * the executor's shape.
 */
import { inflateSync } from 'node:zlib';
import { Signature, Transaction, hexToBytes, sha256, bytesToHex } from '../abi/antelope/index.js';
import { ChainError } from './chain-error.js';
import type { PackedTrx } from './block.js';
import type { ExecAction } from './chain/action-trace.js';

/** Largest uncompressed transaction accepted (Leap's default max_transaction_net_usage is 512 KiB). */
export const MAX_TRANSACTION_BYTES = 512 * 1024;
/** Most signatures on one transaction (each costs a key recovery). */
export const MAX_SIGNATURES = 64;

export interface DecodedTransaction {
  readonly packed: PackedTrx;
  /** Uncompressed serialized transaction. */
  readonly trxBytes: Uint8Array;
  /** Serialized context-free data (uncompressed). */
  readonly cfdBytes: Uint8Array;
  readonly id: Uint8Array;
  readonly idHex: string;
  readonly trx: Transaction;
  readonly contextFreeActions: ExecAction[];
  readonly actions: ExecAction[];
}

function inflate(data: Uint8Array, what: string): Uint8Array {
  try {
    return new Uint8Array(inflateSync(data, { maxOutputLength: MAX_TRANSACTION_BYTES }));
  } catch (e) {
    throw new ChainError('tx_decompression_error', `cannot decompress ${what}: ${(e as Error).message}`);
  }
}

function toExec(a: Transaction['actions'][number]): ExecAction {
  return {
    account: a.account.toString(),
    name: a.name.toString(),
    authorization: a.authorization.map((l) => ({ actor: l.actor.toString(), permission: l.permission.toString() })),
    data: a.data,
  };
}

export function decodePackedTrx(packed: PackedTrx): DecodedTransaction {
  if (packed.compression !== 0 && packed.compression !== 1) {
    throw new ChainError('unknown_transaction_compression', `Unknown transaction compression algorithm: ${packed.compression}`);
  }
  if (packed.signatures.length > MAX_SIGNATURES) throw new ChainError('tx_too_big', `too many signatures: ${packed.signatures.length} > ${MAX_SIGNATURES}`);
  const trxBytes = packed.compression === 1 ? inflate(packed.packedTrx, 'packed_trx') : packed.packedTrx;
  const cfdBytes = packed.compression === 1 && packed.packedContextFreeData.length ? inflate(packed.packedContextFreeData, 'packed_context_free_data') : packed.packedContextFreeData;
  if (trxBytes.length > MAX_TRANSACTION_BYTES) throw new ChainError('tx_too_big', `transaction is ${trxBytes.length} bytes; the limit is ${MAX_TRANSACTION_BYTES}`);
  let trx: Transaction;
  try {
    trx = Transaction.fromBinary(trxBytes);
  } catch (e) {
    throw new ChainError('packed_transaction_type_exception', `cannot decode packed_trx: ${(e as Error).message}`);
  }
  const id = sha256(trxBytes);
  return {
    packed, trxBytes, cfdBytes, id, idHex: bytesToHex(id), trx,
    contextFreeActions: trx.context_free_actions.map(toExec),
    actions: trx.actions.map(toExec),
  };
}

function hexField(v: unknown, field: string): Uint8Array {
  if (v === undefined || v === null || v === '') return new Uint8Array(0);
  if (typeof v !== 'string') throw new ChainError('packed_transaction_type_exception', `${field}: expected a hex string`);
  try { return hexToBytes(v, field); } catch (e) { throw new ChainError('packed_transaction_type_exception', (e as Error).message); }
}

/** The JSON body of push_transaction/send_transaction (or compute_transaction's `transaction`). */
export function packedTrxFromJson(body: unknown): PackedTrx {
  if (typeof body !== 'object' || body === null) throw new ChainError('packed_transaction_type_exception', 'expected a packed transaction object');
  const b = body as Record<string, unknown>;
  const comp = b.compression;
  let compression: number;
  if (comp === undefined || comp === null || comp === 0 || comp === 'none' || comp === false) compression = 0;
  else if (comp === 1 || comp === 'zlib' || comp === true) compression = 1;
  else throw new ChainError('unknown_transaction_compression', `Unknown transaction compression algorithm: ${JSON.stringify(comp)}`);
  if (b.signatures !== undefined && !Array.isArray(b.signatures)) throw new ChainError('packed_transaction_type_exception', 'signatures: expected an array');
  const sigs = (b.signatures as unknown[] | undefined) ?? [];
  if (sigs.length > MAX_SIGNATURES) throw new ChainError('tx_too_big', `too many signatures: ${sigs.length} > ${MAX_SIGNATURES}`);
  const signatures = sigs.map((s, i) => {
    try { return Signature.from(s as string); } catch (e) {
      throw new ChainError('packed_transaction_type_exception', `signatures[${i}]: ${(e as Error).message}`);
    }
  });
  if (typeof b.packed_trx !== 'string') throw new ChainError('packed_transaction_type_exception', 'packed_trx: expected a hex string');
  return { signatures, compression, packedContextFreeData: hexField(b.packed_context_free_data, 'packed_context_free_data'), packedTrx: hexField(b.packed_trx, 'packed_trx') };
}
