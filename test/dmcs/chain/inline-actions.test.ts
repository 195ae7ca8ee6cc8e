// Inline actions under eosio.code, the inline depth limit, multisig and eosio.any links, with a
// tiny contract written in WebAssembly text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Action, Serializer, ABI } from '@wharfkit/antelope';
import { Name } from '../../../abi/antelope/index.js';
import { wat } from '../vm/wat.js';
import {
  startDevNode,
  transact,
  newAccountAction,
  errorName,
  testKey,
  keyAuth,
  type DevNode,
  flatTraces,
  setcodeAction,
} from '../helpers.js';

const relay = testKey('relay');
const k1 = testKey('multi1');
const k2 = testKey('multi2');
let dn: DevNode;

const i64 = (n: string) => BigInt.asIntN(64, Name.from(n).value).toString();
const bytesLit = (b: Uint8Array) => [...b].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('');
const packed = (name: string) =>
  Serializer.encode({
    object: Action.from({ account: 'relay', name, authorization: [{ actor: 'relay', permission: 'active' }], data: '' }),
  }).array;

function relayWasm(): Uint8Array {
  const noop = packed('noop');
  const loop = packed('loop');
  return wat(`(module
    (import "env" "send_inline" (func $send_inline (param i32 i32)))
    (import "env" "prints_l" (func $prints_l (param i32 i32)))
    (memory 1)
    (data (i32.const 1024) "${bytesLit(noop)}")
    (data (i32.const 2048) "${bytesLit(loop)}")
    (data (i32.const 3072) "ok")
    (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
      (if (i64.eq (local.get $a) (i64.const ${i64('go')})) (then (call $send_inline (i32.const 1024) (i32.const ${noop.length}))))
      (if (i64.eq (local.get $a) (i64.const ${i64('loop')})) (then (call $send_inline (i32.const 2048) (i32.const ${loop.length}))))
      (if (i64.eq (local.get $a) (i64.const ${i64('noop')})) (then (call $prints_l (i32.const 3072) (i32.const 2))))))`);
}

test.before(async () => {
  dn = await startDevNode();
  await transact(dn.client, [newAccountAction('relay', String(relay.toPublic()))]);
  await transact(dn.client, [setcodeAction('relay', relayWasm())], { keys: [relay] });
});
test.after(async () => {
  await dn.close();
});

test("an inline action without eosio.code in the sender's permission is unsatisfied_authorization", async () => {
  assert.is(
    await errorName(transact(dn.client, [{ account: 'relay', name: 'go', authorization: 'relay@active', data: '' }], { keys: [relay] })),
    'unsatisfied_authorization',
  );
});

test('with relay@eosio.code in active, the inline action runs after its parent', async () => {
  await transact(
    dn.client,
    [
      {
        account: 'eosio',
        name: 'updateauth',
        authorization: 'relay@active',
        data: {
          account: 'relay',
          permission: 'active',
          parent: 'owner',
          auth: {
            threshold: 1,
            keys: [{ key: String(relay.toPublic()), weight: 1 }],
            accounts: [{ permission: { actor: 'relay', permission: 'eosio.code' }, weight: 1 }],
            waits: [],
          },
        },
      },
    ],
    { keys: [relay] },
  );
  const res = await transact(dn.client, [{ account: 'relay', name: 'go', authorization: 'relay@active', data: '' }], { keys: [relay] });
  const traces = flatTraces(res) as Array<{ act: { name: string }; console: string; creator_action_ordinal: number }>;
  assert.equal(
    traces.map((t) => t.act.name),
    ['go', 'noop'],
  );
  assert.is(traces[1]!.console, 'ok');
  assert.is(traces[1]!.creator_action_ordinal, 1);
});

test('inline actions deeper than 4 levels are refused and nothing is kept', async () => {
  const err = await errorName(
    transact(dn.client, [{ account: 'relay', name: 'loop', authorization: 'relay@active', data: '' }], { keys: [relay] }),
  );
  assert.is(err, 'transaction_exception');
});

