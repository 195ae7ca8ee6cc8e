// One worker per app: deadlines terminate only the runaway app's worker; the next call respawns it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HostError, type Host } from '../../../runtime/index.js';
import { pack } from '../../../abi/boundary.js';
import * as M from '../../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp, quietHost, grantAll } from '../helpers.js';

const home = tempHome('worker');
let host: Host;

test.before(async () => {
  host = quietHost(home);
  await host.install(writeApp(home, 'good', M.appModule({ result: pack('fine') })), grantAll);
  await host.install(writeApp(home, 'spin', M.infiniteLoop(), { limits: { cpuMs: 300 } }), grantAll);
});

test('a runaway app is stopped at its deadline while another app keeps answering', async () => {
  const t0 = Date.now();
  const spinning = host.run('spin', 'go').then(
    () => 'no error',
    (e: HostError) => e,
  );
  // while 'spin' burns its worker, 'good' answers from its own worker
  for (let i = 0; i < 5; i++) assert.is(await host.run('good', 'go'), 'fine');
  const err = await spinning;
  assert.instance(err, HostError);
  assert.is((err as HostError).code, 'DEADLINE_EXCEEDED');
  assert.is((err as HostError).app, 'spin');
  // at least the 300 ms deadline (no upper bound: a loaded machine stretches the wall time, not the CPU deadline)
  const elapsed = Date.now() - t0;
  assert.ok(elapsed >= 290, `took ${elapsed} ms`);
});

test('the next call after a deadline runs in a fresh worker', async () => {
  const before = host.process('spin')!.spawns;
  await host.run('spin', 'go').catch(() => {});
  assert.is(host.process('spin')!.spawns, before + 1);
  assert.is(host.process('good')!.spawns, 1);
});

test('calls to one app are serialised; all complete in order', async () => {
  const results = await Promise.all(Array.from({ length: 20 }, () => host.run('good', 'go')));
  assert.equal(results, Array(20).fill('fine'));
});

test('the deadline covers the call, not the worker start-up', async () => {
  await host.install(writeApp(home, 'quick', M.appModule(), { limits: { cpuMs: 20 } }), grantAll);
  // 20 ms is less than a worker takes to start (and than message latency on a loaded machine);
  // the call itself is microseconds
  assert.equal(await host.run('quick', 'go'), { ok: true });
});

test('closing the host rejects a pending call with CLOSED and stops the workers', async () => {
  const h = quietHost(home);
  await h.install(writeApp(home, 'spin2', M.infiniteLoop(), { limits: { cpuMs: 10000 } }), grantAll);
  const p = h.run('spin2', 'go').then(
    () => undefined,
    (e: HostError) => e,
  );
  await new Promise((r) => setTimeout(r, 300));
  await h.close();
  const err = await p;
  assert.is(err?.code, 'CLOSED');
  await h.run('good', 'go').then(
    () => assert.unreachable(),
    (e: HostError) => assert.is(e.code, 'CLOSED'),
  );
});

test('closing the host while a worker is still starting settles the call (regression: it hung)', async () => {
  const h = quietHost(home);
  const p = h.run('good', 'go').then(
    () => 'resolved',
    (e: HostError) => e.code,
  );
  await new Promise((r) => setImmediate(r));
  await h.close();
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([p, new Promise((r) => (timer = setTimeout(() => r('hung'), 60_000)))]);
  clearTimeout(timer);
  assert.ok(outcome === 'CLOSED' || outcome === 'resolved', String(outcome));
});

test.after(async () => {
  await host.close();
  cleanup(home);
});
test.run();
