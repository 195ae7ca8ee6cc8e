// Generators and oracles for the SDK's msgpack codec (AssemblyScript, through the isa-probe):
// random values packed by msgpackr must come back equal after the SDK decodes and re-encodes them;
// random and mutated bytes must always give a typed answer (ok or a decode error), never a trap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pack, unpack } from 'msgpackr';
import { loadGuest, type Guest } from './guest-harness.js';
import { PROBE_WASM } from './paths.js';

let probe: Guest;
test.before(async () => {
  probe = await loadGuest(PROBE_WASM);
});

/** xorshift32: deterministic, so a failure names its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 4 ? 7 : 9));
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return Math.floor((r() - 0.5) * 2 ** Math.floor(r() * 53));
    case 3:
      return (r() - 0.5) * 10 ** Math.floor(r() * 20 - 10);
    case 4:
      return Array.from({ length: Math.floor(r() ** 3 * 300) }, () => String.fromCharCode(32 + Math.floor(r() * 0x2f00))).join('');
    case 5:
      return new Uint8Array(Array.from({ length: Math.floor(r() ** 3 * 400) }, () => Math.floor(r() * 256)));
    case 6:
      return '';
    case 7:
      return Array.from({ length: Math.floor(r() ** 2 * 20) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const n = Math.floor(r() ** 2 * 20);
      for (let i = 0; i < n; i++) o[`k${Math.floor(r() * 1000)}`] = randomValue(r, depth + 1);
      return o;
    }
  }
}

test('round trip of 300 random values', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const v = { v: randomValue(rng(seed), 0) };
    const { tag, bytes } = probe.runRaw('sdk.roundtrip', pack(v));
    assert.is(tag, 0, `seed ${seed}`);
    assert.equal(unpack(bytes), v, `seed ${seed}`);
  }
});

test('random bytes always decode to a typed answer', () => {
  const r = rng(42);
  for (let i = 0; i < 2000; i++) {
    const bytes = new Uint8Array(Array.from({ length: 1 + Math.floor(r() * 24) }, () => Math.floor(r() * 256)));
    const res = probe.run('sdk.decode', { bytes }) as { ok: boolean; code?: number; offset?: number };
    if (!res.ok) {
      assert.ok([1, 2, 3, 4, 5].includes(res.code!), `code ${res.code} for ${[...bytes]}`);
      assert.ok(res.offset! >= 0 && res.offset! <= bytes.length, `offset ${res.offset} for ${[...bytes]}`);
    }
  }
});

test('mutated valid payloads always decode to a typed answer', () => {
  const r = rng(7);
  for (let i = 0; i < 500; i++) {
    const bytes = pack(randomValue(r, 2));
    const cut = bytes.subarray(0, Math.floor(r() * bytes.length));
    const flipped = Uint8Array.from(bytes);
    if (flipped.length) flipped[Math.floor(r() * flipped.length)]! ^= 1 << Math.floor(r() * 8); // index < length
    for (const b of [cut, flipped]) {
      const res = probe.run('sdk.decode', { bytes: b }) as { ok: boolean };
      assert.type(res.ok, 'boolean');
    }
  }
});

test('decoder edge cases: float32, uint64 beyond i64, every int width', () => {
  const dec = (bytes: number[]): unknown => (probe.run('sdk.decode', { bytes: new Uint8Array(bytes) }) as { value: unknown }).value;
  assert.is(dec([0xca, 0x3f, 0xc0, 0x00, 0x00]), 1.5);
  assert.is(dec([0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 2 ** 64); // 2^64 - 1 rounds to 2^64 as a double
  assert.is(dec([0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]), -9223372036854775808n);
  assert.is(dec([0xd0, 0x80]), -128);
  assert.is(dec([0xd1, 0x80, 0x00]), -32768);
  assert.is(dec([0xd2, 0x80, 0, 0, 0]), -2147483648);
  assert.is(dec([0xce, 0xff, 0xff, 0xff, 0xff]), 4294967295);
  assert.is(dec([0xd9, 2, 0x68, 0x69]), 'hi');
  assert.is(dec([0xda, 0, 2, 0x68, 0x69]), 'hi');
  assert.is(dec([0xdb, 0, 0, 0, 2, 0x68, 0x69]), 'hi');
  assert.equal(dec([0xdc, 0, 1, 0xc0]), [null]);
  assert.equal(dec([0xde, 0, 1, 0xa1, 0x61, 0x01]), { a: 1 });
  assert.equal(dec([0x81, 0x01, 0x02]), { 1: 2 }); // int keys kept (msgpackr shows them as an object)
});

test.run();
