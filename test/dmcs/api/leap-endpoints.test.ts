// The chain API endpoints added to match Leap's 32 v1 endpoints, read by @wharfkit/antelope's
// APIClient (its typed methods where it has them, `call` otherwise) and eosjs's JsonRpc; and Leap's
// HTTP 400 for an unknown block or account.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import {
  startDevNode,
  transact,
  buildSigned,
  newAccountAction,
  testKey,
  errorName,
  DEV_KEY,
  type DevNode,
  setcodeAction,
} from '../helpers.js';
import { wat } from '../vm/wat.js';
import { BUILTIN_PROTOCOL_FEATURES } from '../../../dmcs/chain/protocol-features.js';
import { Name } from '../../../abi/antelope/index.js';

const require = createRequire(import.meta.url);
const { Api, JsonRpc } = require('eosjs') as typeof import('eosjs');
const { JsSignatureProvider } = require('eosjs/dist/eosjs-jssig') as typeof import('eosjs/dist/eosjs-jssig.js');

const keeper = testKey('endpoints.keeper');
let dn: DevNode;
let rpc: InstanceType<typeof JsonRpc>;
// stores one row in scope <action name> of table "keeper"; action `notify` instead notifies eosio
const code = wat(`(module
  (import "env" "db_store_i64" (func $store (param i64 i64 i64 i64 i32 i32) (result i32)))
  (import "env" "require_recipient" (func $notify (param i64)))
  (memory 1)
  (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
    (if (i64.eq (local.get $r) (local.get $c)) (then
      (if (i64.eq (local.get $a) (i64.const ${BigInt.asIntN(64, Name.from('notify').value)}))
        (then (call $notify (i64.const ${BigInt.asIntN(64, Name.from('eosio').value)})))
        (else (drop (call $store (local.get $a) (local.get $r) (local.get $r) (i64.const 1) (i32.const 0) (i32.const 4)))))))))`);

const call = <T = any>(path: string, params: unknown): Promise<T> => dn.client.call({ path: `/v1/chain/${path}`, params }) as Promise<T>;

test.before(async () => {
  dn = await startDevNode();
  await transact(dn.client, [newAccountAction('keeper', String(keeper.toPublic()))]);
  await transact(dn.client, [setcodeAction('keeper', code)], { keys: [keeper] });
  // two scopes of table "keeper": the action name is the scope
  for (const scope of ['alpha', 'beta']) {
    await transact(dn.client, [{ account: 'keeper', name: scope, authorization: 'keeper@active', data: '' }], { keys: [keeper] });
  }
  await dn.node.produceBlock();
  rpc = new JsonRpc(dn.node.endpoint!, { fetch });
});
test.after(async () => {
  await dn.close();
});

test('get_code and get_code_hash: the code hash, and the wasm as Leap sends it', async () => {
  const res = await dn.client.v1.chain.get_code('keeper');
  assert.is(String(res.account_name), 'keeper');
  assert.equal(new Uint8Array(Buffer.from(res.wasm, 'latin1')), code);
  const hash = await call('get_code_hash', { account_name: 'keeper' });
  assert.is(hash.code_hash, String(res.code_hash));
  assert.is((await rpc.get_code_hash('keeper')).code_hash, hash.code_hash);
});

test('get_table_by_scope lists the scopes of a table with row counts (wharfkit and eosjs)', async () => {
  const res = await dn.client.v1.chain.get_table_by_scope({ code: 'keeper', table: 'keeper' });
  assert.equal(
    res.rows.map((r) => [String(r.scope), Number(r.count), String(r.payer)]),
    [
      ['alpha', 1, 'keeper'],
      ['beta', 1, 'keeper'],
    ],
  );
  const page = await rpc.get_table_by_scope({ code: 'keeper', table: 'keeper', limit: 1 });
  assert.is(page.rows.length, 1);
  assert.is(page.more, 'beta');
});

