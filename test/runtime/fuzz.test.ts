// Generators and oracles (STYLE §13): random and mutated inputs at the two parsers that read
// untrusted bytes — the msgpack scanner and the wasm section reader. Oracle: a typed answer, never
// an exception of another kind, and the scanner never lets through what msgpackr then rejects.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scanMsgpack, ScanStatus, pack, unpackGuest, BoundaryError } from '../../abi/boundary.js';
import { HostError } from '../../runtime/index.js';
import { readModuleInfo } from '../../runtime/sandbox/wasm-sections.js';
import { inspectModule } from '../../runtime/sandbox/module-loader.js';
import * as M from '../fixtures/hostile/modules.js';

// A small deterministic PRNG (xorshift32) so that a failure reproduces from its seed.
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 0 ? 9 : 6));
  switch (k) {
    case 0:
      return Math.floor(r() * 2 ** 32) - 2 ** 31;
    case 1:
      return r() * 1e6;
    case 2:
      return 'é'.repeat(Math.floor(r() * 40));
    case 3:
      return r() < 0.5;
    case 4:
      return null;
    case 5:
      return new Uint8Array(Math.floor(r() * 300));
    case 6:
      return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth - 1));
    case 7:
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, (_, i) => [`k${i}`, randomValue(r, depth - 1)]));
    default:
      return BigInt(Math.floor(r() * 2 ** 52)) * 4096n;
  }
}

test('generated values: packed bytes always scan OK and round-trip', () => {
  const r = rng(42);
  for (let i = 0; i < 500; i++) {
    const v = randomValue(r, 4);
    const bytes = pack(v);
    assert.is(scanMsgpack(bytes, 8), ScanStatus.OK, `seed 42 case ${i}`);
    unpackGuest(bytes, 8);
  }
});

test('mutated msgpack: the scanner never throws, and what it accepts msgpackr decodes', () => {
  const r = rng(7);
  for (let i = 0; i < 3000; i++) {
    const bytes = new Uint8Array(pack(randomValue(r, 4)));
    const n = 1 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
    const cut = r() < 0.3 ? bytes.subarray(0, Math.floor(r() * bytes.length)) : bytes;
    const status = scanMsgpack(cut, 8);
    if (status === ScanStatus.OK)
      unpackGuest(cut, 8); // must not throw
    else
      assert.throws(
        () => unpackGuest(cut, 8),
        (e: unknown) => e instanceof BoundaryError && e.code === 'MALFORMED_MSGPACK',
      );
  }
});

test('mutated wasm modules: the section reader and the loader answer with a typed error or succeed', () => {
  const r = rng(99);
  const seeds = [M.appModule(), M.echoArgs(), M.trapInHostCall(), M.noMemoryMaximum(4)];
  let typed = 0;
  for (let i = 0; i < 2000; i++) {
    const bytes = new Uint8Array(seeds[i % seeds.length]!);
    const n = 1 + Math.floor(r() * 3);
    for (let k = 0; k < n; k++) bytes[8 + Math.floor(r() * (bytes.length - 8))] = Math.floor(r() * 256);
    try {
      readModuleInfo(bytes);
      inspectModule(bytes, 'fuzz', { log: {}, diag: {}, random: {} }, 16);
    } catch (e) {
      assert.instance(e, HostError, `case ${i}: ${(e as Error).message}`);
      typed++;
    }
  }
  assert.ok(typed > 100); // the mutations do reach the error paths
});

test.run();
