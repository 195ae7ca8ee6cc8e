// The idle policy of app workers: an app with no call for appIdleMs is stopped (and prepared
// within the warm apps' bounds), never while a call of it runs or waits; at most liveAppWorkers
// apps hold a live worker, the least recently used idle one making room, a call beyond the bound
// waiting for a busy one and failing with LIMIT_EXCEEDED after LIVE_WORKER_WAIT_MS. Real workers,
// real WASM.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Host, type HostError } from '../../../runtime/index.js';
import {
  APP_IDLE_MS,
  LIVE_APP_WORKERS,
  LIVE_APPS_MEMORY_PAGES,
  LIVE_WORKER_WAIT_MS,
  MAX_APP_IDLE_MS,
  MAX_LIVE_APP_WORKERS,
  MAX_MEMORY_PAGES,
} from '../../../runtime/limits.js';
import { pack } from '../../../abi/boundary.js';
import * as M from '../../fixtures/hostile/modules.js';
import { ROOT } from '../../e2e/world.js';
import { tempHome, cleanup, writeApp, grantAll } from '../helpers.js';
import { HostBridge } from '../../../runtime/host-bridge/index.js';
import { AppScreens, type SafeNode, type ScreenResult } from '../../../runtime/ui/index.js';

const home = tempHome('idle-apps');
const open = (o: { appIdleMs?: number; liveAppWorkers?: number; warmApps?: number; liveWorkerWaitMs?: number } = {}) =>
  new Host({ home, onLog: () => {}, bridge: null, ...o });

/** Polls (bounded) until `cond` holds; fails after a generous limit. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 60_000; !cond(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: HostError) => e,
  );

const args = (fill: number) => new Uint8Array(14).fill(fill);
const ZEROS = new Uint8Array(16);
const bytesOf = (v: unknown) => new Uint8Array(v as Uint8Array);
const MANY = 12;
/** Half the live apps' memory budget: the cap of the two big apps. */
const HALF = LIVE_APPS_MEMORY_PAGES / 2;
const many = Array.from({ length: MANY }, (_, i) => `app${i}`);

test.before(async () => {
  const host = open({ warmApps: 0 });
  await host.install(writeApp(home, 'stash', M.stashArgs()), grantAll);
  // the isa-probe's module (storage.set / storage.get as commands) under a manifest of its own
  const probe = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/apps/isa-probe/peeros.json'), 'utf8')) as { commands: object };
  const probeWasm = new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/apps/isa-probe/build/isa-probe.wasm')));
  await host.install(
    writeApp(home, 'isa-probe', probeWasm, {
      commands: probe.commands as Record<string, { description: string }>,
      capabilities: {
        log: {},
        clock: {},
        random: {},
        storage: { prefixes: ['probe/'], maxBytes: 65536 },
        ual: {},
        'chain.read': { contracts: [] },
        'dmcs.push': { contracts: {} },
        diag: {},
      },
    }),
    grantAll,
  );
  await host.install(writeApp(home, 'spin', M.infiniteLoop(), { limits: { cpuMs: 300 } }), grantAll);
  await host.install(writeApp(home, 'longspin', M.infiniteLoop(), { limits: { cpuMs: LIVE_WORKER_WAIT_MS * 3 } }), grantAll);
  for (const name of many) await host.install(writeApp(home, name, M.appModule({ result: pack(name) })), grantAll);
  await host.install(
    writeApp(home, 'reader', M.forwardResult('chain', 'get-info', ['i32'], []), {
      capabilities: { 'chain.read': { contracts: [] } },
      limits: { cpuMs: 200 },
    }),
    grantAll,
  );
  await host.install(join(ROOT, 'apps/calculator'), grantAll);
  for (const name of ['big0', 'big1'])
    await host.install(writeApp(home, name, M.appModule({ result: pack(name) }), { limits: { memoryPages: HALF } }), grantAll);
  await host.close();
});

test.after(() => cleanup(home));

