// lib/worker-stop.ts: a worker unref'd after terminate() lets the process end with terminate()'s
// promise pending (Node's behaviour, shown in a child process); through the helpers, it does not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

const HELPERS = new URL('../../lib/worker-stop.js', import.meta.url).href;

/** Runs 20 times: start a busy worker, wait for its first message, stop it, then (late) unref it. */
function run(stop: string, unref: string): { status: number | null; out: string } {
  const src = `
    import { Worker } from 'node:worker_threads';
    import { terminateWorker, unrefWorker } from ${JSON.stringify(HELPERS)};
    for (let i = 0; i < 20; i++) {
      const w = new Worker('require("node:worker_threads").parentPort.postMessage(1); for (;;) {}', { eval: true, execArgv: [] });
      await new Promise((r) => w.once('message', r));
      const stopped = ${stop};
      ${unref};
      await stopped;
    }
    console.log('settled');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', src], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('Node: unref() after terminate() ends the process under the pending promise', () => {
  const r = run('w.terminate()', 'w.unref()');
  assert.is(r.out.includes('settled'), false);
  assert.is(r.status, 13, r.out); // unsettled top-level await
});

test('terminateWorker then unrefWorker: every stop settles', () => {
  const r = run('terminateWorker(w)', 'unrefWorker(w)');
  assert.is(r.status, 0);
  assert.ok(r.out.includes('settled'));
});

test.run();
