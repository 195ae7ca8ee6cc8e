// Anyone can set an ABI, and the chain API decodes with it what anyone sends: compute_transaction
// (signed by no one), push replies and blocks print action data through the contract's ABI. An ABI
// of a few lines whose action is an array of arrays of empty structs made 61 bytes of data decode to
// 1.3 million objects (301 bytes: 650 MB of heap, 3.9 s of the node's thread). The decoder now
// caps what one decode makes by its input's length; past it the data prints as hex, as any data
// that does not decode does, and the node goes on serving. get_currency_balance, which decodes every
// row of a scope, refuses a scope of more than MAX_TABLE_ROWS rows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Abi, AbiSerializer, Name } from '../../../abi/antelope/index.js';
import { MAX_TABLE_ROWS } from '../../../dmcs/api/table-query.js';
import { DEV_KEY, newAccountAction, startDevNode, transact, buildSigned, type DevNode } from '../helpers.js';

let dn: DevNode;
const pub = DEV_KEY.toPublic().toString();
// bomb::wide { v: w[] }, w { a: e[] }, e {}: each w of 3 bytes is 65,536 empty structs
const ABI = Abi.from({
  version: 'eosio::abi/1.1',
  structs: [
    { name: 'e', base: '', fields: [] },
    { name: 'w', base: '', fields: [{ name: 'a', type: 'e[]' }] },
    { name: 'wide', base: '', fields: [{ name: 'v', type: 'w[]' }] },
  ],
  actions: [{ name: 'wide', type: 'wide', ricardian_contract: '' }],
});
const WIDE = `14${'808004'.repeat(20)}`; // 61 bytes

test.before(async () => {
  dn = await startDevNode();
  await transact(dn.client, [newAccountAction('bomb', pub)]);
  await transact(dn.client, [
    {
      account: 'eosio',
      name: 'setabi',
      authorization: 'bomb@active',
      data: { account: 'bomb', abi: Buffer.from(ABI.toBinary()).toString('hex') },
    },
  ]);
});
test.after(async () => {
  await dn.close();
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${dn.node.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, bytes: text.length, json: JSON.parse(text) };
};

test('compute_transaction of an action whose ABI decode would explode prints its data as hex', async () => {
  const { packed } = await buildSigned(dn.client, [{ account: 'bomb', name: 'wide', authorization: 'bomb@active', data: WIDE }], {
    keys: [],
  });
  const r = await post('/v1/chain/compute_transaction', { transaction: packed });
  assert.is(r.status, 200, JSON.stringify(r.json).slice(0, 300));
  const act = r.json.processed.action_traces[0].act;
  assert.is(act.data, WIDE, 'the data as hex: the decode was refused');
  assert.ok(r.bytes < 10_000, `a reply of ${r.bytes} bytes`);
});

test('a pushed action of that kind is in its block, and get_block prints it as hex', async () => {
  const pushed = await transact(dn.client, [{ account: 'bomb', name: 'wide', authorization: 'bomb@active', data: WIDE }]);
  assert.is(pushed.processed.action_traces[0].act.data, WIDE);
  await dn.node.produceBlock();
  const r = await post('/v1/chain/get_block', { block_num_or_id: dn.node.chain.head.num });
  const acts = r.json.transactions.flatMap((t: { trx: { transaction: { actions: Array<{ name: string; data: unknown }> } } }) =>
    t.trx.transaction.actions.filter((a) => a.name === 'wide'),
  );
  assert.equal(
    acts.map((a: { data: unknown }) => a.data),
    [WIDE],
  );
  assert.ok(r.bytes < 20_000, `a reply of ${r.bytes} bytes`);
});

test('get_currency_balance refuses a scope of more than MAX_TABLE_ROWS rows (each row costs an ABI decode)', async () => {
  // a token-like contract: its ABI names an accounts table; its rows are put in the state directly
  await transact(dn.client, [newAccountAction('coin', pub)]);
  const coinAbi = Abi.from({
    version: 'eosio::abi/1.1',
    structs: [{ name: 'account', base: '', fields: [{ name: 'balance', type: 'asset' }] }],
    tables: [{ name: 'accounts', type: 'account', index_type: 'i64', key_names: [], key_types: [] }],
  });
  await transact(dn.client, [
    {
      account: 'eosio',
      name: 'setabi',
      authorization: 'coin@active',
      data: { account: 'coin', abi: Buffer.from(coinAbi.toBinary()).toString('hex') },
    },
  ]);
  const tables = dn.node.chain.state.tables;
  const coin = Name.from('coin').value;
  const fill = (scope: string, rows: number) => {
    const t = tables.createTable(coin, Name.from(scope).value, Name.from('accounts').value, coin);
    for (let i = 0; i < rows; i++)
      t.store(
        coin,
        BigInt(i + 1),
        new AbiSerializer(coinAbi).encode('account', { balance: `${i}.0000 C${String.fromCharCode(65 + (i % 26))}` }),
      );
  };
  fill('small', 3);
  fill('huge', MAX_TABLE_ROWS + 1);
  const ask = (account: string) => post('/v1/chain/get_currency_balance', { code: 'coin', account });
  assert.equal((await ask('small')).json, ['0.0000 CA', '1.0000 CB', '2.0000 CC']);
  const huge = await ask('huge');
  assert.is(huge.json.error.name, 'contract_table_query_exception');
  assert.match(huge.json.error.details[0].message, /MAX_TABLE_ROWS/);
});

test.run();
