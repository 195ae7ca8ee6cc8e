// The call clock: waits that host code in the worker declares are not charged to the app's CPU
// deadline; running code is. Uses a stand-in worker (test/fixtures/workers/waiting-worker.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppProcess } from '../../../runtime/sandbox/app-process.js';
import { WORKER_START_MS } from '../../../runtime/limits.js';
import { standInSpec } from '../helpers.js';
import type { HostError } from '../../../runtime/index.js';

const WORKER = new URL('../../fixtures/workers/waiting-worker.js', import.meta.url);
const LATE_WORKER = new URL('../../fixtures/workers/late-worker.js', import.meta.url);
const spec = (cpuMs: number) => standInSpec('waiter', cpuMs);

test('a declared wait longer than cpuMs is not charged', async () => {
  const proc = new AppProcess(spec(150), () => {}, WORKER);
  try {
    // waits 200 ms (paused), then runs 10 ms: well inside 150 ms of charged time
    const r = await proc.call('go', new Uint8Array([200, 10]));
    assert.ok(r.ok);
  } finally {
    await proc.close();
  }
});

test('running past cpuMs after the wait is still DEADLINE_EXCEEDED', async () => {
  const proc = new AppProcess(spec(100), () => {}, WORKER);
  try {
    // waits 50 ms (paused), then runs 250 ms: past 100 ms
    const err = await proc.call('go', new Uint8Array([50, 250])).then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.is(err?.code, 'DEADLINE_EXCEEDED');
  } finally {
    await proc.close();
  }
});

test('a call its worker starts late still gets only cpuMs once started, not the start allowance', async () => {
  const proc = new AppProcess(spec(100), () => {}, LATE_WORKER);
  try {
    await proc.call('warm', new Uint8Array([0])).catch(() => {}); // (a first worker, then a fresh one below)
    // the worker starts the call 300 ms after it was posted (past cpuMs), then loops: the host must
    // notice the start and end it ~cpuMs later, not at the start allowance (cpuMs + WORKER_START_MS)
    const t0 = performance.now();
    const err = await proc.call('go', new Uint8Array([30])).then(
      () => undefined,
      (e: HostError) => e,
    );
    const ms = performance.now() - t0;
    assert.is(err?.code, 'DEADLINE_EXCEEDED');
    assert.ok(ms < WORKER_START_MS / 2, `ended after ${ms.toFixed(0)} ms: the late start was checked only at the start allowance`);
  } finally {
    await proc.close();
  }
});

test.run();
