// The sync-call bridge between an app worker and the main thread: answers come back to the
// blocked worker; service failures arrive as ISA error codes; a slow service times out as
// `unavailable` and its late answer is never mistaken for the next call's; bounded payloads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { HostBridge, BridgeError, MAX_BRIDGE_RESPONSE_BYTES, type BridgeOp } from '../../runtime/host-bridge/index.js';

const CHILD = fileURLToPath(new URL('./bridge.child.js', import.meta.url));

type Result = { ok: boolean; bytes?: number[]; code?: number; ms: number };

function runWorker(
  bridge: HostBridge,
  app: string,
  calls: Array<{ op: BridgeOp; payload: number[]; timeoutMs?: number }>,
): Promise<Result[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(CHILD, { workerData: { endpoint: bridge.endpoint(app), calls } });
    w.once('message', (m: Result[]) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

test('answers reach the blocked worker, with the app name the channel belongs to', async () => {
  const seen: string[] = [];
  const bridge = new HostBridge(async (app, op, payload) => {
    seen.push(`${app}:${op}`);
    return Uint8Array.from([...payload].reverse());
  });
  try {
    const r = await runWorker(bridge, 'dpay', [
      { op: 'chain.get-info', payload: [1, 2, 3] },
      { op: 'dmcs.push', payload: [9] },
    ]);
    assert.equal(
      r.map((x) => x.bytes),
      [[3, 2, 1], [9]],
    );
    assert.equal(seen, ['dpay:chain.get-info', 'dpay:dmcs.push']);
  } finally {
    bridge.close();
  }
});

test('service failures become ISA error codes; anything untyped is internal', async () => {
  const bridge = new HostBridge(async (_app, op) => {
    if (op === 'chain.get-account') throw new BridgeError(IsaErrorCode.NOT_FOUND, 'no such account');
    throw new Error('bug');
  });
  try {
    const r = await runWorker(bridge, 'x', [
      { op: 'chain.get-account', payload: [] },
      { op: 'chain.get-info', payload: [] },
    ]);
    assert.equal(
      r.map((x) => x.code),
      [IsaErrorCode.NOT_FOUND, IsaErrorCode.INTERNAL],
    );
  } finally {
    bridge.close();
  }
});

test('a slow service times out as unavailable; its late answer is not read as the next answer', async () => {
  /** How late the first answer comes: far past the first call's 50 ms timeout. */
  const SLOW_MS = 3000;
  let n = 0;
  const bridge = new HostBridge(async () => {
    const mine = ++n;
    if (mine === 1) await new Promise((r) => setTimeout(r, SLOW_MS));
    return Uint8Array.from([mine]);
  });
  try {
    const r = await runWorker(bridge, 'slow', [
      { op: 'chain.get-info', payload: [], timeoutMs: 50 },
      { op: 'chain.get-info', payload: [], timeoutMs: SLOW_MS + 10_000 },
    ]);
    assert.is(r[0]!.ok, false);
    assert.is(r[0]!.code, IsaErrorCode.UNAVAILABLE);
    // gave up at its own 50 ms, not at the answer (the bound is loose: a loaded machine delays the wake-up)
    assert.ok(r[0]!.ms < SLOW_MS - 500, `${r[0]!.ms} ms`);
    assert.equal(r[1]!.bytes, [2], 'the second call gets its own answer');
  } finally {
    bridge.close();
  }
});

test('an answer above the bridge limit is limit-exceeded, not a crash', async () => {
  const bridge = new HostBridge(async () => new Uint8Array(MAX_BRIDGE_RESPONSE_BYTES + 1));
  try {
    const r = await runWorker(bridge, 'big', [{ op: 'chain.get-info', payload: [] }]);
    assert.is(r[0]!.code, IsaErrorCode.LIMIT_EXCEEDED);
  } finally {
    bridge.close();
  }
});

test('apps have separate channels', async () => {
  const bridge = new HostBridge(async (app) => new TextEncoder().encode(app));
  try {
    const [a, b] = await Promise.all([
      runWorker(bridge, 'one', [{ op: 'chain.get-info', payload: [] }]),
      runWorker(bridge, 'two', [{ op: 'chain.get-info', payload: [] }]),
    ]);
    assert.is(new TextDecoder().decode(Uint8Array.from(a[0]!.bytes!)), 'one');
    assert.is(new TextDecoder().decode(Uint8Array.from(b[0]!.bytes!)), 'two');
  } finally {
    bridge.close();
  }
});

test.run();
