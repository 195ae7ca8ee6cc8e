// The dPay token contract (eosio.token semantics, built with our SDK) deployed with wharfkit's
// setcode/setabi on a dev node, then create/issue/transfer and tables read back via get_table_rows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ABI, Serializer } from '@wharfkit/antelope';
import { startDevNode, transact, newAccountAction, errorName, testKey, type DevNode, flatTraces, setcodeAction } from '../helpers.js';

const ROOT = new URL('../../../../', import.meta.url);
const wasm = readFileSync(new URL('build/contracts/dpay/dpay.wasm', ROOT));
const abiJson = JSON.parse(readFileSync(new URL('build/contracts/dpay/dpay.abi', ROOT), 'utf8'));
const abi = ABI.from(abiJson);

const token = testKey('dpay.token');
const alice = testKey('alice');
const bob = testKey('bob');
let dn: DevNode;

test.before(async () => {
  dn = await startDevNode();
  await transact(dn.client, [
    newAccountAction('dpay.token', String(token.toPublic())),
    newAccountAction('alice', String(alice.toPublic())),
    newAccountAction('bob', String(bob.toPublic())),
  ]);
});
test.after(async () => {
  await dn.close();
});

test('setcode and setabi deploy the contract; get_abi and get_raw_code_and_abi return it', async () => {
  const abiBytes = Serializer.encode({ object: abi }).hexString;
  await transact(
    dn.client,
    [
      setcodeAction('dpay.token', wasm),
      { account: 'eosio', name: 'setabi', authorization: 'dpay.token@active', data: { account: 'dpay.token', abi: abiBytes } },
    ],
    { keys: [token] },
  );
  const got = await dn.client.v1.chain.get_abi('dpay.token');
  assert.equal(got.abi?.tables.map((t) => t.name).sort(), ['accounts', 'stat']);
  const raw = await dn.client.call<{ wasm: string; abi: string }>({
    path: '/v1/chain/get_raw_code_and_abi',
    params: { account_name: 'dpay.token' },
  });
  assert.is(Buffer.from(String(raw.wasm), 'base64').length, wasm.length);
  const acct = await dn.client.v1.chain.get_account('dpay.token');
  assert.ok(Number(acct.ram_usage) > wasm.length * 10);
});

test('setting the same code again is set_exact_code', async () => {
  assert.is(await errorName(transact(dn.client, [setcodeAction('dpay.token', wasm)], { keys: [token] })), 'set_exact_code');
});

test('create, issue and transfer; balances and supply via get_table_rows', async () => {
  await transact(
    dn.client,
    [
      {
        account: 'dpay.token',
        name: 'create',
        authorization: 'dpay.token@active',
        data: { issuer: 'alice', maximum_supply: '1000000.0000 RSN' },
      },
    ],
    { keys: [token] },
  );
  await transact(
    dn.client,
    [{ account: 'dpay.token', name: 'issue', authorization: 'alice@active', data: { to: 'alice', quantity: '1000.0000 RSN', memo: 'hi' } }],
    { keys: [alice] },
  );
  const res = await transact(
    dn.client,
    [
      {
        account: 'dpay.token',
        name: 'transfer',
        authorization: 'alice@active',
        data: { from: 'alice', to: 'bob', quantity: '12.5000 RSN', memo: 'lunch' },
      },
    ],
    { keys: [alice] },
  );
  // the transfer notifies both parties, in order
  assert.equal(
    flatTraces(res).map((t: { receiver: string }) => t.receiver),
    ['dpay.token', 'alice', 'bob'],
  );
  assert.equal(res.processed.action_traces[0].act.data, { from: 'alice', to: 'bob', quantity: '12.5000 RSN', memo: 'lunch' });
  const a = await dn.client.v1.chain.get_table_rows({ code: 'dpay.token', scope: 'alice', table: 'accounts' });
  const b = await dn.client.v1.chain.get_table_rows({ code: 'dpay.token', scope: 'bob', table: 'accounts' });
  assert.equal(a.rows, [{ balance: '987.5000 RSN' }]);
  assert.equal(b.rows, [{ balance: '12.5000 RSN' }]);
  const stat = await dn.client.v1.chain.get_table_rows({ code: 'dpay.token', scope: 'RSN', table: 'stat' });
  assert.equal(stat.rows, [{ supply: '1000.0000 RSN', max_supply: '1000000.0000 RSN', issuer: 'alice' }]);
  const bin = await dn.client.v1.chain.get_table_rows({ code: 'dpay.token', scope: 'bob', table: 'accounts', json: false });
  assert.is(typeof bin.rows[0], 'string');
});

