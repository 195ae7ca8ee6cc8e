/**
 * The vault's second thread: a worker the vault worker starts (skv/vault-signer.ts) and ends, never
 * reachable from the main thread. It does one pure thing: canonical K1 (or R1) signatures of digests
 * the vault has already checked and recorded. It decides nothing: no grant, no assertion, no ledger;
 * the vault worker stays the one owner of the vault's state.
 *
 * Messages from the vault worker, handled in order:
 * - `{ t: 'sign', id, keys, items }`: `keys` are the private keys it does not hold yet (public key,
 *   scalar bytes, transferred: the vault keeps no copy of these bytes), `items` the digests to sign,
 *   each with its public key; answered `{ id, ok: true, signatures }` or `{ id, ok: false, message }`.
 * - `{ t: 'forget', key }`: wipes one key (discarded by the vault).
 * - `{ t: 'wipe' }`: wipes every key and ends the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type KeyType, PrivateKey, signCanonical } from '../abi/antelope/index.js';

/** A key the vault sends: its public key (the name the vault uses for it), type and scalar. */
export interface SignerKey {
  pub: string;
  type: KeyType;
  data: Uint8Array;
}
export interface SignerItem {
  key: string;
  digest: Uint8Array;
}
export type SignerMessage =
  | { t: 'sign'; id: number; keys: SignerKey[]; items: SignerItem[] }
  | { t: 'forget'; key: string }
  | { t: 'wipe' };
export type SignerReply = { id: number; ok: true; signatures: string[] } | { id: number; ok: false; message: string };

/** Fixed when the vault starts the thread. */
export interface SignerConfig {
  /**
   * TESTS ONLY: the thread ends itself (exit code 70) in the middle of its Nth batch, after signing
   * part of it and before answering: a signer killed mid-batch.
   */
  exitAtBatch?: number;
}

const config = ((workerData as { signer?: SignerConfig } | null)?.signer ?? {}) as SignerConfig;
const keys = new Map<string, PrivateKey>();
let batches = 0;

function wipe(): void {
  for (const k of keys.values()) k.clear();
  keys.clear();
}

parentPort!.on('message', (m: SignerMessage) => {
  switch (m.t) {
    case 'wipe':
      wipe();
      process.exit(0); // ends this thread only
      return;
    case 'forget':
      keys.get(m.key)?.clear();
      keys.delete(m.key);
      return;
    case 'sign': {
      for (const k of m.keys) {
        keys.get(k.pub)?.clear();
        keys.set(k.pub, new PrivateKey(k.type, k.data));
      }
      batches++;
      const signatures: string[] = [];
      try {
        for (const item of m.items) {
          if (config.exitAtBatch === batches && signatures.length === Math.floor(m.items.length / 2)) process.exit(70);
          const key = keys.get(item.key);
          if (!key) throw new Error(`the signing thread holds no key ${item.key}`);
          signatures.push(signCanonical(key, item.digest).toString());
        }
      } catch (err) {
        parentPort!.postMessage({ id: m.id, ok: false, message: (err as Error)?.message ?? String(err) } satisfies SignerReply);
        return;
      }
      parentPort!.postMessage({ id: m.id, ok: true, signatures } satisfies SignerReply);
      return;
    }
  }
});
