// The AssemblyScript SDK, exercised through built modules and the minimal host in
// guest-harness.ts: the msgpack codec (round trip of every kind, shortest encodings, typed decode
// errors with offsets, depth limit), command dispatch and typed errors, ISA error codes, and
// memory staying flat over many host-allocated results (cabi_realloc + incremental runtime).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pack, unpack } from 'msgpackr';
import { loadGuest, AppErrorResult, type Guest } from './guest-harness.js';
import { BENCH_WASM, PROBE_WASM } from './paths.js';

let probe: Guest;
let bench: Guest;
test.before(async () => {
  probe = await loadGuest(PROBE_WASM, { account: 'alice' });
  bench = await loadGuest(BENCH_WASM);
});

const appError = (fn: () => unknown): { code: string; message: string; [k: string]: unknown } => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppErrorResult) return e.appError;
    throw e;
  }
  throw new Error('expected an app error');
};

test('msgpack round trip of every kind through the SDK decoder and encoder', () => {
  const value = {
    nil: null,
    t: true,
    f: false,
    small: 5,
    neg: -3,
    byte: 200,
    short: 60000,
    word: 4_000_000_000,
    i32min: -2147483648,
    big: 2 ** 40,
    negbig: -(2 ** 40),
    float: 1.5,
    negfloat: -0.25,
    s: 'héllo ✓',
    empty: '',
    long: 'x'.repeat(300),
    bin: new Uint8Array([1, 2, 3]),
    arr: [1, 'two', [3, [4]]],
    map: { a: { b: { c: 1 } } },
    many: Array.from({ length: 20 }, (_, i) => i),
  };
  assert.equal(probe.run('sdk.roundtrip', value), value);
});

test('the encoder writes the shortest form, like msgpackr', () => {
  for (const v of [
    0,
    127,
    128,
    255,
    256,
    65535,
    65536,
    2 ** 32 - 1,
    -1,
    -32,
    -33,
    -128,
    -129,
    -32768,
    -32769,
    'a',
    'x'.repeat(31),
    'x'.repeat(32),
    'y'.repeat(256),
    [],
    [1],
    Array(16).fill(0),
  ]) {
    const { tag, bytes } = probe.runRaw('sdk.roundtrip', pack(v));
    assert.is(tag, 0);
    assert.equal([...bytes], [...pack(v)], `encoding of ${JSON.stringify(v).slice(0, 40)}`);
  }
  // maps: fixmap headers (msgpackr itself writes map16 for objects, so compare to the spec)
  assert.equal([...probe.runRaw('sdk.roundtrip', pack({})).bytes], [0x80]);
  assert.equal([...probe.runRaw('sdk.roundtrip', pack({ k: 1 })).bytes], [0x81, 0xa1, 0x6b, 0x01]);
});

test('decode errors are typed with the byte offset', () => {
  const check = (bytes: number[], code: number, offset: number, maxDepth?: number): void => {
    const r = probe.run('sdk.decode', { bytes: new Uint8Array(bytes), ...(maxDepth ? { maxDepth } : {}) }) as Record<string, unknown>;
    assert.is(r.ok, false, `bytes ${bytes} decoded`);
    assert.is(r.code, code, `code for ${bytes}: ${r.message}`);
    assert.is(r.offset, offset, `offset for ${bytes}`);
  };
  check([0x92, 0x01], 1, 1); // truncated: 2 items announced, 1 byte left
  check([0xc1], 2, 0); // reserved type
  check([0xd4, 0x01, 0x02], 2, 0); // ext: not accepted
  check([0x01, 0x02], 4, 1); // trailing bytes
  check([0xdb, 0xff, 0xff, 0xff, 0xff], 5, 5); // length beyond any input
  check([0x91, 0x91, 0x91, 0x01], 3, 3, 2); // nested deeper than 2 (offset after the third header)
  const ok = probe.run('sdk.decode', { bytes: new Uint8Array([0x91, 0x91, 0x01]), maxDepth: 2 }) as Record<string, unknown>;
  assert.equal(ok, { ok: true, value: [[1]] });
});