test('get_activated_protocol_features lists the builtin features with Leap digests (paged by ordinal)', async () => {
  const first = await dn.client.v1.chain.get_activated_protocol_features({ limit: 3 });
  assert.equal(
    first.activated_protocol_features.map((f) => String(f.feature_digest)),
    Object.values(BUILTIN_PROTOCOL_FEATURES)
      .slice(0, 3)
      .map((f) => f.digest),
  );
  assert.is(Number(first.more), 3);
  const all = await rpc.get_activated_protocol_features({
    limit: 100,
    lower_bound: 0,
    upper_bound: 1000,
    search_by_block_num: false,
    reverse: false,
  });
  assert.is(all.activated_protocol_features.length, Object.keys(BUILTIN_PROTOCOL_FEATURES).length);
  const noDup = all.activated_protocol_features.find((f: any) => f.specification[0].value === 'NO_DUPLICATE_DEFERRED_ID');
  assert.equal(noDup?.dependencies, [BUILTIN_PROTOCOL_FEATURES.REPLACE_DEFERRED!.digest]);
});

test('get_producer_schedule and get_producers: the genesis schedule (eosio with the genesis key)', async () => {
  const sched = await dn.client.v1.chain.get_producer_schedule();
  assert.is(Number(sched.active.version), 0);
  assert.equal(
    sched.active.producers.map((p) => String(p.producer_name)),
    ['eosio'],
  );
  const prods = (await rpc.get_producers(true, '', 10)) as { rows: Array<{ owner: string; producer_key: string }> };
  assert.is(prods.rows[0]?.owner, 'eosio');
  assert.match(String(prods.rows[0]?.producer_key), /^(PUB_K1_|EOS)/);
  assert.equal(await rpc.get_scheduled_transactions(true, '', 10), { transactions: [], more: '' });
});

test('get_consensus_parameters answers chain_config and wasm_config', async () => {
  const res = await call('get_consensus_parameters', {});
  assert.is(res.chain_config.max_inline_action_depth, 4);
  assert.is(res.wasm_config.max_call_depth, 250);
});

test('get_transaction_id equals the id wharfkit computes', async () => {
  const { trx } = await buildSigned(dn.client, [newAccountAction('idcheck', String(keeper.toPublic()))]);
  const json = JSON.parse(JSON.stringify(trx));
  assert.is(await call('get_transaction_id', json), String(trx.id));
});

test('get_raw_block and get_block_header decode as Leap signed blocks; get_block carries header_extensions', async () => {
  const raw = await call('get_raw_block', { block_num_or_id: 2 });
  assert.equal(raw.header_extensions, []);
  assert.equal(raw.block_extensions, []);
  assert.is(raw.transactions[0].trx[0], 1);
  const header = await call('get_block_header', { block_num_or_id: 2, include_extensions: true });
  const block = await dn.client.v1.chain.get_block(2);
  assert.is(header.id, String(block.id));
  assert.is(header.signed_block_header.action_mroot, String(block.action_mroot));
  assert.equal(header.block_extensions, []);
  const rawBlock = await call('get_block', { block_num_or_id: 2 });
  assert.equal(rawBlock.header_extensions, []);
});

test('push_transactions runs each in order; a refused one answers an error in its place', async () => {
  const a = await buildSigned(dn.client, [newAccountAction('batch.a', String(keeper.toPublic()))]);
  const bad = await buildSigned(dn.client, [newAccountAction('batch.b', String(keeper.toPublic()))], { keys: [keeper] });
  const res = await call<any[]>('push_transactions', [a.packed, bad.packed]);
  assert.is(res.length, 2);
  assert.is(res[0].transaction_id, String(a.trx.id));
  assert.match(res[1].processed.error, /unsatisfied_authorization|irrelevant/);
});