test('an app with no call for appIdleMs is stopped and prepared; its next call keeps its storage, not its wasm memory', async () => {
  // 1 s: far more than the gap between two calls of the test even on a loaded machine
  const host = open({ appIdleMs: 1000 });
  try {
    assert.equal(bytesOf(await host.run('stash', 'go', args(0x41))), ZEROS);
    assert.equal(bytesOf(await host.run('stash', 'go', args(0x42))).subarray(2), args(0x41), 'a running instance keeps its memory');
    const before = host.process('stash')!;
    const beforeThread = before.threadId;
    assert.is(host.liveApps.idleStops, 0);
    assert.is(await host.run('isa-probe', 'storage.set', { key: 'probe/kept', value: 'across idle' }), null);
    await until(() => host.liveApps.idleStops >= 2, 'both apps went idle');
    assert.equal(host.liveApps.live, 0, 'no app holds a live worker');
    assert.is(before.threadId, undefined, 'the idle worker was terminated');
    await until(() => host.process('stash')?.ready === true && host.process('isa-probe')?.ready === true, 'both are prepared');
    const prepared = host.process('stash')!;
    assert.is.not(prepared, before);
    assert.is.not(prepared.threadId, beforeThread);
    assert.equal(bytesOf(await host.run('stash', 'go', args(0x43))), ZEROS, 'its wasm memory did not survive the idle stop');
    assert.is(host.process('stash'), prepared, 'the call ran in the worker prepared behind the idle stop');
    assert.is(prepared.spawns, 1, 'no worker started on the call path');
    const kept = await host.run('isa-probe', 'storage.get', { key: 'probe/kept' });
    assert.is(new TextDecoder().decode(bytesOf(kept)), 'across idle', 'its storage did');
    assert.equal(host.liveApps.live, 2);
  } finally {
    await host.close();
  }
});

test('a call running past appIdleMs is never cut by the idle policy, nor one queued behind it; a looping app then goes idle', async () => {
  const host = open({ appIdleMs: 50, warmApps: 0 });
  try {
    const started = Date.now();
    const [first, queued] = await Promise.all([failure(host.run('spin', 'go')), failure(host.run('spin', 'go'))]);
    assert.is(first?.code, 'DEADLINE_EXCEEDED', `the running call met its own deadline (${first?.code}: ${first?.message})`);
    assert.is(queued?.code, 'DEADLINE_EXCEEDED', 'the queued call ran too, and met its own');
    assert.ok(Date.now() - started >= 2 * 300, 'both ran their whole deadline');
    assert.is(host.liveApps.idleStops, 0, 'not idle while busy');
    // no call, no work: nothing of the app runs between calls, so its idle clock runs out
    await until(() => host.liveApps.idleStops === 1, 'the looping app went idle');
    assert.is(host.process('spin'), undefined, 'its process is gone (warmApps 0: not prepared)');
    assert.equal(host.liveApps.live, 0);
  } finally {
    await host.close();
  }
});

test('a call waiting on the main thread (a bridged chain read) keeps its app busy: not stopped however long the wait', async () => {
  let release: (() => void) | undefined;
  let asked = 0;
  const bridge = new HostBridge(async (_app, op) => {
    asked++;
    await new Promise<void>((r) => {
      release = r;
    });
    return op === 'chain.get-info' ? pack({ head_block_num: 9 }) : pack(null);
  });
  const host = new Host({ home, onLog: () => {}, bridge, appIdleMs: 50, warmApps: 0 });
  try {
    const call = host.run('reader', 'go');
    await until(() => asked === 1, 'the app waits on the main thread');
    const thread = host.process('reader')!.threadId;
    // ten idle times (and the app's 200 ms CPU deadline) pass while the app waits
    await new Promise((r) => setTimeout(r, 500));
    assert.is(host.liveApps.idleStops, 0, 'not stopped while its call waits');
    assert.is(host.process('reader')!.threadId, thread, 'the same worker');
    release!();
    assert.equal(await call, { head_block_num: 9 }, 'the waiting call was answered, nothing lost');
    await until(() => host.liveApps.idleStops === 1, 'it goes idle once the call settled');
  } finally {
    await host.close();
    bridge.close();
  }
});

