// Secondary-index intrinsics (db_idx64/idx128/idx256/idx_double_*), driven directly against a
// MemoryHost: (secondary, primary) order, write-back of keys and primaries, end iterators, per-kind
// iterator numbers, access rules, NaN refusal, and the opt-in at validation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApplyContext } from '../../../dmcs/vm/apply-context.js';
import { GuestMemory } from '../../../dmcs/vm/guest-memory.js';
import { ContractError } from '../../../dmcs/vm/contract-error.js';
import { ContractVm, validate } from '../../../dmcs/vm/contract-vm.js';
import { createIntrinsics, type ContextSlot } from '../../../dmcs/vm/intrinsics.js';
import { createSecondaryIntrinsics } from '../../../dmcs/vm/secondary-intrinsics.js';
import { MemoryHost, n } from './memory-host.js';
import { wat } from './wat.js';

type Env = Record<string, (...args: any[]) => any>;

function setup(receiver = 'me') {
  const host = new MemoryHost(['me', 'other']);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const slot: ContextSlot = { ctx: null };
  const env = { ...createIntrinsics(slot), ...createSecondaryIntrinsics(slot) } as unknown as Env;
  const act = (r: string) => ({ receiver: n(r), account: n(r), name: n('act'), data: new Uint8Array(), authorization: [] });
  slot.ctx = new ApplyContext(act(receiver), host, new GuestMemory(memory), 1e9);
  const dv = () => new DataView(memory.buffer);
  const as = (r: string) => {
    slot.ctx = new ApplyContext(act(r), host, new GuestMemory(memory), 1e9);
  };
  return { host, env, dv, as, me: n('me'), scope: n('s'), tbl: n('t') };
}

function throwsCode(fn: () => unknown, code: string, text?: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ContractError);
    assert.is((e as ContractError).code, code, (e as Error).message);
    if (text) assert.ok((e as Error).message.includes(text), (e as Error).message);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('a missing index answers -1', () => {
  const { env, me, scope, tbl } = setup();
  assert.is(env.db_idx64_end!(me, scope, tbl), -1);
  assert.is(env.db_idx64_find_secondary!(me, scope, tbl, 0, 8), -1);
  assert.is(env.db_idx64_lowerbound!(me, scope, tbl, 0, 8), -1);
  assert.is(env.db_idx64_find_primary!(me, scope, tbl, 0, 1n), -1);
});

test('idx64: (secondary, primary) order, write-back, next/previous and end iterators', () => {
  const { env, dv, me, scope, tbl } = setup();
  const store = (primary: bigint, sec: bigint) => {
    dv().setBigUint64(0, sec, true);
    return env.db_idx64_store!(scope, tbl, me, primary, 0) as number;
  };
  const i1 = store(1n, 30n),
    i2 = store(2n, 10n),
    i3 = store(3n, 20n),
    i4 = store(4n, 20n);
  assert.equal([i1, i2, i3, i4], [0, 1, 2, 3]);
  const end = env.db_idx64_end!(me, scope, tbl);
  assert.ok(end <= -2);
  dv().setBigUint64(0, 20n, true);
  assert.is(env.db_idx64_find_secondary!(me, scope, tbl, 0, 8), i3, 'exact match, lowest primary first');
  assert.is(dv().getBigUint64(8, true), 3n);
  dv().setBigUint64(0, 15n, true);
  assert.is(env.db_idx64_lowerbound!(me, scope, tbl, 0, 8), i3);
  assert.is(dv().getBigUint64(0, true), 20n, 'the key found is written back');
  assert.is(dv().getBigUint64(8, true), 3n);
  dv().setBigUint64(0, 20n, true);
  assert.is(env.db_idx64_upperbound!(me, scope, tbl, 0, 8), i1);
  dv().setBigUint64(0, 25n, true);
  assert.is(env.db_idx64_find_secondary!(me, scope, tbl, 0, 8), end, 'no exact match → end');
  assert.is(env.db_idx64_next!(i3, 16), i4);
  assert.is(dv().getBigUint64(16, true), 4n);
  assert.is(env.db_idx64_next!(i1, 16), end, 'next from the last → end');
  assert.is(env.db_idx64_next!(end, 16), -1);
  assert.is(env.db_idx64_previous!(end, 16), i1, 'previous from end → last');
  assert.is(env.db_idx64_previous!(i2, 16), -1, 'previous from the first → -1');
  assert.is(env.db_idx64_find_primary!(me, scope, tbl, 24, 4n), i4);
  assert.is(dv().getBigUint64(24, true), 20n, 'find_primary writes the secondary');
  assert.is(env.db_idx64_find_primary!(me, scope, tbl, 24, 9n), end);
});

