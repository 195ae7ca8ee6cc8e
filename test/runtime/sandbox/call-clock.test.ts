// The call clock: waits that host code in the worker declares are not charged to the app's CPU
// deadline; running code is. Uses a stand-in worker (test/fixtures/workers/waiting-worker.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppProcess } from '../../../runtime/sandbox/app-process.js';
import { resolveLimits } from '../../../runtime/limits.js';
import type { HostError } from '../../../runtime/index.js';

const WORKER = new URL('../../fixtures/workers/waiting-worker.js', import.meta.url);
const spec = (cpuMs: number) => ({
  app: 'waiter',
  module: new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])),
  plan: [],
  grants: {},
  limits: resolveLimits({ cpuMs }),
  home: '/tmp',
  dataDir: '/tmp',
  logLevel: 2,
});

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

test.run();
