// Antelope iterator semantics of the db_*_i64 intrinsics, driven directly against a MemoryHost:
// -1 for a missing table, end iterators ≤ -2, next from the last row → end, previous from end →
// last row, stable iterator numbers, dead iterators after remove, write access only to own tables.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApplyContext } from '../../../dmcs/vm/apply-context.js';
import { GuestMemory } from '../../../dmcs/vm/guest-memory.js';
import { ContractError } from '../../../dmcs/vm/contract-error.js';
import { createIntrinsics, type ContextSlot } from '../../../dmcs/vm/intrinsics.js';
import { SCANNED_ROWS, SCANNED_TABLES } from '../../../dmcs/vm/iterator-cache.js';
import { MemoryHost, n } from './memory-host.js';

type Env = Record<string, (...args: any[]) => any>;

function setup() {
  const host = new MemoryHost(['me', 'other']);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const slot: ContextSlot = { ctx: null };
  const env = createIntrinsics(slot) as unknown as Env;
  slot.ctx = new ApplyContext(
    {
      receiver: n('me'),
      account: n('me'),
      name: n('act'),
      data: new Uint8Array([1, 2, 3]),
      authorization: [{ actor: n('me'), permission: n('active') }],
    },
    host,
    new GuestMemory(memory),
    1e9,
  );
  const mem = () => new Uint8Array(memory.buffer);
  const u64At = (p: number) => new DataView(memory.buffer).getBigUint64(p, true);
  const me = n('me'),
    scope = n('s'),
    tbl = n('t');
  const store = (key: bigint, byte: number) => {
    mem()[100] = byte;
    return env.db_store_i64!(scope, tbl, me, key, 100, 1) as number;
  };
  return { host, env, mem, u64At, me, scope, tbl, store, slot };
}

function throwsCode(fn: () => unknown, code: string, text?: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ContractError);
    assert.is((e as ContractError).code, code);
    if (text) assert.ok((e as Error).message.includes(text), (e as Error).message);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('a missing table answers -1 everywhere', () => {
  const { env, me, scope, tbl } = setup();
  assert.is(env.db_find_i64!(me, scope, tbl, 1n), -1);
  assert.is(env.db_lowerbound_i64!(me, scope, tbl, 0n), -1);
  assert.is(env.db_upperbound_i64!(me, scope, tbl, 0n), -1);
  assert.is(env.db_end_i64!(me, scope, tbl), -1);
});

test('find, end iterators, next and previous follow Antelope', () => {
  const { env, me, scope, tbl, store, u64At } = setup();
  const i10 = store(10n, 0xa);
  const i20 = store(20n, 0xb);
  const i30 = store(30n, 0xc);
  assert.equal([i10, i20, i30], [0, 1, 2]);
  const end = env.db_end_i64!(me, scope, tbl);
  assert.ok(end <= -2, `end iterator ${end}`);
  assert.is(env.db_find_i64!(me, scope, tbl, 20n), i20, 'the same row gets the same iterator');
  assert.is(env.db_find_i64!(me, scope, tbl, 25n), end, 'not found in an existing table → end');
  assert.is(env.db_next_i64!(i10, 200), i20);
  assert.is(u64At(200), 20n);
  assert.is(env.db_next_i64!(i30, 200), end, 'next from the last row → end iterator');
  assert.is(env.db_next_i64!(end, 200), -1, 'next from end → -1');
  assert.is(env.db_previous_i64!(end, 200), i30, 'previous from end → last row');
  assert.is(u64At(200), 30n);
  assert.is(env.db_previous_i64!(i10, 200), -1, 'previous from the first row → -1');
  assert.is(env.db_lowerbound_i64!(me, scope, tbl, 15n), i20);
  assert.is(env.db_lowerbound_i64!(me, scope, tbl, 20n), i20);
  assert.is(env.db_upperbound_i64!(me, scope, tbl, 20n), i30);
  assert.is(env.db_upperbound_i64!(me, scope, tbl, 30n), end);
});

