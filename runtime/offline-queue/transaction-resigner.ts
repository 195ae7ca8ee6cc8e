/**
 * Re-signing an expired queue entry: the same actions with a fresh expiration and TaPoS, signed by
 * the same keys. The keys are recovered from the old signatures (so nobody has to say which keys
 * satisfied the authorization); the TaPoS reference is the DMCS's current head block; the signature
 * comes from a `TransactionSigner` — the vault (`Vault.sign`, which asks the user verifier first),
 * or a test signer.
 *
 * Only the header changes: `expiration` (u32 LE at byte 0), `ref_block_num` (u16 LE at 4) and
 * `ref_block_prefix` (u32 LE at 6) of the serialized transaction; its actions are signed as they
 * were. The result is uncompressed (`compression: "none"`), as eosjs sends.
 */
import { PackedTransaction, Signature, signingDigest, bytesToHex } from '../../abi/antelope/index.js';
import type { DmcsBackend, PushTransactionBody } from '../dispatch/dmcs-backend.js';
import { DmcsError } from '../dispatch/dmcs-error.js';
import type { QueueEntry } from './queue-entry.js';
import type { ResignCallback } from './offline-queue.js';
import { QueueError } from './queue-error.js';

/** Leap refuses expirations more than 3600 s ahead (`tx_exp_too_far_exception`); a re-signed
 * transaction may wait in the queue again, so it gets the longest allowed, minus a margin for
 * clock skew between host and node. */
export const RESIGN_EXPIRATION_S = 3600 - 60;

export interface TransactionSigner {
  /** Signs sha256(chainId ‖ transaction ‖ cfd hash) with `keys`; the vault asks the user first. */
  sign(o: { chainId: string; transaction: Uint8Array; contextFreeData?: Uint8Array; keys: string[]; app: string }): Promise<{ signatures: string[] }>;
}

export interface ResignerOptions {
  chainId: string;
  /** For the TaPoS reference (get_info's head block). */
  backend: DmcsBackend;
  signer: TransactionSigner;
  expirationSeconds?: number;
  now?: () => number;
}

/** The TaPoS fields Antelope derives from a block id: its low 16 bits of block number and the
 * u32 little-endian at bytes 8..12 of the id. */
export function tapos(blockNum: number, blockId: string): { ref_block_num: number; ref_block_prefix: number } {
  if (!/^[0-9a-f]{64}$/i.test(blockId)) throw new TypeError(`block id must be 64 hex digits, got ${blockId}`);
  return { ref_block_num: blockNum & 0xffff, ref_block_prefix: Buffer.from(blockId, 'hex').readUInt32LE(8) };
}

export function createResigner(opts: ResignerOptions): ResignCallback {
  const now = opts.now ?? Date.now;
  const ttl = opts.expirationSeconds ?? RESIGN_EXPIRATION_S;
  return async (entry: QueueEntry): Promise<PushTransactionBody> => {
    let packed: PackedTransaction;
    let raw: Uint8Array;
    let cfd: Uint8Array;
    try {
      packed = PackedTransaction.from(entry.body);
      raw = packed.rawTransaction;
      cfd = packed.rawContextFreeData;
    } catch (err) {
      throw new QueueError('BAD_TRANSACTION', `queued transaction ${entry.id.slice(0, 12)} does not decode: ${(err as Error).message}`);
    }
    const oldDigest = signingDigest(opts.chainId, raw, cfd);
    const keys = [...new Set(packed.signatures.map((s: Signature) => s.recover(oldDigest).toString()))];
    const info = await opts.backend.getInfo();
    if (info.chain_id !== opts.chainId) {
      throw new DmcsError('CHAIN_MISMATCH', `DMCS ${opts.backend.label} serves chain ${info.chain_id}, not ${opts.chainId}`);
    }
    const ref = tapos(info.head_block_num, info.head_block_id);
    const fresh = Buffer.from(raw);
    fresh.writeUInt32LE(Math.floor(now() / 1000) + ttl, 0);
    fresh.writeUInt16LE(ref.ref_block_num, 4);
    fresh.writeUInt32LE(ref.ref_block_prefix, 6);
    const transaction = new Uint8Array(fresh);
    const { signatures } = await opts.signer.sign({
      chainId: opts.chainId, transaction, ...(cfd.length ? { contextFreeData: cfd } : {}), keys, app: entry.app,
    });
    return {
      signatures,
      compression: 0,
      packed_context_free_data: bytesToHex(cfd),
      packed_trx: bytesToHex(transaction),
    };
  };
}