test('overdrawn balance is eosio_assert_message_exception and changes nothing', async () => {
  const p = transact(
    dn.client,
    [
      {
        account: 'dpay.token',
        name: 'transfer',
        authorization: 'bob@active',
        data: { from: 'bob', to: 'alice', quantity: '100.0000 RSN', memo: '' },
      },
    ],
    { keys: [bob] },
  );
  assert.is(await errorName(p), 'eosio_assert_message_exception');
  const b = await dn.client.v1.chain.get_table_rows({ code: 'dpay.token', scope: 'bob', table: 'accounts' });
  assert.equal(b.rows, [{ balance: '12.5000 RSN' }]);
});

test('a failing second action rolls back the first', async () => {
  const p = transact(
    dn.client,
    [
      {
        account: 'dpay.token',
        name: 'transfer',
        authorization: 'alice@active',
        data: { from: 'alice', to: 'bob', quantity: '1.0000 RSN', memo: '' },
      },
      {
        account: 'dpay.token',
        name: 'transfer',
        authorization: 'alice@active',
        data: { from: 'alice', to: 'bob', quantity: '100000.0000 RSN', memo: '' },
      },
    ],
    { keys: [alice] },
  );
  assert.is(await errorName(p), 'eosio_assert_message_exception');
  const b = await dn.client.v1.chain.get_table_rows({ code: 'dpay.token', scope: 'bob', table: 'accounts' });
  assert.equal(b.rows, [{ balance: '12.5000 RSN' }]);
});

test('transfer signed by the wrong account is missing_auth_exception', async () => {
  const p = transact(
    dn.client,
    [
      {
        account: 'dpay.token',
        name: 'transfer',
        authorization: 'bob@active',
        data: { from: 'alice', to: 'bob', quantity: '1.0000 RSN', memo: '' },
      },
    ],
    { keys: [bob] },
  );
  assert.is(await errorName(p), 'missing_auth_exception');
});

test('get_table_rows: limit, more/next_key, reverse, bounds, show_payer', async () => {
  // more holders so the stat table scope has several rows in accounts of different scopes is not
  // needed: use the token's scope list by issuing to several accounts and reading one table each.
  for (const n of ['carol', 'dave', 'erin']) {
    await transact(dn.client, [newAccountAction(n, String(bob.toPublic()))]);
  }
  await transact(
    dn.client,
    [
      {
        account: 'dpay.token',
        name: 'create',
        authorization: 'dpay.token@active',
        data: { issuer: 'alice', maximum_supply: '100.000 AAA' },
      },
    ],
    { keys: [token] },
  );
  await transact(
    dn.client,
    [
      {
        account: 'dpay.token',
        name: 'create',
        authorization: 'dpay.token@active',
        data: { issuer: 'alice', maximum_supply: '100.000 BBB' },
      },
    ],
    { keys: [token] },
  );
  for (const sym of ['AAA', 'BBB']) {
    await transact(
      dn.client,
      [{ account: 'dpay.token', name: 'issue', authorization: 'alice@active', data: { to: 'alice', quantity: `1.000 ${sym}`, memo: '' } }],
      { keys: [alice] },
    );
  }
  // alice now holds RSN, AAA, BBB: three rows keyed by symbol code
  const all = await dn.client.v1.chain.get_table_rows({ code: 'dpay.token', scope: 'alice', table: 'accounts', key_type: 'i64' } as any);
  assert.is(all.rows.length, 3);
  const page = await dn.client.v1.chain.get_table_rows({
    code: 'dpay.token',
    scope: 'alice',
    table: 'accounts',
    limit: 2,
    key_type: 'i64',
  } as any);
  assert.is(page.rows.length, 2);
  assert.ok(page.more);
  const rest = await dn.client.v1.chain.get_table_rows({
    code: 'dpay.token',
    scope: 'alice',
    table: 'accounts',
    key_type: 'i64',
    lower_bound: String(page.next_key),
  } as any);
  assert.is(rest.rows.length, 1);
  assert.not.ok(rest.more);
  const rev = await dn.client.v1.chain.get_table_rows({
    code: 'dpay.token',
    scope: 'alice',
    table: 'accounts',
    reverse: true,
    key_type: 'i64',
  } as any);
  assert.equal(rev.rows, [...all.rows].reverse());
  const payer = await dn.client.v1.chain.get_table_rows({
    code: 'dpay.token',
    scope: 'alice',
    table: 'accounts',
    show_payer: true,
    limit: 1,
    key_type: 'i64',
  } as any);
  assert.is(String(payer.ram_payers?.[0]), 'alice');
  const one = await dn.client.v1.chain.get_table_rows({
    code: 'dpay.token',
    scope: 'alice',
    table: 'accounts',
    key_type: 'i64',
    lower_bound: String(page.next_key),
    upper_bound: String(page.next_key),
  } as any);
  assert.is(one.rows.length, 1);
});

test.run();