test("an app's screen works across idle stops: its state is the form's, not the worker's", async () => {
  const host = open({ appIdleMs: 100 });
  const screens = new AppScreens(host);
  const view = (r: ScreenResult): SafeNode => {
    if ('error' in r) throw new Error(`frame error ${r.error.code}: ${r.error.message}`);
    return r.view;
  };
  const all = (n: SafeNode): SafeNode[] => [n, ...((n.children as SafeNode[] | undefined) ?? []).flatMap(all)];
  try {
    const keys = all(view(await screens.render('calculator'))).filter((n) => n.kind === 'button');
    let expr = '';
    for (const key of ['1', '+', '2']) {
      const stops = host.liveApps.idleStops;
      await until(() => host.liveApps.idleStops > stops, 'the calculator went idle between two keys');
      const b = keys.find((x) => x.label === key)!;
      const next = view(await screens.event('calculator', { id: b.id, value: b.value, form: { expr } }));
      expr = all(next).find((n) => n.id === 'expr')!.value as string;
    }
    assert.is(expr, '1+2');
    const result = all(view(await screens.event('calculator', { id: 'equals', form: { expr } })));
    assert.ok(result.some((n) => n.text === '= 3'));
    assert.ok(host.liveApps.idleStops >= 3);
  } finally {
    await host.close();
  }
});

test('appIdleMs 0 never stops a worker; the default is APP_IDLE_MS; bad options are refused', async () => {
  const host = open({ appIdleMs: 0 });
  try {
    await host.run('app0', 'go');
    const proc = host.process('app0')!;
    await new Promise((r) => setTimeout(r, 300));
    assert.is(host.process('app0'), proc);
    assert.ok(proc.threadId !== undefined);
    assert.is(host.liveApps.idleStops, 0);
  } finally {
    await host.close();
  }
  assert.ok(APP_IDLE_MS > 0 && APP_IDLE_MS <= MAX_APP_IDLE_MS);
  assert.ok(LIVE_APP_WORKERS >= 1 && LIVE_APP_WORKERS <= MAX_LIVE_APP_WORKERS);
  const d = open();
  assert.is(d.liveApps.max, LIVE_APP_WORKERS);
  assert.is(d.liveApps.waitMs, LIVE_WORKER_WAIT_MS);
  await d.close();
  for (const bad of [-1, 0.5, MAX_APP_IDLE_MS + 1])
    assert.throws(() => open({ appIdleMs: bad }), new RegExp(`appIdleMs must be an integer from 0 to ${MAX_APP_IDLE_MS}`));
  for (const bad of [0, 1.5, MAX_LIVE_APP_WORKERS + 1])
    assert.throws(() => open({ liveAppWorkers: bad }), new RegExp(`liveAppWorkers must be an integer from 1 to ${MAX_LIVE_APP_WORKERS}`));
  for (const bad of [0, 1.5, LIVE_WORKER_WAIT_MS + 1])
    assert.throws(
      () => open({ liveWorkerWaitMs: bad }),
      new RegExp(`liveWorkerWaitMs must be an integer from 1 to ${LIVE_WORKER_WAIT_MS}`),
    );
});

test('with many apps at most liveAppWorkers hold a worker; the least recently used idle one makes room', async () => {
  const host = open({ appIdleMs: 0, liveAppWorkers: 3, warmApps: 0 });
  const running = () => many.filter((a) => host.process(a)?.threadId !== undefined);
  try {
    for (const app of many.slice(0, 3)) assert.is(await host.run(app, 'go'), app);
    assert.equal(running(), ['app0', 'app1', 'app2']);
    assert.is(await host.run('app0', 'go'), 'app0'); // app0 is now the most recently used
    assert.is(await host.run('app3', 'go'), 'app3');
    assert.equal(running(), ['app0', 'app2', 'app3'], 'app1, least recently used, was stopped');
    assert.equal(host.liveApps.evicted, 1);
    // one round through the twelve: each call past the third stops the least recently used (some
    // of them started again after being stopped); a second round repeated the same, 12 workers later
    for (const app of many) {
      assert.is(await host.run(app, 'go'), app);
      assert.ok(running().length <= 3, `${running().length} live workers after ${app}`);
      assert.ok(host.liveApps.live <= 3);
    }
    // many at once: the bound holds while calls wait for places. Six, twice the places: each call
    // waits at most LIVE_WORKER_WAIT_MS for one, and the last of twelve waited out three rounds of
    // thread starts, past 5 s when four copies of this file ran at once on two cores
    const burst = many.slice(0, 6);
    const all = await Promise.all(burst.map((app) => host.run(app, 'go')));
    assert.equal(all, burst);
    assert.ok(running().length <= 3);
  } finally {
    await host.close();
  }
});

