// Worker thread of bridge.test.ts (not a test itself): calls the main thread through the bridge
// synchronously, as an ISA import does, and reports what it got.
import { workerData, parentPort } from 'node:worker_threads';
import { BridgeClient } from '../../runtime/sandbox/bridge-client.js';
import type { BridgeEndpoint, BridgeOp } from '../../runtime/host-bridge/index.js';

const { endpoint, calls } = workerData as {
  endpoint: BridgeEndpoint;
  calls: Array<{ op: BridgeOp; payload: number[]; timeoutMs?: number }>;
};
const client = new BridgeClient(endpoint);
const results = calls.map((c) => {
  const t0 = performance.now();
  const r = client.call(c.op, Uint8Array.from(c.payload), c.timeoutMs);
  return { ...(r.ok ? { ok: true, bytes: [...r.bytes] } : { ok: false, code: r.code }), ms: performance.now() - t0 };
});
parentPort!.postMessage(results);
client.close();
