/**
 * The vault's worker thread. It owns the one `VaultCore` of this thread; each message on its port is
 * one dMemo request (`ChannelRequest`: a call id and msgpack bytes) and is answered with one dMemo
 * response (`ChannelReply`). It never throws: every failure, malformed input included, is a typed
 * error response, so the vault keeps serving.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { VaultCore, type VaultConfig } from './vault-core.js';
import { decodeRequest, encodeError, encodeResult } from './protocol.js';
import { asVaultError } from './error.js';
import { ownBytes } from '../lib/own-bytes.js';
import type { ChannelReply, ChannelRequest } from './vault-channel.js';

const config = (workerData as { vault: VaultConfig }).vault;
const core = new VaultCore(config);

// one request at a time, in arrival order: state changes (unlock, key writes) never interleave. An
// app's sign request lets the next one in once it is admitted (checked, waiting only for its group's
// spend-ledger write), so concurrent signatures share that write (vault-core.ts).
let queue: Promise<unknown> = Promise.resolve();
let requests = 0;

function handleDmemo(message: unknown): Promise<Uint8Array> {
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

parentPort?.on('message', (m: ChannelRequest) => {
  const id = typeof m?.id === 'number' ? m.id : -1;
  // tests only (VaultConfig.testWorkerExitAtRequest): the worker dies as a crash would, mid-request
  if (config.testWorkerExitAtRequest !== undefined && ++requests >= config.testWorkerExitAtRequest) process.exit(70);
  void handleDmemo(m?.message).then((reply) => {
    const own = ownBytes(reply); // not the codec's buffer, which holds earlier replies
    const out: ChannelReply = { id, reply: own };
    parentPort!.postMessage(out, [own.buffer]);
  });
});
