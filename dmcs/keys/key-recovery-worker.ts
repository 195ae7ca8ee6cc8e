/**
 * Worker thread of `KeyRecoveryPool`: recovers K1 and WebAuthn keys for batches of (signature, digest) pairs with
 * the same implementation the main thread would use (native libsecp256k1 when loadable, else noble).
 * Protocol (recover-batch.ts): `RecoverRequest` in, `RecoverReply` out, one reply per request, in order.
 */
import { parentPort } from 'node:worker_threads';
import { Signature, type KeyType } from '../../abi/antelope/index.js';
import { forEachRecoverItem, type RecoverReply, type RecoverRequest } from './recover-batch.js';
import { defaultKeyRecovery } from './key-recovery.js';

const recovery = defaultKeyRecovery();

parentPort?.on('message', (req: RecoverRequest | 'stop') => {
  // the pool's close: end after this batch (never terminated inside the native addon)
  if (req === 'stop') return parentPort!.close();
  const results: RecoverReply['results'] = [];
  forEachRecoverItem(req, (type, payload, digest) => {
    try {
      results.push(recovery.recover(new Signature(type as KeyType, payload), digest));
    } catch (e) {
      results.push({ error: (e as Error).message, antelope: (e as { code?: string }).code ?? 'transaction_exception' });
    }
  });
  parentPort!.postMessage({ id: req.id, results } satisfies RecoverReply);
});