test('the live apps hold at most LIVE_APPS_MEMORY_PAGES of guest memory, each counted at its cap', async () => {
  assert.ok(
    MAX_MEMORY_PAGES + 16 * 256 <= LIVE_APPS_MEMORY_PAGES,
    'one app at the host maximum leaves room for sixteen at the default cap',
  );
  const host = open({ appIdleMs: 0, warmApps: 0 });
  try {
    assert.is(await host.run('big0', 'go'), 'big0');
    assert.is(await host.run('big1', 'go'), 'big1');
    assert.is(host.liveApps.pages, LIVE_APPS_MEMORY_PAGES);
    assert.is(await host.run('app0', 'go'), 'app0');
    assert.is(host.process('big0'), undefined, 'big0, least recently used, made room (2 of 8 workers, but the pages were spent)');
    assert.ok(host.process('big1')?.threadId !== undefined);
    assert.is(host.liveApps.pages, HALF + 256);
    assert.is(await host.run('big0', 'go'), 'big0');
    assert.is(host.process('big1'), undefined, 'big1 made room in turn; app0 (256 pages) fits beside big0');
    assert.ok(host.process('app0')?.threadId !== undefined);
    assert.ok(host.liveApps.pages <= LIVE_APPS_MEMORY_PAGES);
    assert.is(host.liveApps.evicted, 2);
  } finally {
    await host.close();
  }
});

/** The wait for a place where the test waits it out (the default, LIVE_WORKER_WAIT_MS, is 5 s; checked above). */
const WAIT_MS = 1_000;

test(`when every live worker is busy a call waits for a place, and fails with LIMIT_EXCEEDED after the wait (LIVE_WORKER_WAIT_MS, here ${WAIT_MS} ms)`, async () => {
  // the default wait, not waited out: spin holds the one place until its 300 ms deadline, app0 waits for it, then runs
  const host = open({ appIdleMs: 0, liveAppWorkers: 1, warmApps: 0 });
  try {
    const spinning = failure(host.run('spin', 'go'));
    await until(() => host.liveApps.live === 1, 'spin holds the place');
    assert.is(await host.run('app0', 'go'), 'app0', 'the waiting call ran once the place was free');
    assert.is((await spinning)?.code, 'DEADLINE_EXCEEDED');
    assert.is(host.process('spin'), undefined, 'spin made room');
  } finally {
    await host.close();
  }
  // a shorter wait, waited out: longspin holds the place past it, the call is refused, the bound named
  const short = open({ appIdleMs: 0, liveAppWorkers: 1, warmApps: 0, liveWorkerWaitMs: WAIT_MS });
  try {
    const holding = failure(short.run('longspin', 'go'));
    await until(() => short.process('longspin') !== undefined, 'longspin holds the place');
    const t0 = Date.now();
    const refused = await failure(short.run('app1', 'go'));
    assert.is(refused?.code, 'LIMIT_EXCEEDED');
    assert.match(refused!.message, /LIVE_APP_WORKERS/);
    const waited = Date.now() - t0;
    assert.ok(waited >= WAIT_MS - 50 && waited < LIVE_WORKER_WAIT_MS, `refused after ${waited} ms`);
    assert.is(short.process('app1'), undefined, 'no worker was started beyond the bound');
    await short.close();
    assert.is((await holding)?.code, 'CLOSED');
  } finally {
    await short.close();
  }
});

test('an app called without pause keeps no place from another app beyond one of its calls', async () => {
  const host = open({ appIdleMs: 0, liveAppWorkers: 1, warmApps: 0 });
  let stop = false;
  let calls = 0;
  try {
    const hammer = (async () => {
      while (!stop) {
        await host.run('app0', 'go');
        calls++;
      }
    })();
    await until(() => calls >= 5, 'app0 is called back to back');
    const t0 = Date.now();
    assert.is(await host.run('app1', 'go'), 'app1');
    assert.ok(Date.now() - t0 < LIVE_WORKER_WAIT_MS, 'served within the wait');
    stop = true;
    await hammer;
    assert.ok(host.liveApps.evicted >= 1);
  } finally {
    stop = true;
    await host.close();
  }
});

test.run();
