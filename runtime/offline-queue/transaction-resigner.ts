/**
 * Re-signing an expired queue entry: the same actions with a fresh expiration and TaPoS, signed by
 * the same keys. The keys are recovered from the old signatures (so nobody has to say which keys
 * satisfied the authorization); the TaPoS reference is the DMCS's current head block; the signature
 * comes from a `TransactionSigner` — the vault (`Vault.sign`, which asks the user verifier first),
 * or a test signer.
 *
 * Only the header changes: `expiration`, `ref_block_num` and `ref_block_prefix`; its actions and
 * context-free data are signed as they were. The result is uncompressed (`compression: "none"`),
 * as eosjs sends.
 */
import {
  BlockId,
  MAX_TRANSACTION_LIFETIME_SEC,
  PackedTransaction,
  type Signature,
  TimePointSec,
  Transaction,
  bytesToHex,
  signingDigest,
} from '../../abi/antelope/index.js';
import type { DmcsBackend, PushTransactionBody } from '../dispatch/dmcs-backend.js';
import { DmcsError } from '../dispatch/dmcs-error.js';
import type { QueueEntry } from './queue-entry.js';
import type { ResignCallback } from './offline-queue.js';
import { QueueError } from './queue-error.js';
import { QUEUE_PACKED_TRANSACTION_LIMITS } from './signed-transaction.js';

/** Leap refuses expirations more than `MAX_TRANSACTION_LIFETIME_SEC` (3600 s) ahead
 * (`tx_exp_too_far_exception`); a re-signed transaction may wait in the queue again, so it gets the
 * longest allowed, minus a margin for clock skew between host and node. */
export const RESIGN_EXPIRATION_S = MAX_TRANSACTION_LIFETIME_SEC - 60;

export interface TransactionSigner {
  /** Signs sha256(chainId ‖ transaction ‖ cfd hash) with `keys`; the vault asks the user first. */
  sign(o: {
    chainId: string;
    transaction: Uint8Array;
    contextFreeData?: Uint8Array;
    keys: string[];
    app: string;
  }): Promise<{ signatures: string[] }>;
}

export interface ResignerOptions {
  chainId: string;
  /** For the TaPoS reference (get_info's head block). */
  backend: DmcsBackend;
  signer: TransactionSigner;
  expirationSeconds?: number;
  now?: () => number;
}

export function createResigner(opts: ResignerOptions): ResignCallback {
  const now = opts.now ?? Date.now;
  const ttl = opts.expirationSeconds ?? RESIGN_EXPIRATION_S;
  return async (entry: QueueEntry): Promise<PushTransactionBody> => {
    let packed: PackedTransaction;
    let old: Transaction;
    let cfd: Uint8Array;
    let oldDigest;
    try {
      packed = PackedTransaction.from(entry.body, QUEUE_PACKED_TRANSACTION_LIMITS);
      const u = packed.unpack();
      old = u.transaction;
      cfd = u.packedContextFreeData;
      oldDigest = signingDigest(opts.chainId, u.bytes, u.packedContextFreeData);
    } catch (err) {
      throw new QueueError('BAD_TRANSACTION', `queued transaction ${entry.id.slice(0, 12)} does not decode: ${(err as Error).message}`);
    }
    const keys = [...new Set(packed.signatures.map((s: Signature) => s.recover(oldDigest).toString()))];
    const info = await opts.backend.getInfo();
    if (info.chain_id !== opts.chainId) {
      throw new DmcsError('CHAIN_MISMATCH', `DMCS ${opts.backend.label} serves chain ${info.chain_id}, not ${opts.chainId}`);
    }
    const ref = BlockId.from(info.head_block_id).tapos;
    const expiration = new TimePointSec(Math.floor(now() / 1000) + ttl);
    const transaction = new Transaction({ ...old, expiration, ...ref }).toBinary();
    const { signatures } = await opts.signer.sign({
      chainId: opts.chainId,
      transaction,
      ...(cfd.length ? { contextFreeData: cfd } : {}),
      keys,
      app: entry.app,
    });
    return {
      signatures,
      compression: 0,
      packed_context_free_data: bytesToHex(cfd),
      packed_trx: bytesToHex(transaction),
    };
  };
}
