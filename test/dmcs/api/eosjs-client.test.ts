// eosjs (JsonRpc + Api with JsSignatureProvider) as a second oracle client against the node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ABI, Serializer } from '@wharfkit/antelope';
import { startDevNode, transact, testKey, keyAuth, DEV_KEY, type DevNode, setcodeAction } from '../helpers.js';

const require = createRequire(import.meta.url);
const { Api, JsonRpc } = require('eosjs') as typeof import('eosjs');
const { JsSignatureProvider } = require('eosjs/dist/eosjs-jssig') as typeof import('eosjs/dist/eosjs-jssig.js');

const ROOT = new URL('../../../../', import.meta.url);
const token = testKey('eosjs.token');
const carol = testKey('carol');
let dn: DevNode;
let api: InstanceType<typeof Api>;
let rpc: InstanceType<typeof JsonRpc>;

test.before(async () => {
  dn = await startDevNode(undefined, { autoProduce: true });
  rpc = new JsonRpc(dn.node.endpoint!, { fetch });
  const signatureProvider = new JsSignatureProvider([DEV_KEY.toWif(), token.toWif(), carol.toWif()]);
  api = new Api({ rpc, signatureProvider });
  // give TaPoS a few blocks to look back on
  for (let i = 0; i < 4; i++) await dn.node.produceBlock();
});
test.after(async () => {
  await dn.close();
});

const opts = { blocksBehind: 3, expireSeconds: 30 };

test('eosjs creates accounts through eosio::newaccount', async () => {
  const res = (await api.transact(
    {
      actions: ['eosjs.token', 'carol', 'dave'].map((name) => ({
        account: 'eosio',
        name: 'newaccount',
        authorization: [{ actor: 'eosio', permission: 'active' }],
        data: {
          creator: 'eosio',
          name,
          owner: keyAuth(String((name === 'carol' ? carol : token).toPublic())),
          active: keyAuth(String((name === 'carol' ? carol : token).toPublic())),
        },
      })),
    },
    opts,
  )) as { transaction_id: string };
  assert.ok(res.transaction_id);
  const acct = await rpc.get_account('carol');
  assert.is(acct.account_name, 'carol');
});

test('eosjs reads the token contract deployed with wharfkit and transfers with it', async () => {
  const wasm = readFileSync(new URL('build/contracts/dpay/dpay.wasm', ROOT));
  const abi = ABI.from(JSON.parse(readFileSync(new URL('build/contracts/dpay/dpay.abi', ROOT), 'utf8')));
  await transact(
    dn.client,
    [
      setcodeAction('eosjs.token', wasm),
      {
        account: 'eosio',
        name: 'setabi',
        authorization: 'eosjs.token@active',
        data: { account: 'eosjs.token', abi: Serializer.encode({ object: abi }).hexString },
      },
    ],
    { keys: [token] },
  );
  await api.transact(
    {
      actions: [
        {
          account: 'eosjs.token',
          name: 'create',
          authorization: [{ actor: 'eosjs.token', permission: 'active' }],
          data: { issuer: 'carol', maximum_supply: '1000.00 EJS' },
        },
        {
          account: 'eosjs.token',
          name: 'issue',
          authorization: [{ actor: 'carol', permission: 'active' }],
          data: { to: 'carol', quantity: '100.00 EJS', memo: '' },
        },
        {
          account: 'eosjs.token',
          name: 'transfer',
          authorization: [{ actor: 'carol', permission: 'active' }],
          data: { from: 'carol', to: 'dave', quantity: '1.25 EJS', memo: 'from eosjs' },
        },
      ],
    },
    opts,
  );
  const rows = await rpc.get_table_rows({ code: 'eosjs.token', scope: 'dave', table: 'accounts', json: true });
  assert.equal(rows.rows, [{ balance: '1.25 EJS' }]);
  const stat = await rpc.get_table_rows({ code: 'eosjs.token', scope: 'EJS', table: 'stat', json: true });
  assert.is(stat.rows[0].supply, '100.00 EJS');
});

test('eosjs sees Antelope error names in RpcError', async () => {
  try {
    await api.transact(
      {
        actions: [
          {
            account: 'eosjs.token',
            name: 'transfer',
            authorization: [{ actor: 'carol', permission: 'active' }],
            data: { from: 'carol', to: 'dave', quantity: '1000.00 EJS', memo: '' },
          },
        ],
      },
      opts,
    );
    assert.unreachable('should have failed');
  } catch (e) {
    const err = e as { json?: { error?: { name?: string } }; message: string };
    assert.is(err.json?.error?.name, 'eosio_assert_message_exception');
    assert.match(err.message, /overdrawn|balance/i);
  }
});

test('eosjs get_block and get_info agree', async () => {
  const info = await rpc.get_info();
  const block = await rpc.get_block(info.head_block_num);
  assert.is(block.id, info.head_block_id);
  assert.is(block.block_num, info.head_block_num);
});

test('after an idle pause, eosjs (TaPoS 3 blocks back, short expiry) still gets a valid transaction through', async () => {
  const idle = await startDevNode(undefined, { autoProduce: true, staleAfterMs: 1000 });
  try {
    const r = new JsonRpc(idle.node.endpoint!, { fetch });
    const a = new Api({ rpc: r, signatureProvider: new JsSignatureProvider([DEV_KEY.toWif()]) });
    for (let i = 0; i < 4; i++) await idle.node.produceBlock();
    await new Promise((res) => setTimeout(res, 5000)); // the node makes no blocks while idle: without freshening, the ref block would be ≥ 5 s old
    const res = (await a.transact(
      {
        actions: [
          {
            account: 'eosio',
            name: 'newaccount',
            authorization: [{ actor: 'eosio', permission: 'active' }],
            data: {
              creator: 'eosio',
              name: 'afteridle',
              owner: keyAuth(String(carol.toPublic())),
              active: keyAuth(String(carol.toPublic())),
            },
          },
        ],
      },
      { blocksBehind: 3, expireSeconds: 4 },
    )) as { transaction_id: string };
    assert.ok(res.transaction_id);
  } finally {
    await idle.close();
  }
});

test.run();
