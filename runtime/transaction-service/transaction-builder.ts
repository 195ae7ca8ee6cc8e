/**
 * Builds unsigned Antelope transactions for the host: TaPoS from the DMCS's head block (get_info),
 * an expiration a short while ahead, the actions already serialized. Returns the exact bytes the
 * vault will sign, the signing digest and the transaction id, and turns signatures into the
 * push_transaction body dispatch and the offline queue carry.
 */
import { BlockId, Transaction, TimePointSec, signingDigest, bytesToHex, type Action } from '../../abi/antelope/index.js';
import type { PushTransactionBody } from '../dispatch/dmcs-backend.js';
import { DEFAULT_EXPIRATION_S } from './limits.js';

/** The get_info fields a transaction header needs. */
export interface ChainHead {
  chain_id: string;
  head_block_num: number;
  head_block_id: string;
}

export interface UnsignedTransaction {
  transaction: Transaction;
  /** packed_trx: what the vault signs. */
  bytes: Uint8Array;
  /** sha256(chain id ‖ bytes ‖ 32 zero bytes). */
  digest: Uint8Array;
  /** Transaction id (sha256 of bytes), hex. */
  id: string;
  chainId: string;
}

export function buildTransaction(
  head: ChainHead,
  actions: Action[],
  opts: { expireSeconds?: number; now?: number } = {},
): UnsignedTransaction {
  const now = opts.now ?? Date.now();
  const ref = BlockId.from(head.head_block_id).tapos;
  const expiration = TimePointSec.from(new Date(Math.floor(now / 1000) * 1000 + (opts.expireSeconds ?? DEFAULT_EXPIRATION_S) * 1000));
  const transaction = Transaction.from({ expiration, ...ref, actions });
  const bytes = transaction.toBinary();
  return {
    transaction,
    bytes,
    digest: signingDigest(head.chain_id, bytes).array,
    id: transaction.id.toString(),
    chainId: head.chain_id,
  };
}

/** The push_transaction body for signed `bytes` (uncompressed, no context-free data). */
export function pushBody(bytes: Uint8Array, signatures: string[]): PushTransactionBody {
  return { signatures, compression: 0, packed_context_free_data: '', packed_trx: bytesToHex(bytes) };
}