test('db_get_i64 with length 0 returns the size; shorter buffers get a prefix', () => {
  const { env, mem, me, scope, tbl } = setup();
  mem().set([1, 2, 3, 4], 100);
  const it = env.db_store_i64!(scope, tbl, me, 7n, 100, 4);
  assert.is(env.db_get_i64!(it, 0, 0), 4);
  assert.is(env.db_get_i64!(it, 300, 2), 2);
  assert.equal([...mem().subarray(300, 304)], [1, 2, 0, 0]);
  assert.is(env.db_get_i64!(it, 300, 64), 4);
  assert.equal([...mem().subarray(300, 304)], [1, 2, 3, 4]);
});

test('bad iterators: -1, end and removed rows are refused with Antelope errors', () => {
  const { env, me, scope, tbl, store } = setup();
  const it = store(1n, 1);
  store(2n, 2);
  const end = env.db_end_i64!(me, scope, tbl);
  throwsCode(() => env.db_get_i64!(-1, 0, 0), 'invalid_table_iterator');
  throwsCode(() => env.db_get_i64!(end, 0, 0), 'table_operation_not_permitted', 'dereference of end iterator');
  throwsCode(() => env.db_get_i64!(99, 0, 0), 'invalid_table_iterator', 'iterator out of range');
  env.db_remove_i64!(it);
  throwsCode(() => env.db_get_i64!(it, 0, 0), 'table_operation_not_permitted', 'dereference of deleted object');
  assert.is(env.db_find_i64!(me, scope, tbl, 1n), end);
});

test('removing the last row removes the table: later finds answer -1', () => {
  const { env, me, scope, tbl, store, host } = setup();
  const it = store(1n, 1);
  env.db_remove_i64!(it);
  assert.is(host.db.findTable(me, scope, tbl), undefined);
  assert.is(env.db_find_i64!(me, scope, tbl, 1n), -1);
  assert.ok(store(1n, 9) >= 0, 'the table can be created again');
});

test(`past SCANNED_TABLES (${SCANNED_TABLES}) tables and SCANNED_ROWS (${SCANNED_ROWS}) rows the numbers stay the same`, () => {
  const { env, me, tbl, mem } = setup();
  const tables = 3 * SCANNED_TABLES;
  const perTable = 3 * SCANNED_ROWS;
  mem()[100] = 1;
  const its: number[][] = [];
  const ends: number[] = [];
  for (let s = 0; s < tables; s++) {
    its.push([]);
    for (let k = 0; k < perTable; k++) its[s]!.push(env.db_store_i64!(BigInt(s + 1), tbl, me, BigInt(k), 100, 1) as number);
    ends.push(env.db_end_i64!(me, BigInt(s + 1), tbl) as number);
  }
  assert.equal(its.flat(), [...Array(tables * perTable).keys()], 'numbered in the order handed out');
  assert.equal(
    ends,
    [...Array(tables).keys()].map((i) => -(i + 2)),
    'one end iterator per table, in order',
  );
  for (let s = 0; s < tables; s++) {
    assert.is(env.db_end_i64!(me, BigInt(s + 1), tbl), ends[s]);
    for (let k = 0; k < perTable; k++) assert.is(env.db_find_i64!(me, BigInt(s + 1), tbl, BigInt(k)), its[s]![k]);
  }
  // a removed row's number stays dead; the row stored again gets a new one, found from then on
  const last = tables - 1;
  env.db_remove_i64!(its[last]![perTable - 1]!);
  env.db_remove_i64!(its[0]![0]!);
  assert.is(env.db_find_i64!(me, BigInt(last + 1), tbl, BigInt(perTable - 1)), ends[last]);
  assert.is(env.db_find_i64!(me, 1n, tbl, 0n), ends[0]);
  const again = env.db_store_i64!(BigInt(last + 1), tbl, me, BigInt(perTable - 1), 100, 1);
  assert.is(again, tables * perTable);
  assert.is(env.db_find_i64!(me, BigInt(last + 1), tbl, BigInt(perTable - 1)), again);
  assert.is(env.db_find_i64!(me, BigInt(last + 1), tbl, 0n), its[last]![0]);
  // a table emptied is gone (-1); created again, it gets a new end iterator
  for (let k = 1; k < perTable; k++) env.db_remove_i64!(its[0]![k]!);
  assert.is(env.db_find_i64!(me, 1n, tbl, 1n), -1);
  assert.is(env.db_end_i64!(me, 1n, tbl), -1);
  const reborn = env.db_store_i64!(1n, tbl, me, 1n, 100, 1);
  assert.is(reborn, tables * perTable + 1);
  assert.is(env.db_end_i64!(me, 1n, tbl), -(tables + 2));
  assert.is(env.db_find_i64!(me, 2n, tbl, 0n), its[1]![0], 'other tables unchanged');
});