test('malformed command args are an INVALID_ARGS error with the offset', () => {
  const { tag, bytes } = probe.runRaw('sdk.roundtrip', new Uint8Array([0x92, 0x01]));
  assert.is(tag, 1);
  const err = unpack(bytes) as Record<string, unknown>;
  assert.is(err.code, 'INVALID_ARGS');
  assert.is(err.offset, 1);
});

test('unknown commands list the known ones; typed app errors pass through', () => {
  const e = appError(() => bench.run('nope'));
  assert.is(e.code, 'UNKNOWN_COMMAND');
  assert.equal(e.commands, ['null', 'echo', 'instantiate']);
  assert.equal(
    appError(() => probe.run('sdk.fail', { code: 'MY_CODE', message: 'it broke' })),
    { code: 'MY_CODE', message: 'it broke' },
  );
  assert.equal(
    appError(() => probe.run('sdk.fail', { code: 'E', message: 'm', details: { code: 'X', position: 4 } })),
    { code: 'E', message: 'm', position: 4 },
  );
  const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`d${i}`, i]));
  assert.is(Object.keys(appError(() => probe.run('sdk.fail', { code: 'E', message: 'm', details: many }))).length, 15);
});

test('ISA errors reach the app as typed error codes', () => {
  assert.equal(
    appError(() => probe.run('chain.get-info')),
    { code: 'ISA_UNAVAILABLE', message: 'chain.get-info failed: unavailable', isaCode: 3 },
  );
  assert.is(appError(() => probe.run('dmcs.push', { actions: [] })).code, 'ISA_UNAVAILABLE');
  assert.is(appError(() => probe.run('storage.get', { key: 'probe/none' })).code, 'ISA_NOT_FOUND');
  assert.is(appError(() => probe.run('random.bytes', { len: 2 << 20 })).code, 'ISA_LIMIT_EXCEEDED');
});

test('every ISA import is reachable through the probe', () => {
  assert.is(probe.run('log.enabled', { level: 2 }), true);
  assert.is(probe.run('log.write', { level: 3, message: 'hello ✓' }), null);
  assert.equal(probe.logs.at(-1), { level: 3, message: 'hello ✓' });
  assert.type(probe.run('clock.now-ms'), 'number');
  assert.ok(['number', 'bigint'].includes(typeof probe.run('clock.monotonic-ns')));
  assert.is((probe.run('random.bytes', { len: 32 }) as Uint8Array).length, 32);
  assert.is(probe.run('storage.set', { key: 'probe/k', value: 'v' }), null);
  assert.equal([...(probe.run('storage.get', { key: 'probe/k' }) as Uint8Array)], [0x76]);
  assert.equal(unpack(probe.run('storage.list', { prefix: 'probe/' }) as Uint8Array), ['probe/k']);
  assert.is(probe.run('storage.delete', { key: 'probe/k' }), null);
  assert.is(probe.run('ual.account'), 'alice');
  assert.equal(unpack(probe.run('diag.echo', { payload: { a: [1, 2] } }) as Uint8Array), { a: [1, 2] });
  for (const key of [
    'log.enabled',
    'log.write',
    'clock.now-ms',
    'clock.monotonic-ns',
    'random.bytes',
    'storage.get',
    'storage.set',
    'storage.delete',
    'storage.list',
    'ual.account',
    'diag.echo',
  ]) {
    assert.ok((probe.calls.get(key) ?? 0) > 0, `${key} never called`);
  }
});

test('no session: ual.account gives ISA_NO_SESSION', async () => {
  const g = await loadGuest(PROBE_WASM, { account: null });
  assert.is(appError(() => g.run('ual.account')).code, 'ISA_NO_SESSION');
});

test('bench: echo payloads of exact sizes, null calls counted', () => {
  for (const size of [1, 2, 64, 257, 258, 4096, 70000]) assert.is(bench.run('echo', { n: 2, size }), size);
  assert.is(bench.run('null', { n: 10 }), 10);
  assert.is(bench.calls.get('log.enabled'), 10);
});

test('memory stays flat over many host-allocated results (pinned buffers are released)', () => {
  bench.run('echo', { n: 2000, size: 4096 });
  const before = bench.memory.buffer.byteLength;
  for (let i = 0; i < 5; i++) bench.run('echo', { n: 5000, size: 4096 });
  assert.is(bench.memory.buffer.byteLength, before);
});

test.run();