test('multisig: a 2-of-2 account needs both signatures', async () => {
  const [a, b] = [String(k1.toPublic()), String(k2.toPublic())].sort();
  const auth = {
    threshold: 2,
    keys: [
      { key: a, weight: 1 },
      { key: b, weight: 1 },
    ],
    accounts: [],
    waits: [],
  };
  await transact(dn.client, [
    {
      account: 'eosio',
      name: 'newaccount',
      authorization: 'eosio@active',
      data: { creator: 'eosio', name: 'twokeys', owner: auth, active: auth },
    },
  ]);
  const act = { account: 'eosio', name: 'setabi', authorization: 'twokeys@active', data: { account: 'twokeys', abi: '' } };
  assert.is(await errorName(transact(dn.client, [act], { keys: [k1] })), 'unsatisfied_authorization');
  const ok = await transact(dn.client, [act], { keys: [k1, k2] });
  assert.ok(ok.transaction_id);
});

test('linkauth to eosio.any lets any permission of the account authorize the action', async () => {
  const low = testKey('low');
  await transact(dn.client, [newAccountAction('anyuser', String(relay.toPublic()))]);
  await transact(
    dn.client,
    [
      {
        account: 'eosio',
        name: 'updateauth',
        authorization: 'anyuser@active',
        data: { account: 'anyuser', permission: 'low', parent: 'active', auth: keyAuth(String(low.toPublic())) },
      },
    ],
    { keys: [relay] },
  );
  const act = { account: 'relay', name: 'noop', authorization: 'anyuser@low', data: '' };
  assert.is(await errorName(transact(dn.client, [act], { keys: [low] })), 'irrelevant_auth_exception');
  await transact(
    dn.client,
    [
      {
        account: 'eosio',
        name: 'linkauth',
        authorization: 'anyuser@active',
        data: { account: 'anyuser', code: 'relay', type: 'noop', requirement: 'eosio.any' },
      },
    ],
    { keys: [relay] },
  );
  const ok = await transact(dn.client, [act], { keys: [low] });
  assert.ok(ok.transaction_id);
});

test('a contract charging RAM to an account that did not authorize the action is unauthorized_ram_usage_increase', async () => {
  const hog = testKey('hog');
  await transact(dn.client, [newAccountAction('ramhog', String(hog.toPublic())), newAccountAction('victim', String(hog.toPublic()))]);
  const code = wat(`(module
    (import "env" "db_store_i64" (func $store (param i64 i64 i64 i64 i32 i32) (result i32)))
    (memory 1)
    (data (i32.const 64) "payload!")
    (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
      (drop (call $store (local.get $r) (i64.const ${i64('rows')}) (i64.const ${i64('victim')}) (i64.const 1) (i32.const 64) (i32.const 8)))))`);
  await transact(dn.client, [setcodeAction('ramhog', code)], { keys: [hog] });
  const before = Number((await dn.client.v1.chain.get_account('victim')).ram_usage);
  assert.is(
    await errorName(transact(dn.client, [{ account: 'ramhog', name: 'hog', authorization: 'ramhog@active', data: '' }], { keys: [hog] })),
    'unauthorized_ram_usage_increase',
  );
  const res = await transact(
    dn.client,
    [
      {
        account: 'ramhog',
        name: 'hog',
        authorization: [
          { actor: 'ramhog', permission: 'active' },
          { actor: 'victim', permission: 'active' },
        ],
        data: '',
      },
    ],
    { keys: [hog] },
  );
  const deltas = res.processed.action_traces[0].account_ram_deltas as Array<{ account: string; delta: number }>;
  assert.equal(deltas, [{ account: 'victim', delta: 112 + 112 + 8 }]);
  assert.is(Number((await dn.client.v1.chain.get_account('victim')).ram_usage), before + 232);
});