test("writes: duplicates, zero payer, other contracts' tables are refused", () => {
  const { env, me, scope, tbl, store, slot, host } = setup();
  store(1n, 1);
  throwsCode(() => store(1n, 2), 'database_exception', 'already exists');
  throwsCode(() => env.db_store_i64!(scope, tbl, 0n, 5n, 100, 1), 'invalid_table_payer');
  // a row of another contract, read through the other contract's table
  slot.ctx = new ApplyContext(
    { receiver: n('other'), account: n('other'), name: n('act'), data: new Uint8Array(), authorization: [] },
    host,
    new GuestMemory(new WebAssembly.Memory({ initial: 1 })),
    1e9,
  );
  const it = env.db_find_i64!(me, scope, tbl, 1n);
  assert.ok(it >= 0, "reading another contract's table is allowed");
  throwsCode(() => env.db_update_i64!(it, 0n, 0, 1), 'table_access_violation');
  throwsCode(() => env.db_remove_i64!(it), 'table_access_violation');
});

test('update keeps the payer with payer 0 and moves RAM to a new payer', () => {
  const { env, me, scope, tbl, mem, host } = setup();
  mem().set([1, 2], 100);
  const it = env.db_store_i64!(scope, tbl, me, 1n, 100, 2);
  env.db_update_i64!(it, 0n, 100, 1);
  assert.is(host.db.findTable(me, scope, tbl)!.find(1n)!.payer, me);
  env.db_update_i64!(it, n('other'), 100, 2);
  assert.is(host.db.findTable(me, scope, tbl)!.find(1n)!.payer, n('other'));
  assert.is(env.db_get_i64!(it, 0, 0), 2, 'the iterator sees the updated row');
});

test('action data, auth and memory intrinsics', () => {
  const { env, mem } = setup();
  assert.is(env.read_action_data!(0, 0), 3);
  assert.is(env.read_action_data!(50, 2), 2);
  assert.equal([...mem().subarray(50, 53)], [1, 2, 0]);
  assert.is(env.has_auth!(n('me')), 1);
  assert.is(env.has_auth!(n('other')), 0);
  env.require_auth2!(n('me'), n('active'));
  throwsCode(() => env.require_auth2!(n('me'), n('owner')), 'missing_auth_exception', 'missing authority of me/owner');
  mem().set([5, 6, 7], 10);
  env.memcpy!(20, 10, 3);
  assert.equal([...mem().subarray(20, 23)], [5, 6, 7]);
  throwsCode(() => env.memcpy!(11, 10, 3), 'overlapping_memory_error', 'non-aliasing');
  env.memmove!(11, 10, 3);
  assert.equal([...mem().subarray(10, 14)], [5, 5, 6, 7]);
  assert.is(env.memcmp!(11, 20, 3), 0);
  assert.is(env.memcmp!(10, 20, 2), -1);
  assert.is(env.memcmp!(20, 10, 2), 1);
  env.memset!(30, 0x1ff, 2);
  assert.equal([...mem().subarray(30, 32)], [0xff, 0xff]);
  throwsCode(() => env.memset!(65530, 0, 10), 'wasm_execution_error', 'access violation');
  throwsCode(() => env.set_blockchain_parameters_packed!(0, 0), 'unaccessible_api');
});

test.run();
