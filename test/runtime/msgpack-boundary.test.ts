// The boundary codec: the well-formedness scanner and msgpackr's configuration.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scanMsgpack, ScanStatus, pack, unpackGuest, BoundaryError } from '../../abi/boundary.js';
import { echoPayload } from '../../runtime/index.js';

const b = (...xs: number[]) => new Uint8Array(xs);

test('scanner accepts well-formed values of every family', () => {
  for (const v of [
    0,
    -1,
    300,
    -40000,
    2 ** 40,
    1.5,
    'hi',
    'x'.repeat(300),
    true,
    null,
    [1, [2, [3]]],
    { a: { b: 'c' } },
    new Uint8Array(70000),
  ]) {
    assert.is(scanMsgpack(pack(v), 8), ScanStatus.OK, JSON.stringify(v)?.slice(0, 40));
  }
});

test('scanner rejects truncated data, 0xc1, trailing bytes and empty input', () => {
  assert.is(scanMsgpack(b(0x92, 0x01), 8), ScanStatus.TRUNCATED); // array of 2 with 1 item
  assert.is(scanMsgpack(b(0xa5, 0x61), 8), ScanStatus.TRUNCATED); // str of 5 with 1 byte
  assert.is(scanMsgpack(b(0xcd, 0x01), 8), ScanStatus.TRUNCATED); // uint16 missing a byte
  assert.is(scanMsgpack(b(0xc1), 8), ScanStatus.RESERVED);
  assert.is(scanMsgpack(b(0x91, 0xc1), 8), ScanStatus.RESERVED);
  assert.is(scanMsgpack(b(0x01, 0x02), 8), ScanStatus.TRAILING);
  assert.is(scanMsgpack(b(), 8), ScanStatus.EMPTY);
});

test('scanner: a header claiming 2^32 items is truncation, found without walking them', () => {
  const t0 = Date.now();
  assert.is(scanMsgpack(b(0xdd, 0xff, 0xff, 0xff, 0xff, 0x01), 8), ScanStatus.TRUNCATED);
  assert.is(scanMsgpack(b(0xdf, 0xff, 0xff, 0xff, 0xff), 8), ScanStatus.TRUNCATED);
  // walking 2^32 items would take minutes; the bound is loose so that a loaded machine cannot fail it (≈ 0 ms unloaded)
  assert.ok(Date.now() - t0 < 10_000);
});

test('scanner enforces the depth limit (containers count one level each)', () => {
  const nested = (d: number): unknown => (d === 0 ? 1 : [nested(d - 1)]);
  assert.is(scanMsgpack(pack(nested(5)), 5), ScanStatus.OK);
  assert.is(scanMsgpack(pack(nested(6)), 5), ScanStatus.TOO_DEEP);
  assert.is(scanMsgpack(pack(1), 0), ScanStatus.OK);
  // 100k nested arrays do not blow the stack: the limit stops the walk first
  assert.is(scanMsgpack(new Uint8Array(100_000).fill(0x91), 64), ScanStatus.TOO_DEEP);
});

test('scanner refuses extension types (msgpackr records, timestamps)', () => {
  assert.is(scanMsgpack(b(0xd4, 0x72, 0x00), 8), ScanStatus.EXTENSION);
  assert.is(scanMsgpack(b(0xd6, 0xff, 0, 0, 0, 0), 8), ScanStatus.EXTENSION);
  assert.is(scanMsgpack(b(0xc7, 0x01, 0x05, 0x00), 8), ScanStatus.EXTENSION);
});

test('scanner works on a sub-range without copying', () => {
  const buf = b(0xc1, 0x92, 0x01, 0x02, 0xc1);
  assert.is(scanMsgpack(buf, 4, 1, 4), ScanStatus.OK);
  assert.is(scanMsgpack(buf, 4, 1, 5), ScanStatus.TRAILING);
  assert.is(scanMsgpack(buf, 4, 0, 4), ScanStatus.RESERVED);
});

test('codec writes plain msgpack: maps as maps, no records, int64 decoded without rounding', () => {
  const bytes = pack({ a: 1, b: [true] });
  assert.is(bytes[0], 0x82); // fixmap of 2 — no record extension
  assert.equal(unpackGuest(bytes, 8), { a: 1, b: [true] });
  const big = pack(2n ** 63n - 1n);
  assert.is(big[0], 0xd3);
  assert.is(unpackGuest(big, 8), 2n ** 63n - 1n); // beyond 2^53: a bigint
  assert.is(unpackGuest(pack(2n ** 40n), 8), 2 ** 40); // safe: a number
  const proto = unpackGuest(b(0x81, 0xa9, ...Buffer.from('__proto__'), 0x01), 8) as Record<string, unknown>;
  assert.is(Object.getPrototypeOf(proto), Object.prototype);
});

test('unpackGuest turns malformed bytes into a typed MALFORMED_MSGPACK error', () => {
  try {
    unpackGuest(b(0x93, 0x01), 8, 'result');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, BoundaryError);
    assert.is((err as BoundaryError).code, 'MALFORMED_MSGPACK');
    assert.match((err as Error).message, /result is not well-formed msgpack: truncated/);
  }
});

test('echoPayload returns well-formed payloads unchanged and refuses the rest', () => {
  const p = pack({ x: 'y' });
  assert.is(echoPayload(p, 4), p);
  assert.throws(
    () => echoPayload(b(0xc1), 4),
    (e: BoundaryError) => e.code === 'MALFORMED_MSGPACK',
  );
  assert.throws(
    () => echoPayload(pack([[[1]]]), 2),
    (e: BoundaryError) => e.code === 'MALFORMED_MSGPACK',
  );
});

test.run();
