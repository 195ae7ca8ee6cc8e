// Issue 8, class 5: decoding cost outside the limits. A result of 16 MiB of empty msgpack maps
// (0x80, one byte each, each a JS object once decoded) used to make the main thread decode 16
// million objects (2.1 GB, 41 s). Now the worker counts the result's values inside the app's
// deadline and refuses past MAX_DECODED_VALUES (LIMIT_EXCEEDED); the main thread's own scan stops
// at the same limit before msgpackr builds anything.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HostError, type Host } from '../../runtime/index.js';
import { MAX_DECODED_VALUES, MAX_HOST_CALL_BYTES } from '../../runtime/limits.js';
import { pack, unpackGuest } from '../../abi/msgpack/codec.js';
import { BoundaryError, IsaErrorCode } from '../../abi/boundary-errors.js';
import { op } from '../fixtures/wasm-builder.js';
import * as M from '../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp, quietHost, grantAll } from './helpers.js';

const home = tempHome('hostile-decoding');
let host: Host;
/** 16 MiB of result (the host maximum per call) in 4-byte words, after the 5-byte array32 header. */
const WORDS = Math.floor((MAX_HOST_CALL_BYTES - 5) / 4);
/** Pages for 64 KiB of header room + the result. */
const PAGES = 1 + Math.ceil((5 + WORDS * 4) / 65536) + 1;
const LIMITS = { memoryPages: PAGES, hostCallBytes: MAX_HOST_CALL_BYTES, cpuMs: 10_000 };

test.before(async () => {
  host = quietHost(home);
  await host.install(writeApp(home, 'good', M.appModule()), grantAll);
});

/** Runs `app` while sampling the main thread's heap and the process RSS; returns the error and peaks. */
async function runMeasured(app: string): Promise<{ err: HostError; ms: number; heapMiB: number; rssMiB: number }> {
  const base = process.memoryUsage();
  let heap = base.heapUsed;
  let rss = base.rss;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
  }, 5);
  const t0 = performance.now();
  try {
    await host.run(app, 'go');
    assert.unreachable('the result is over the limit');
    throw new Error('unreachable');
  } catch (e) {
    const ms = performance.now() - t0;
    clearInterval(sample);
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
    assert.instance(e, HostError);
    return { err: e as HostError, ms, heapMiB: (heap - base.heapUsed) / 2 ** 20, rssMiB: (rss - base.rss) / 2 ** 20 };
  }
}

for (const [name, count, word, what] of [
  ['emptymaps', WORDS * 4, 0x80808080, '16 MiB of empty maps (0x80)'],
  ['nested', WORDS, 0x90909093 | 0, '16 MiB of [[], [], []] (small nested arrays)'],
] as const) {
  test(`a result of ${what} → LIMIT_EXCEEDED naming the limit, in bounded time and main-thread memory; another app runs`, async () => {
    await host.install(writeApp(home, name, M.bigArrayResult(count, WORDS, word, PAGES), { limits: LIMITS }), grantAll);
    const r = await runMeasured(name);
    assert.is(r.err.code, 'LIMIT_EXCEEDED', r.err.message);
    assert.match(r.err.message, new RegExp(`result holds more than ${MAX_DECODED_VALUES} msgpack values`));
    assert.is(r.err.app, name);
    // Measured ~0.2 s including the worker's start and its 16 MiB of guest memory (before: 41 s,
    // 2.1 GB); the main thread's heap barely moves. Generous bounds for a loaded machine.
    assert.ok(r.ms < 20_000, `took ${r.ms.toFixed(0)} ms`);
    assert.ok(r.heapMiB < 64, `main-thread heap grew ${r.heapMiB.toFixed(1)} MiB`);
    assert.ok(r.rssMiB < 256, `process RSS grew ${r.rssMiB.toFixed(1)} MiB`);
    console.log(`  ${name}: ${r.ms.toFixed(0)} ms, main-thread heap +${r.heapMiB.toFixed(1)} MiB, process RSS +${r.rssMiB.toFixed(1)} MiB`);
    assert.equal(await host.run('good', 'go'), { ok: true });
  });
}

test('the main thread refuses the same bytes before decoding them (defence in depth)', () => {
  const bytes = new Uint8Array(5 + MAX_DECODED_VALUES).fill(0x80);
  bytes.set([0xdd, 0, 0x01, 0x86, 0xa0]); // array32 of MAX_DECODED_VALUES (100 000) empty maps: one value too many
  assert.is(MAX_DECODED_VALUES, 100_000);
  assert.throws(
    () => unpackGuest(bytes, 8, 'result', MAX_DECODED_VALUES),
    (e: unknown) => e instanceof BoundaryError && e.code === 'LIMIT_EXCEEDED',
  );
  const fits = pack(new Array(MAX_DECODED_VALUES - 1).fill(0));
  assert.is((unpackGuest(fits, 8, 'result', MAX_DECODED_VALUES) as number[]).length, MAX_DECODED_VALUES - 1);
});

test('diag.echo of a payload with more values than the limit → limit-exceeded to the app, not decoded', async () => {
  const payload = new Uint8Array(5 + MAX_DECODED_VALUES).fill(0x80);
  payload.set([0xdd, 0, 0x01, 0x86, 0xa0]);
  const probe = M.isaProbe('diag', 'echo', ['i32', 'i32', 'i32'], [op.i32_const(8192), op.i32_const(payload.length)], [[8192, payload]]);
  await host.install(writeApp(home, 'echoer', probe, { capabilities: { diag: {} }, limits: { hostCallBytes: 1 << 20 } }), grantAll);
  const area = M.readArea((await host.run('echoer', 'go')) as Uint8Array);
  assert.equal(area, { tag: 1, code: IsaErrorCode.LIMIT_EXCEEDED });
  assert.equal(await host.run('good', 'go'), { ok: true });
});

test.after(async () => {
  await host.close();
  cleanup(home);
});
test.run();
