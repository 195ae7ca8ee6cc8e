// Warm workers: an idle app's first call takes a pre-started, app-less worker instead of starting a
// thread; a worker that ran an app is never handed to another; the pool is bounded and closed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Host, HostError } from '../../../runtime/index.js';
import { WARM_WORKERS } from '../../../runtime/limits.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack, unpack } from '../../../abi/boundary.js';
import * as M from '../../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp, grantAll } from '../helpers.js';
import { WarmWorkers } from '../../../runtime/sandbox/warm-workers.js';
import { WARM_UP_CALLS, warmUp, warmUpModuleBytes } from '../../../runtime/sandbox/warm-up.js';

const home = tempHome('warm-workers');
// warmApps 0: these tests are about the app-less pool itself (prepared apps: warm-apps.test.ts)
const open = (warmWorkers?: number) =>
  new Host({ home, onLog: () => {}, warmApps: 0, ...(warmWorkers !== undefined ? { warmWorkers } : {}) });
const tick = () => new Promise((r) => setImmediate(r));

test.before(async () => {
  const host = open();
  for (const name of ['alpha', 'beta']) await host.install(writeApp(home, name, M.appModule({ result: pack(name) })), grantAll);
  await host.install(writeApp(home, 'spinstart', M.loopInStart(), { limits: { cpuMs: 200 } }), grantAll);
  await host.install(writeApp(home, 'spinrun', M.infiniteLoop(), { limits: { cpuMs: 300 } }), grantAll);
  await host.install(writeApp(home, 'trapstart', M.trapInStart()), grantAll);
  await host.close();
});

test('the first call after stopWorker runs in a pooled worker; the pool refills afterwards', async () => {
  const host = open();
  try {
    assert.is(await host.run('alpha', 'go'), 'alpha');
    assert.is(host.process('alpha')!.adopted, 0, 'no pool before any app went idle: a one-shot run starts no spare thread');
    assert.is(host.warmWorkers.started, 0);
    await host.stopWorker('alpha');
    assert.is(host.warmWorkers.idle, WARM_WORKERS);
    assert.is(await host.run('alpha', 'go'), 'alpha');
    const proc = host.process('alpha')!;
    assert.is(proc.spawns, 1);
    assert.is(proc.adopted, 1, 'the call took a warm worker: no worker was started on the call path');
    assert.is(host.warmWorkers.taken, 1);
    await tick();
    assert.is(host.warmWorkers.idle, WARM_WORKERS, 'refilled in the background');
    assert.is(host.warmWorkers.started, WARM_WORKERS + 1);
    assert.is(await host.run('alpha', 'go'), 'alpha', 'later calls reuse the app worker');
    assert.is(proc.spawns, 1);
  } finally {
    await host.close();
  }
});

test('a worker that ran one app never serves another: each app gets a fresh thread', async () => {
  const host = open();
  try {
    const seen = new Map<number, string>();
    const record = (app: string) => {
      const tid = host.process(app)!.threadId!;
      assert.ok(!seen.has(tid), `thread ${tid} ran '${seen.get(tid)}' before '${app}'`);
      seen.set(tid, app);
    };
    await host.run('alpha', 'go');
    record('alpha');
    await host.stopWorker('alpha');
    await host.run('beta', 'go');
    assert.is(host.process('beta')!.adopted, 1);
    record('beta');
    for (let i = 0; i < 3; i++) {
      for (const app of ['alpha', 'beta']) {
        await host.stopWorker(app);
        assert.is(await host.run(app, 'go'), app, 'the pooled worker runs the app it was handed');
        assert.is(host.process(app)!.adopted, 1);
        record(app);
      }
    }
    // every worker in the pool was started by it: none came back from an app
    const w = host.warmWorkers;
    assert.is(w.started, w.idle + w.taken);
  } finally {
    await host.close();
  }
});

test('a warm worker keeps the start deadline: a start function that never returns is terminated', async () => {
  const host = open();
  try {
    await host.stopWorker('alpha');
    const err = await host.run('spinstart', 'go').then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.instance(err, HostError);
    assert.is(err!.code, 'DEADLINE_EXCEEDED');
    assert.is(host.process('spinstart')!.adopted, 1);
    assert.is(await host.run('alpha', 'go'), 'alpha', 'other apps still start from the pool');
  } finally {
    await host.close();
  }
});

test('the pool is refilled once the first call from it is answered, not while it runs', async () => {
  const host = open();
  try {
    await host.stopWorker('alpha');
    assert.equal(host.warmWorkers, { idle: WARM_WORKERS, started: WARM_WORKERS, taken: 0 });
    const call = host.run('spinrun', 'go').then(
      () => undefined,
      (e: HostError) => e,
    );
    // bounded wait for the call's start (loading and compiling the app come first)
    for (const until = Date.now() + 60_000; host.warmWorkers.taken === 0 && Date.now() < until; )
      await new Promise((r) => setTimeout(r, 2));
    assert.is(host.warmWorkers.taken, 1);
    for (let i = 0; i < 20; i++) await tick(); // the old pool refilled on the next tick, inside the call
    assert.equal(host.warmWorkers, { idle: WARM_WORKERS - 1, started: WARM_WORKERS, taken: 1 }, 'no thread started during the call');
    const err = await call;
    assert.is(err?.code, 'DEADLINE_EXCEEDED');
    await tick();
    assert.equal(host.warmWorkers, { idle: WARM_WORKERS, started: WARM_WORKERS + 1, taken: 1 }, 'refilled once it was answered');
  } finally {
    await host.close();
  }
});