test('send_read_only_transaction executes and keeps nothing', async () => {
  const { packed } = await buildSigned(dn.client, [{ account: 'keeper', name: 'gamma', authorization: 'keeper@active', data: '' }], {
    keys: [keeper],
  });
  const res = await dn.client.v1.chain.send_read_only_transaction(packed);
  assert.is(String(res.processed.action_traces[0]?.receiver), 'keeper');
  const scopes = await dn.client.v1.chain.get_table_by_scope({ code: 'keeper', table: 'keeper' });
  assert.is(scopes.rows.length, 2);
});

test('push_transaction nests notifications under inline_traces; send_transaction keeps them flat', async () => {
  const res = await transact(dn.client, [{ account: 'keeper', name: 'notify', authorization: 'keeper@active', data: '' }], {
    keys: [keeper],
  });
  assert.is(res.processed.action_traces.length, 1);
  assert.equal(
    res.processed.action_traces[0].inline_traces.map((t: { receiver: string }) => t.receiver),
    ['eosio'],
  );
  const { packed } = await buildSigned(dn.client, [{ account: 'keeper', name: 'notify', authorization: 'keeper@active', data: '' }], {
    keys: [keeper],
    expireSeconds: 61,
  });
  const flat = await dn.client.v1.chain.send_transaction(packed);
  assert.equal(
    flat.processed.action_traces.map((t) => String(t.receiver)),
    ['keeper', 'eosio'],
  );
});

test('send_transaction2 with return_failure_trace answers the failure as a trace with except (HTTP 202)', async () => {
  // expirations differ from the setup's identical newaccount, so this is a new transaction (not tx_duplicate)
  const { packed } = await buildSigned(dn.client, [newAccountAction('keeper', String(keeper.toPublic()))], { expireSeconds: 62 });
  const res = await fetch(`${dn.node.endpoint}/v1/chain/send_transaction2`, {
    method: 'POST',
    body: JSON.stringify({ return_failure_trace: true, retry_trx: false, transaction: packed }),
  });
  assert.is(res.status, 202);
  const body = (await res.json()) as { processed: { except: { name: string } } };
  assert.is(body.processed.except.name, 'account_name_exists_exception');
  // wharfkit turns a trace's `except` into an APIError carrying the exception's name
  const again = (await buildSigned(dn.client, [newAccountAction('keeper', String(keeper.toPublic()))], { expireSeconds: 61 })).packed;
  assert.is(
    await errorName(dn.client.v1.chain.send_transaction2(again, { return_failure_trace: true, retry_trx: false })),
    'account_name_exists_exception',
  );
});

test('a young chain serves eosjs blocksBehind 3 from its first seconds', async () => {
  const young = await startDevNode(undefined, { autoProduce: true });
  try {
    const yrpc = new JsonRpc(young.node.endpoint!, { fetch });
    const api = new Api({ rpc: yrpc, signatureProvider: new JsSignatureProvider([DEV_KEY.toWif()]) });
    const key = DEV_KEY.toPublic().toLegacyString();
    const auth = { threshold: 1, keys: [{ key, weight: 1 }], accounts: [], waits: [] };
    const res = (await api.transact(
      {
        actions: [
          {
            account: 'eosio',
            name: 'newaccount',
            authorization: [{ actor: 'eosio', permission: 'active' }],
            data: { creator: 'eosio', name: 'young', owner: auth, active: auth },
          },
        ],
      },
      { blocksBehind: 3, expireSeconds: 30 },
    )) as { transaction_id: string };
    assert.match(res.transaction_id, /^[0-9a-f]{64}$/);
  } finally {
    await young.close();
  }
});

test('an unknown block or account is HTTP 400, as Leap answers', async () => {
  for (const [path, body] of [
    ['get_block', { block_num_or_id: 999999 }],
    ['get_account', { account_name: 'nosuchacct' }],
  ] as const) {
    const res = await fetch(`${dn.node.endpoint}/v1/chain/${path}`, { method: 'POST', body: JSON.stringify(body) });
    assert.is(res.status, 400, path);
  }
});

test.run();
