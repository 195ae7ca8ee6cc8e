// Prepared apps: an app that goes idle gets a fresh worker of its own, instantiated in the
// background, which its next first call runs in; bounded (apps, memory), evicted on remove and
// reinstall, never shared between apps, and holding nothing of an earlier instance.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Host, HostError } from '../../../runtime/index.js';
import { MAX_WARM_APPS, WARM_APPS, WARM_APPS_MEMORY_PAGES } from '../../../runtime/limits.js';
import { pack } from '../../../abi/boundary.js';
import * as M from '../../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp, grantAll } from '../helpers.js';

const home = tempHome('warm-apps');
const open = (warmApps?: number) => new Host({ home, onLog: () => {}, ...(warmApps !== undefined ? { warmApps } : {}) });

/** Polls (bounded) until `cond` holds; fails after a generous limit. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 60_000; !cond(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const isReady = (host: Host, app: string) => () => host.process(app)?.ready === true;

/** 14 bytes of `fill` as msgpack bin: the 16 bytes `stashArgs` keeps. */
const secret = (fill: number) => new Uint8Array(pack(new Uint8Array(14).fill(fill)));
const args = (fill: number) => new Uint8Array(14).fill(fill);
const ZEROS = new Uint8Array(16);
const bytesOf = (v: unknown) => new Uint8Array(v as Uint8Array);

test.before(async () => {
  const host = open(0);
  for (const name of ['alpha', 'beta', 'gamma']) await host.install(writeApp(home, name, M.appModule({ result: pack(name) })), grantAll);
  for (const name of ['victim', 'mallory']) await host.install(writeApp(home, name, M.stashArgs()), grantAll);
  await host.install(
    writeApp(home, 'bigcap', M.appModule({ memory: [2, 4096] }), { limits: { memoryPages: WARM_APPS_MEMORY_PAGES + 1 } }),
    grantAll,
  );
  await host.install(writeApp(home, 'trapstart', M.trapInStart()), grantAll);
  await host.install(writeApp(home, 'spinstart', M.loopInStart(), { limits: { cpuMs: 200 } }), grantAll);
  await host.close();
});

test('an idle app is prepared in the background; its next call runs in that worker, started before the call', async () => {
  const host = open();
  try {
    assert.is(await host.run('alpha', 'go'), 'alpha');
    await host.stopWorker('alpha');
    assert.equal(host.warmApps, { apps: 1, pages: 256, evicted: 0 });
    await until(isReady(host, 'alpha'), 'alpha is prepared');
    const proc = host.process('alpha')!;
    const tid = proc.threadId;
    assert.is(proc.spawns, 1);
    assert.is(proc.adopted, 1, 'the prepared worker came from the warm pool (it ran the warm-up)');
    assert.is(await host.run('alpha', 'go'), 'alpha');
    assert.is(host.process('alpha'), proc, 'the call went to the prepared process');
    assert.is(proc.threadId, tid, 'in the worker prepared before it');
    assert.is(proc.spawns, 1, 'no worker started on the call path');
    assert.equal(host.warmApps, { apps: 0, pages: 0, evicted: 0 }, 'a worker in use is no longer counted as prepared');
    await until(() => host.warmWorkers.idle === 2, 'the warm pool is refilled behind the prepared app');
  } finally {
    await host.close();
  }
});

test("a prepared worker never holds another app's instance or memory, nor an earlier instance's", async () => {
  const host = open();
  try {
    const threads = new Map<string, Set<number>>([
      ['victim', new Set()],
      ['mallory', new Set()],
    ]);
    const note = (app: string) => threads.get(app)!.add(host.process(app)!.threadId!);
    // the contract inside a running worker: one instance serves the app's calls, its memory carries over
    assert.equal(bytesOf(await host.run('victim', 'go', args(0x53))), ZEROS);
    assert.equal(bytesOf(await host.run('victim', 'go', args(0x54))), secret(0x53), 'a running instance keeps its state');
    note('victim');
    assert.equal(bytesOf(await host.run('mallory', 'go', args(0x4d))), ZEROS, 'the attacker starts from zeros');
    note('mallory');
    for (let round = 0; round < 3; round++) {
      await host.stopWorker('victim');
      await host.stopWorker('mallory');
      await until(() => isReady(host, 'victim')() && isReady(host, 'mallory')(), 'both apps are prepared');
      note('victim');
      note('mallory');
      assert.equal(
        bytesOf(await host.run('mallory', 'go', args(0x4d))),
        ZEROS,
        "the attacker's prepared instance sees none of the victim's memory",
      );
      assert.equal(
        bytesOf(await host.run('victim', 'go', args(0x53 + round))),
        ZEROS,
        'a prepared instance is fresh: nothing of the stopped one',
      );
      assert.equal(
        bytesOf(await host.run('victim', 'go', args(0x60))),
        secret(0x53 + round),
        'and then keeps its own state as any running instance',
      );
    }
    for (const t of threads.get('victim')!) assert.not.ok(threads.get('mallory')!.has(t), `thread ${t} served both apps`);
    assert.is(threads.get('victim')!.size, 4, 'each preparation is a new thread');
  } finally {
    await host.close();
  }
});