test('a first call sent behind the hand-over fails with the start error a fresh worker gives', async () => {
  const fresh = open(0);
  const pooled = open();
  try {
    const want = await fresh.run('trapstart', 'go').then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.instance(want, HostError);
    await pooled.stopWorker('alpha');
    const got = await pooled.run('trapstart', 'go').then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.is(pooled.process('trapstart')!.adopted, 1, 'the call went to a warm worker');
    assert.instance(got, HostError);
    assert.is(got!.code, want!.code);
    assert.is(got!.message, want!.message);
    assert.is(await pooled.run('alpha', 'go'), 'alpha', 'the host keeps serving');
  } finally {
    await Promise.all([fresh.close(), pooled.close()]);
  }
});

test('the warm-up module is valid wasm speaking the core ABI; its run asks ual.account and answers a fixed map', () => {
  assert.ok(WebAssembly.validate(warmUpModuleBytes()));
  const m = new WebAssembly.Module(warmUpModuleBytes());
  assert.equal(WebAssembly.Module.imports(m), [{ module: 'peeros:isa/ual@0.1.0', name: 'account', kind: 'function' }], 'only ual.account');
  assert.equal(
    WebAssembly.Module.exports(m).map((e) => e.name),
    ['memory', 'cabi_realloc', 'peeros:isa/command@0.1.0#run'],
  );
  // run by hand: it calls the import with a 4-aligned return area, then returns its own area
  const areas: number[] = [];
  const inst = new WebAssembly.Instance(m, { 'peeros:isa/ual@0.1.0': { account: (retptr: number) => void areas.push(retptr) } });
  const run = inst.exports['peeros:isa/command@0.1.0#run'] as (a: number, b: number, c: number, d: number) => number;
  const ret = run(0, 0, 0, 0);
  assert.is(areas.length, 1);
  assert.is(areas[0]! % 4, 0);
  const mem = new DataView((inst.exports.memory as WebAssembly.Memory).buffer);
  assert.is(mem.getUint8(ret), 0, 'ok');
  const bytes = new Uint8Array(mem.buffer, mem.getUint32(ret + 4, true), mem.getUint32(ret + 8, true));
  assert.equal(unpack(bytes), { account: 'x' });
  assert.ok(WARM_UP_CALLS >= 1);
});

test('warmUp runs the call path through ual.account with a session and without one', () => {
  const withSession = mkdtempSync(join(tmpdir(), 'peeros-warm-up-'));
  try {
    writeFileSync(join(withSession, 'session.json'), JSON.stringify({ account: 'alice' }));
    assert.ok(warmUp(withSession), 'the ok path (the account copied into the guest)');
    assert.ok(warmUp(join(withSession, 'absent')), 'the no-session path');
  } finally {
    rmSync(withSession, { recursive: true, force: true });
  }
});

test('every pooled worker runs the warm-up before it reports warm', async () => {
  const pool = new WarmWorkers(2, home);
  try {
    pool.fill();
    for (const until = Date.now() + 30_000; pool.warmedUp < 2 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
    assert.is(pool.warmedUp, 2);
    assert.is(pool.idle, 2);
  } finally {
    await pool.close();
  }
});

test('the pool is bounded by its size, and 0 disables it', async () => {
  const one = open(1);
  try {
    await one.stopWorker('alpha');
    await one.stopWorker('beta');
    assert.equal(one.warmWorkers, { idle: 1, started: 1, taken: 0 });
  } finally {
    await one.close();
  }
  const none = open(0);
  try {
    await none.stopWorker('alpha');
    assert.is(await none.run('alpha', 'go'), 'alpha');
    assert.is(none.process('alpha')!.adopted, 0);
    assert.equal(none.warmWorkers, { idle: 0, started: 0, taken: 0 });
  } finally {
    await none.close();
  }
  for (const bad of [-1, 1.5, 9]) assert.throws(() => open(bad), /warmWorkers must be an integer from 0 to 8/);
});

test('close terminates the warm workers and starts no more', async () => {
  const host = open();
  await host.stopWorker('alpha');
  assert.is(host.warmWorkers.idle, WARM_WORKERS);
  await host.close();
  assert.is(host.warmWorkers.idle, 0);
  await host.stopWorker('alpha');
  assert.is(host.warmWorkers.idle, 0);
  assert.is(host.warmWorkers.started, WARM_WORKERS);
});

test.after(() => cleanup(home));

test.run();
