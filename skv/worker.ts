/**
 * The vault's worker thread (piscina entry). It owns the one `VaultCore` of this thread; each task
 * is one dMemo request as msgpack bytes and resolves to one dMemo response as msgpack bytes. It
 * never throws to piscina: every failure, malformed input included, is a typed error response, so
 * the vault keeps serving.
 */
import { workerData } from 'node:worker_threads';
import { VaultCore, type VaultConfig } from './vault-core.js';
import { decodeRequest, encodeError, encodeResult } from './protocol.js';
import { asVaultError } from './error.js';

const core = new VaultCore((workerData as { vault: VaultConfig }).vault);

// one request at a time, in arrival order: state changes (unlock, key writes) never interleave. An
// app's sign request lets the next one in once it is admitted (checked, waiting only for its group's
// spend-ledger write), so concurrent signatures share that write (vault-core.ts).
let queue: Promise<unknown> = Promise.resolve();

export default function handleDmemo(message: unknown): Promise<Uint8Array> {
  let admit!: () => void;
  const admitted = new Promise<void>((r) => {
    admit = r;
  });
  const run = async (): Promise<Uint8Array> => {
    try {
      const req = decodeRequest(message);
      const result = await core.handle(req, admit);
      return encodeResult(req.op, result as never);
    } catch (err) {
      return encodeError(asVaultError(err));
    }
  };
  const p = queue.then(run, run);
  queue = Promise.race([p, admitted]);
  return p;
}
