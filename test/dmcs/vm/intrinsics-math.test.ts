// Intrinsics beyond tables: 128-bit compiler builtins, hashes, numeric prints, memcpy overlap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { ApplyContext } from '../../../dmcs/vm/apply-context.js';
import { GuestMemory } from '../../../dmcs/vm/guest-memory.js';
import { ContractError } from '../../../dmcs/vm/contract-error.js';
import { createIntrinsics, type ContextSlot } from '../../../dmcs/vm/intrinsics.js';
import { MemoryHost, n } from './memory-host.js';

type Env = Record<string, (...args: any[]) => any>;

function setup() {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const slot: ContextSlot = { ctx: null };
  const env = createIntrinsics(slot) as unknown as Env;
  const ctx = new ApplyContext(
    { receiver: n('me'), account: n('me'), name: n('act'), data: new Uint8Array(), authorization: [] },
    new MemoryHost(),
    new GuestMemory(memory),
    1e9,
  );
  slot.ctx = ctx;
  const dv = () => new DataView(memory.buffer);
  const u128 = (p: number) => (dv().getBigUint64(p + 8, true) << 64n) | dv().getBigUint64(p, true);
  const i128 = (p: number) => BigInt.asIntN(128, u128(p));
  const halves = (v: bigint): [bigint, bigint] => {
    const u = BigInt.asUintN(128, v);
    return [BigInt.asIntN(64, u & 0xffffffffffffffffn), BigInt.asIntN(64, u >> 64n)];
  };
  return { env, ctx, memory, u128, i128, halves };
}

test('128-bit multiply, divide and modulo, signed and unsigned', () => {
  const { env, u128, i128, halves } = setup();
  const a = 123456789012345678901234567890n,
    b = -987654321n;
  env.__multi3!(0, ...halves(a), ...halves(b));
  assert.is(i128(0), BigInt.asIntN(128, a * b));
  env.__divti3!(0, ...halves(a), ...halves(b));
  assert.is(i128(0), a / b);
  env.__modti3!(0, ...halves(-a), ...halves(1000n));
  assert.is(i128(0), -a % 1000n);
  env.__udivti3!(0, ...halves(2n ** 127n), ...halves(3n));
  assert.is(u128(0), 2n ** 127n / 3n);
  env.__umodti3!(0, ...halves(2n ** 127n + 5n), ...halves(7n));
  assert.is(u128(0), (2n ** 127n + 5n) % 7n);
  try {
    env.__divti3!(0, ...halves(1n), ...halves(0n));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ContractError);
    assert.is((e as ContractError).code, 'arithmetic_exception');
    assert.is((e as Error).message, 'divide by zero');
  }
});

test('128-bit shifts keep or drop the sign as their names say', () => {
  const { env, u128, i128, halves } = setup();
  env.__ashlti3!(0, ...halves(3n), 100);
  assert.is(u128(0), BigInt.asUintN(128, 3n << 100n));
  env.__ashrti3!(0, ...halves(-(2n ** 100n)), 90);
  assert.is(i128(0), -1024n);
  env.__lshrti3!(0, ...halves(-1n), 120);
  assert.is(u128(0), 255n);
  env.__lshlti3!(0, ...halves(1n), 200);
  assert.is(u128(0), 0n);
});

test('hashes write their digest; assert_* compare', () => {
  const { env, memory } = setup();
  const mem = new Uint8Array(memory.buffer);
  mem.set(new TextEncoder().encode('abc'), 0);
  for (const [fn, alg, size] of [
    ['sha256', 'sha256', 32],
    ['sha1', 'sha1', 20],
    ['sha512', 'sha512', 64],
    ['ripemd160', 'ripemd160', 20],
  ] as const) {
    env[fn]!(0, 3, 100);
    const expected = createHash(alg).update('abc').digest();
    assert.equal(Buffer.from(mem.subarray(100, 100 + size)), expected, fn);
    env[`assert_${fn}`]!(0, 3, 100);
    mem[100]! ^= 1;
    try {
      env[`assert_${fn}`]!(0, 3, 100);
      assert.unreachable();
    } catch (e) {
      assert.is((e as ContractError).code, 'crypto_api_exception');
    }
  }
});

test('numeric prints and memcpy overlap', () => {
  const { env, ctx, memory } = setup();
  const dv = new DataView(memory.buffer);
  dv.setBigUint64(0, 0xffffffffffffffffn, true);
  dv.setBigUint64(8, 0xffffffffffffffffn, true);
  env.printi128!(0);
  env.printui128!(0);
  env.printi!(-5n);
  env.printui!(-1n);
  env.printsf!(1.5);
  env.printdf!(0.1);
  assert.is(ctx.console, `-1${2n ** 128n - 1n}-5184467440737095516151.50.1`);
  try {
    env.memcpy!(4, 0, 8);
    assert.unreachable();
  } catch (e) {
    assert.is((e as ContractError).code, 'overlapping_memory_error');
  }
});

test.run();