test('idx64: update reorders, remove kills the iterator, writes need the owner', () => {
  const { env, dv, me, scope, tbl, as, host } = setup();
  dv().setBigUint64(0, 5n, true);
  const a = env.db_idx64_store!(scope, tbl, me, 1n, 0);
  dv().setBigUint64(0, 6n, true);
  const b = env.db_idx64_store!(scope, tbl, me, 2n, 0);
  throwsCode(() => env.db_idx64_store!(scope, tbl, me, 2n, 0), 'database_exception');
  dv().setBigUint64(0, 9n, true);
  env.db_idx64_update!(a, 0n, 0);
  assert.is(env.db_idx64_next!(b, 8), a, 'a moved after b');
  assert.is(host.db.findIndex('idx64', me, scope, tbl)!.findPrimary(1n)!.payer, me, 'payer 0 keeps the payer');
  env.db_idx64_remove!(b);
  throwsCode(() => env.db_idx64_next!(b, 8), 'table_operation_not_permitted', 'deleted');
  as('other');
  const it = env.db_idx64_find_primary!(me, scope, tbl, 0, 1n);
  throwsCode(() => env.db_idx64_remove!(it), 'table_access_violation');
  throwsCode(() => env.db_idx64_store!(scope, tbl, 0n, 3n, 0), 'invalid_table_payer');
});

test('each kind numbers its own iterators, apart from the primary table', () => {
  const { env, dv, me, scope, tbl } = setup();
  dv().setBigUint64(0, 1n, true);
  assert.is(env.db_store_i64!(scope, tbl, me, 1n, 0, 8), 0);
  assert.is(env.db_idx64_store!(scope, tbl, me, 1n, 0), 0);
  assert.is(env.db_idx128_store!(scope, tbl, me, 1n, 0), 0);
});

test('idx128 and idx256 keys: memory layout and order', () => {
  const { env, dv, me, scope, tbl } = setup();
  const put128 = (p: number, v: bigint) => {
    dv().setBigUint64(p, v & 0xffffffffffffffffn, true);
    dv().setBigUint64(p + 8, v >> 64n, true);
  };
  const get128 = (p: number) => (dv().getBigUint64(p + 8, true) << 64n) | dv().getBigUint64(p, true);
  put128(0, 1n << 100n);
  env.db_idx128_store!(scope, tbl, me, 7n, 0);
  put128(0, 5n);
  assert.ok(env.db_idx128_lowerbound!(me, scope, tbl, 0, 64) >= 0);
  assert.is(get128(0), 1n << 100n);
  assert.is(dv().getBigUint64(64, true), 7n);
  // idx256: word 0 is the high half of the order
  put128(0, 1n);
  put128(16, 0n);
  env.db_idx256_store!(scope, tbl, me, 1n, 0, 2);
  put128(0, 0n);
  put128(16, 99n);
  env.db_idx256_store!(scope, tbl, me, 2n, 0, 2);
  put128(0, 0n);
  put128(16, 0n);
  assert.ok(env.db_idx256_lowerbound!(me, scope, tbl, 0, 2, 64) >= 0);
  assert.is(dv().getBigUint64(64, true), 2n, '(0, 99) sorts before (1, 0)');
  assert.equal([get128(0), get128(16)], [0n, 99n]);
  throwsCode(() => env.db_idx256_store!(scope, tbl, me, 3n, 0, 1), 'wasm_execution_error', 'expected 2');
});

