/**
 * Worker thread of `KeyRecoveryPool`: recovers K1 keys for batches of (signature, digest) pairs with
 * the same implementation the main thread would use (native libsecp256k1 when loadable, else noble).
 * Protocol: `RecoverRequest` in, `RecoverReply` out, one reply per request, in order.
 */
import { parentPort } from 'node:worker_threads';
import { Signature, KeyType } from '../../abi/antelope/index.js';
import { defaultKeyRecovery } from './key-recovery.js';

export interface RecoverRequest {
  id: number;
  /** 65-byte K1 signature data (header ‖ r ‖ s) per item. */
  sigs: Uint8Array[];
  /** 32-byte digest per item. */
  digests: Uint8Array[];
}

export interface RecoverReply {
  id: number;
  /** A key id, or an error as `{ error: message, antelope: name }`. */
  results: Array<string | { error: string; antelope: string }>;
}

const recovery = defaultKeyRecovery();

parentPort?.on('message', (req: RecoverRequest) => {
  const results: RecoverReply['results'] = req.sigs.map((data, i) => {
    try {
      return recovery.recover(new Signature(KeyType.K1, data), req.digests[i]!);
    } catch (e) {
      return { error: (e as Error).message, antelope: (e as { code?: string }).code ?? 'transaction_exception' };
    }
  });
  parentPort!.postMessage({ id: req.id, results } satisfies RecoverReply);
});