test('the prepared apps are bounded: least recently prepared evicted first, memory counted at each cap, 0 disables', async () => {
  const two = open(2);
  try {
    for (const app of ['alpha', 'beta', 'gamma']) await two.run(app, 'go');
    for (const app of ['alpha', 'beta', 'gamma']) await two.stopWorker(app);
    assert.equal(two.warmApps, { apps: 2, pages: 512, evicted: 1 });
    assert.is(two.process('alpha'), undefined, 'alpha, prepared first, was evicted');
    await until(() => isReady(two, 'beta')() && isReady(two, 'gamma')(), 'beta and gamma are prepared');
    assert.is(await two.run('alpha', 'go'), 'alpha', 'an evicted app still runs (a warm worker and an instantiation)');
    // an app whose memory cap alone is above the budget is never prepared, and evicts nothing
    await two.run('bigcap', 'go');
    await two.stopWorker('bigcap');
    assert.is(two.process('bigcap'), undefined);
    assert.equal(two.warmApps, { apps: 2, pages: 512, evicted: 1 });
  } finally {
    await two.close();
  }
  const none = open(0);
  try {
    await none.run('alpha', 'go');
    await none.stopWorker('alpha');
    assert.is(none.process('alpha'), undefined);
    assert.equal(none.warmApps, { apps: 0, pages: 0, evicted: 0 });
  } finally {
    await none.close();
  }
  assert.ok(WARM_APPS >= 1 && WARM_APPS <= MAX_WARM_APPS);
  for (const bad of [-1, 0.5, MAX_WARM_APPS + 1]) assert.throws(() => open(bad), /warmApps must be an integer from 0 to 16/);
});

test('a prepared app is evicted when it is reinstalled or removed; the next call runs what is installed', async () => {
  const host = open();
  try {
    await host.install(writeApp(home, 'delta', M.appModule({ result: pack('delta 1') })), grantAll);
    assert.is(await host.run('delta', 'go'), 'delta 1');
    await host.stopWorker('delta');
    await until(isReady(host, 'delta'), 'delta is prepared');
    const old = host.process('delta')!;
    const oldThread = old.threadId;
    await host.install(writeApp(home, 'delta', M.appModule({ result: pack('delta 2') }), { version: '0.2.0' }), {
      ...grantAll,
      replace: true,
    });
    assert.is(host.process('delta'), undefined, 'the worker prepared for the old install is stopped');
    assert.is(old.threadId, undefined);
    assert.equal(host.warmApps.apps, 0);
    assert.is(await host.run('delta', 'go'), 'delta 2');
    assert.is.not(host.process('delta')!.threadId, oldThread);
    await host.stopWorker('delta');
    assert.equal(host.warmApps.apps, 1);
    assert.ok(await host.remove('delta', { purge: true }));
    assert.is(host.process('delta'), undefined, 'removed: its prepared worker is stopped');
    assert.equal(host.warmApps.apps, 0);
    const err = await host.run('delta', 'go').then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.is(err?.code, 'UNKNOWN_APP');
  } finally {
    await host.close();
  }
});

test('a preparation that fails holds nothing, and the next call gets the start error itself', async () => {
  const host = open();
  try {
    const first = await host.run('trapstart', 'go').then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.instance(first, HostError);
    await host.stopWorker('trapstart');
    await until(() => host.warmApps.apps === 0, 'the failed preparation is forgotten');
    const again = await host.run('trapstart', 'go').then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.is(again?.code, first!.code);
    assert.is(again?.message, first!.message);
    assert.is(await host.run('alpha', 'go'), 'alpha', 'the host keeps serving');
  } finally {
    await host.close();
  }
});

test('a prepared start function that never returns is terminated at the deadline, in the background', async () => {
  const host = open();
  try {
    const first = await host.run('spinstart', 'go').then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.is(first?.code, 'DEADLINE_EXCEEDED');
    await host.stopWorker('spinstart');
    assert.equal(host.warmApps.apps, 1, 'preparing');
    await until(() => host.warmApps.apps === 0, 'the preparation hit the start deadline and was forgotten');
    assert.is(host.process('spinstart')!.threadId, undefined, 'its worker was terminated');
    const again = await host.run('spinstart', 'go').then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.is(again?.code, 'DEADLINE_EXCEEDED', 'the next call starts its own worker and meets the same deadline');
    assert.is(await host.run('alpha', 'go'), 'alpha');
  } finally {
    await host.close();
  }
});

test('close stops the prepared workers and prepares nothing more', async () => {
  const host = open();
  await host.run('alpha', 'go');
  await host.stopWorker('alpha');
  const proc = host.process('alpha')!;
  await host.close();
  assert.is(proc.threadId, undefined);
  assert.equal(host.warmApps, { apps: 0, pages: 0, evicted: 0 });
  await host.stopWorker('alpha');
  assert.equal(host.warmApps, { apps: 0, pages: 0, evicted: 0 });
});

test.after(() => cleanup(home));

test.run();