test('secondary indexes: a contract stores rows with an idx64 index; get_table_rows reads them by it', async () => {
  const sec = testKey('sec');
  await transact(dn.client, [newAccountAction('seccontract', String(sec.toPublic()))]);
  const T = Name.from('items').value;
  const code = wat(`(module
    (import "env" "db_store_i64" (func $store (param i64 i64 i64 i64 i32 i32) (result i32)))
    (import "env" "db_idx64_store" (func $istore (param i64 i64 i64 i64 i32) (result i32)))
    (memory 1)
    (data (i32.const 64) "\\01\\02\\03")
    (data (i32.const 128) "\\1e\\00\\00\\00\\00\\00\\00\\00\\0a\\00\\00\\00\\00\\00\\00\\00\\14\\00\\00\\00\\00\\00\\00\\00")
    (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
      (drop (call $store (local.get $r) (i64.const ${BigInt.asIntN(64, T)}) (local.get $r) (i64.const 1) (i32.const 64) (i32.const 1)))
      (drop (call $store (local.get $r) (i64.const ${BigInt.asIntN(64, T)}) (local.get $r) (i64.const 2) (i32.const 65) (i32.const 1)))
      (drop (call $store (local.get $r) (i64.const ${BigInt.asIntN(64, T)}) (local.get $r) (i64.const 3) (i32.const 66) (i32.const 1)))
      (drop (call $istore (local.get $r) (i64.const ${BigInt.asIntN(64, T | 1n)}) (local.get $r) (i64.const 1) (i32.const 128)))
      (drop (call $istore (local.get $r) (i64.const ${BigInt.asIntN(64, T | 1n)}) (local.get $r) (i64.const 2) (i32.const 136)))
      (drop (call $istore (local.get $r) (i64.const ${BigInt.asIntN(64, T | 1n)}) (local.get $r) (i64.const 3) (i32.const 144)))))`);
  await transact(dn.client, [setcodeAction('seccontract', code)], { keys: [sec] });
  await transact(dn.client, [{ account: 'seccontract', name: 'fill', authorization: 'seccontract@active', data: '' }], { keys: [sec] });
  const rows = (p: Record<string, unknown>) =>
    dn.client.call<{ rows: string[]; more: boolean; next_key: string }>({
      path: '/v1/chain/get_table_rows',
      params: { code: 'seccontract', scope: 'seccontract', table: 'items', json: false, ...p },
    });
  assert.equal((await rows({})).rows, ['01', '02', '03']);
  // secondary values: row 1 → 30, row 2 → 10, row 3 → 20
  assert.equal((await rows({ index_position: 'secondary', key_type: 'i64' })).rows, ['02', '03', '01']);
  assert.equal((await rows({ index_position: 2, key_type: 'i64', lower_bound: '15' })).rows, ['03', '01']);
  const page = await rows({ index_position: 2, key_type: 'i64', limit: 1 });
  assert.ok(page.more);
  assert.is(page.next_key, '20');
});

test("action return values come back as hex and decoded with the ABI's action_results", async () => {
  const rv = testKey('retval');
  await transact(dn.client, [newAccountAction('retval', String(rv.toPublic()))]);
  const code = wat(`(module
    (import "env" "set_action_return_value" (func $ret (param i32 i32)))
    (memory 1)
    (data (i32.const 16) "\\2a\\00\\00\\00")
    (func (export "apply") (param $r i64) (param $c i64) (param $a i64) (call $ret (i32.const 16) (i32.const 4))))`);
  const abi = ABI.from({
    version: 'eosio::abi/1.2',
    structs: [{ name: 'get', base: '', fields: [] }],
    actions: [{ name: 'get', type: 'get', ricardian_contract: '' }],
    action_results: [{ name: 'get', result_type: 'uint32' }],
  });
  await transact(
    dn.client,
    [
      setcodeAction('retval', code),
      {
        account: 'eosio',
        name: 'setabi',
        authorization: 'retval@active',
        data: { account: 'retval', abi: Serializer.encode({ object: abi }).hexString },
      },
    ],
    { keys: [rv] },
  );
  const res = await transact(dn.client, [{ account: 'retval', name: 'get', authorization: 'retval@active', data: '' }], { keys: [rv] });
  assert.is(res.processed.action_traces[0].return_value_hex_data, '2a000000');
  assert.is(res.processed.action_traces[0].return_value_data, 42);
});

test('setcode with an unknown import is refused naming it', async () => {
  const bad = wat(`(module (import "env" "no_such_intrinsic" (func (param i32))) (func (export "apply") (param i64 i64 i64)))`);
  try {
    await transact(dn.client, [setcodeAction('relay', bad)], { keys: [relay] });
    assert.unreachable();
  } catch (e) {
    const err = e as { error?: { name: string; details: Array<{ message: string }> } };
    assert.ok(err.error, String(e));
    assert.match(err.error!.details[0]!.message, /no_such_intrinsic/);
  }
});

test.run();