test('idx_double: numeric order, -0 equals 0, NaN refused', () => {
  const { env, dv, me, scope, tbl } = setup();
  for (const [p, v] of [
    [1n, 2.5],
    [2n, -1],
    [3n, 0],
  ] as const) {
    dv().setFloat64(0, v, true);
    env.db_idx_double_store!(scope, tbl, me, p, 0);
  }
  dv().setFloat64(0, -0, true);
  assert.ok(env.db_idx_double_find_secondary!(me, scope, tbl, 0, 8) >= 0);
  assert.is(dv().getBigUint64(8, true), 3n);
  dv().setFloat64(0, -5, true);
  env.db_idx_double_lowerbound!(me, scope, tbl, 0, 8);
  assert.is(dv().getFloat64(0, true), -1);
  dv().setFloat64(0, NaN, true);
  throwsCode(() => env.db_idx_double_store!(scope, tbl, me, 9n, 0), 'transaction_exception', 'NaN');
});

test('a host without secondary indexes refuses the calls', () => {
  const { env, host, me, scope, tbl } = setup();
  (host.db as { findIndex?: unknown }).findIndex = undefined;
  throwsCode(() => env.db_idx64_end!(me, scope, tbl), 'unaccessible_api', 'secondary indexes');
});

test('validation accepts db_idx* imports only when enabled; prototype names are unknown imports', () => {
  const m = wat(
    `(module (import "env" "db_idx64_store" (func (param i64 i64 i64 i64 i32) (result i32))) (func (export "apply") (param i64 i64 i64)))`,
  );
  throwsCode(() => validate(m), 'wasm_serialization_error', 'env.db_idx64_store');
  validate(m, { secondaryIndexes: true });
  throwsCode(
    () => validate(wat(`(module (import "env" "toString" (func)) (func (export "apply") (param i64 i64 i64)))`)),
    'wasm_serialization_error',
    'env.toString',
  );
  throwsCode(
    () => validate(wat(`(module (import "env" "__proto__" (func)) (func (export "apply") (param i64 i64 i64)))`)),
    'wasm_serialization_error',
    'env.__proto__',
  );
});

test('a contract uses an idx64 index through ContractVm({ secondaryIndexes: true })', () => {
  const m = wat(`(module
    (import "env" "db_idx64_store" (func $store (param i64 i64 i64 i64 i32) (result i32)))
    (import "env" "db_idx64_lowerbound" (func $lb (param i64 i64 i64 i32 i32) (result i32)))
    (import "env" "printui" (func $printui (param i64)))
    (memory 1)
    (func (export "apply") (param $r i64) (param i64 i64)
      (i64.store (i32.const 0) (i64.const 50)) (drop (call $store (i64.const 1) (i64.const 2) (local.get $r) (i64.const 7) (i32.const 0)))
      (i64.store (i32.const 0) (i64.const 40)) (drop (call $store (i64.const 1) (i64.const 2) (local.get $r) (i64.const 8) (i32.const 0)))
      (i64.store (i32.const 0) (i64.const 45))
      (drop (call $lb (local.get $r) (i64.const 1) (i64.const 2) (i32.const 0) (i32.const 8)))
      (call $printui (i64.load (i32.const 8)))))`);
  const host = new MemoryHost(['me']);
  const r = new ContractVm({ secondaryIndexes: true }).apply(
    m,
    { receiver: n('me'), account: n('me'), name: n('go'), data: new Uint8Array(), authorization: [] },
    host,
  );
  assert.is(r.console, '7');
  throwsCode(() => new ContractVm().compile(m), 'wasm_serialization_error', 'db_idx64_store');
});

test.run();
