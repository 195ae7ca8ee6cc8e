// Bounds-checked guest memory: every pointer and length checked, views refreshed after growth.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GuestMemory, BoundaryError } from '../../abi/boundary.js';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.instance(e, BoundaryError);
    return `${(e as BoundaryError).code}: ${(e as Error).message}`;
  }
  throw new Error('expected a BoundaryError');
};

test('in-range access works; the edge is exclusive', () => {
  const m = new GuestMemory(new WebAssembly.Memory({ initial: 1, maximum: 2 }));
  m.write(65530, new Uint8Array([1, 2, 3, 4, 5, 6]), 'w');
  assert.equal([...m.copyOut(65530, 6, 'r')], [1, 2, 3, 4, 5, 6]);
  m.check(65536, 0, 'empty at end');
  assert.match(
    code(() => m.check(65531, 6, 'x')),
    /^BAD_POINTER: x: range \[65531, 65537\) is outside linear memory/,
  );
});

test('negative pointers and lengths are typed traps', () => {
  const m = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
  assert.match(
    code(() => m.check(-4, 4, 'p')),
    /BAD_POINTER: p: negative pointer -4/,
  );
  assert.match(
    code(() => m.check(0, -1, 'p')),
    /BAD_POINTER: p: negative length -1/,
  );
});

test('ptr + len overflowing 32 bits is named as such', () => {
  const m = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
  assert.match(
    code(() => m.check(0xfffffff0, 0x20, 'q')),
    /overflows the 32-bit address space/,
  );
});

test('views follow memory.grow without being rebuilt on every access', () => {
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 4 });
  const m = new GuestMemory(mem);
  const before = m.u8;
  m.check(0, 10, 'a');
  assert.is(m.u8, before); // cached
  mem.grow(1);
  m.write(70000, new Uint8Array([9]), 'after grow');
  assert.is(m.u8.length, 2 * 65536);
  assert.is.not(m.u8, before);
  assert.is(m.readU32(0, 'u32'), 0);
});

test('strings: strict UTF-8 is INVALID_VALUE on bad bytes; lossy decoding for logs', () => {
  const m = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
  m.write(0, new Uint8Array([0x68, 0x69, 0xff]), 's');
  assert.is(m.readString(0, 2, 's'), 'hi');
  assert.match(
    code(() => m.readString(0, 3, 's')),
    /^INVALID_VALUE: s: not valid UTF-8/,
  );
  assert.is(m.readStringLossy(0, 3, 's'), 'hi\ufffd');
});

test('return areas must be aligned', () => {
  const m = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
  m.checkArea(16, 12, 4, 'area');
  assert.match(
    code(() => m.checkArea(18, 12, 4, 'area')),
    /not 4-byte aligned/,
  );
});

test.run();
