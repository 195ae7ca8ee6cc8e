/**
 * Worker thread of `KeyRecoveryPool`: recovers K1 and WebAuthn keys for batches of (signature, digest) pairs with
 * the same implementation the main thread would use (native libsecp256k1 when loadable, else noble).
 * Protocol: `RecoverRequest` in, `RecoverReply` out, one reply per request, in order.
 */
import { parentPort } from 'node:worker_threads';
import { Signature, type KeyType } from '../../abi/antelope/index.js';
import { defaultKeyRecovery } from './key-recovery.js';

export interface RecoverRequest {
  id: number;
  /** Key type per item (0 K1, 1 R1, 2 WA; R1 is refused as on the main thread). */
  types: number[];
  /** Signature payload per item: 65 bytes for K1 (header ‖ r ‖ s), Leap's WA layout for WA. */
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

parentPort?.on('message', (req: RecoverRequest | 'stop') => {
  // the pool's close: end after this batch (never terminated inside the native addon)
  if (req === 'stop') return parentPort!.close();
  const results: RecoverReply['results'] = req.sigs.map((data, i) => {
    try {
      return recovery.recover(new Signature(req.types[i] as KeyType, data), req.digests[i]!);
    } catch (e) {
      return { error: (e as Error).message, antelope: (e as { code?: string }).code ?? 'transaction_exception' };
    }
  });
  parentPort!.postMessage({ id: req.id, results } satisfies RecoverReply);
});
