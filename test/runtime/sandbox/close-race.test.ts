// Closing an app's process while its worker's `ready` is already on its way: the late `ready` must
// not unref the worker being terminated, or the event loop ends under the pending terminate() and
// this file exits early ("Exiting early before testing is finished": the CI flake of stop 26 in
// worker.test.ts, where a loaded machine delayed `ready` past the host's close). The stand-in worker
// (test/fixtures/workers/ready-then-busy-worker.ts) posts both start-up messages, marks that on
// disk and spins; this thread blocks until the mark, so both messages wait in its queue at close().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from '../../../runtime/sandbox/app-process.js';
import { standInSpec } from '../helpers.js';
import type { HostError } from '../../../runtime/index.js';

const WORKER = new URL('../../fixtures/workers/ready-then-busy-worker.js', import.meta.url);
const home = mkdtempSync(join(tmpdir(), 'peeros-close-race-'));
const spec = standInSpec('racer', 1000, home);

/** Blocks this thread (its queued messages stay queued) until `file` exists, at most `ms`. */
function blockUntil(file: string, ms: number): boolean {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (existsSync(file)) return true;
    Atomics.wait(nap, 0, 0, 5);
  }
  return existsSync(file);
}

test('close() with the worker’s ready message queued settles the call and the close', async () => {
  const proc = new AppProcess(spec, () => {}, WORKER);
  const call = proc.call('go', new Uint8Array()).then(
    () => 'resolved',
    (e: HostError) => e.code,
  );
  for (let i = 0; i < 10 && proc.threadId === undefined; i++) await Promise.resolve();
  assert.ok(proc.threadId !== undefined, 'the worker was started');
  assert.ok(blockUntil(join(home, 'ready'), 60_000), 'the stand-in worker posted its start-up messages');
  await proc.close();
  assert.is(await call, 'CLOSED');
});

test.after(() => rmSync(home, { recursive: true, force: true }));
test.run();
