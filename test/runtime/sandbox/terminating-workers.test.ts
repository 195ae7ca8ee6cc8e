// Issue 8, class 4, defence in depth: a worker terminated at its deadline that does not exit (stuck
// where V8 does not check for termination) is counted; while it is still exiting, a new call of the
// same app waits TERMINATING_WORKER_WAIT_MS for it, then fails with LIMIT_EXCEEDED instead of
// starting another busy thread. Once it exits, the app runs again. A later process of the same app
// (the idle policy stopped and restarted it) counts it too. Uses a stand-in worker that
// blocks in native code (test/fixtures/workers/stuck-worker.ts) through the real AppProcess.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppProcess } from '../../../runtime/sandbox/app-process.js';
import { MAX_TERMINATING_WORKERS, TERMINATING_WORKER_WAIT_MS } from '../../../runtime/limits.js';
import { standInSpec } from '../helpers.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostError } from '../../../runtime/index.js';

const WORKER = new URL('../../fixtures/workers/stuck-worker.js', import.meta.url);
/**
 * How long the first call stays stuck at most: well past the worker's start-up, its deadline and
 * the wait, even on a loaded machine. Each test releases it (`release`) once it has seen the
 * refusals, so the run does not wait all of it.
 */
const STUCK_S = 20;
const spec = standInSpec('stuck', 200);
const dir = mkdtempSync(join(tmpdir(), 'peeros-stuck-'));
let releases = 0;
/** A new release file for the stuck worker (the worker threads inherit the env as they start); `release()` lets it go. */
function stuckUntilReleased(): () => void {
  const file = join(dir, `release-${releases++}`);
  process.env.PEEROS_TEST_STUCK_RELEASE = file;
  return () => writeFileSync(file, '');
}
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a worker that outlives its termination blocks a second one (LIMIT_EXCEEDED after the wait); the app runs once it exits', async () => {
  assert.is(MAX_TERMINATING_WORKERS, 1);
  const release = stuckUntilReleased();
  const proc = new AppProcess(spec, () => {}, WORKER);
  try {
    const t0 = Date.now();
    const first = await proc.call('go', new Uint8Array([STUCK_S])).then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.is(first?.code, 'DEADLINE_EXCEEDED');
    assert.is(proc.terminatingWorkers, 1);
    const t1 = Date.now();
    const second = await proc.call('go', new Uint8Array([0])).then(
      () => undefined,
      (e: HostError) => e,
    );
    const waited = Date.now() - t1;
    assert.is(second?.code, 'LIMIT_EXCEEDED', second?.message);
    assert.match(
      second!.message,
      /app 'stuck': 1 of its workers, terminated at their deadline, has not exited after 2000 ms more \(MAX_TERMINATING_WORKERS\)/,
    );
    assert.ok(waited >= TERMINATING_WORKER_WAIT_MS - 50, `waited ${waited} ms`);
    assert.is(proc.terminatingWorkers, 1, 'refused while the stuck worker was still exiting');
    assert.is(proc.spawns, 1, 'no second worker was started');
    assert.is(proc.terminatingWorkers, 1, 'still stuck after the refusal');
    release();
    while (proc.terminatingWorkers > 0 && Date.now() - t0 < STUCK_S * 1000 + 20_000) await new Promise((r) => setTimeout(r, 50));
    assert.is(proc.terminatingWorkers, 0);
    assert.ok((await proc.call('go', new Uint8Array([0]))).ok);
    assert.is(proc.spawns, 2);
  } finally {
    await proc.close();
  }
});

test("a later process of the app (the idle policy stopped the earlier one) counts the earlier one's stuck worker: no thread beside it", async () => {
  // the pool hands every process of one app the same map (worker-pool.ts #newProcess)
  const exiting = new Map();
  const release = stuckUntilReleased();
  const earlier = new AppProcess(spec, () => {}, WORKER, undefined, exiting);
  const later = new AppProcess(spec, () => {}, WORKER, undefined, exiting);
  const t0 = Date.now();
  try {
    const first = await earlier.call('go', new Uint8Array([STUCK_S])).then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.is(first?.code, 'DEADLINE_EXCEEDED');
    await earlier.close(); // as the idle policy stops an app
    assert.is(later.terminatingWorkers, 1, "the later process sees the earlier one's exiting worker");
    assert.is(await later.prepare(), false, 'not prepared beside it (after the same bounded wait as a call)');
    const second = await later.call('go', new Uint8Array([0])).then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.is(second?.code, 'LIMIT_EXCEEDED', second?.message);
    assert.is(later.spawns, 0, 'no worker was started beside the stuck one');
    assert.is(exiting.size, 1, 'still stuck after the refusal');
    release();
    while (exiting.size > 0 && Date.now() - t0 < STUCK_S * 1000 + 20_000) await new Promise((r) => setTimeout(r, 50));
    assert.ok((await later.call('go', new Uint8Array([0]))).ok, 'it runs once the stuck worker exited');
    assert.is(later.spawns, 1);
  } finally {
    await earlier.close();
    await later.close();
  }
});

test.run();
