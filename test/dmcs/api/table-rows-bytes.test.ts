// A contract's rows are as large as its memory allows (33 MiB) and accounts' RAM is unlimited by
// default, so anyone with an account can store big rows, and anyone can ask for a thousand of them
// in one get_table_rows. Before MAX_TABLE_ROWS_BYTES, 24 rows of 16 MiB in one reply held the
// node's thread 12.9 s, took it from 0.7 to 2.2 GB and ended in a 500. Now a page ends past that
// many bytes of rows (`more` set, `next_key` the row that did not fit), holds at least one row, and
// paging reads every row; get_currency_balance refuses a scope with more bytes of rows than that.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Abi } from '../../../abi/antelope/index.js';
import { MAX_TABLE_ROWS_BYTES } from '../../../dmcs/api/table-query.js';
import { newAccountAction, setcodeAction, startDevNode, testKey, transact, type DevNode } from '../helpers.js';
import { wat } from '../vm/wat.js';

const key = testKey('hoarder');
// action data: u64 key ‖ u32 size. Stores `size` zero bytes as row `key` of table <action name>
// (scope and payer: the contract), and an idx64 entry of the same key in its first secondary index.
const hoarder = wat(`(module
  (import "env" "db_store_i64" (func $store (param i64 i64 i64 i64 i32 i32) (result i32)))
  (import "env" "db_idx64_store" (func $idx (param i64 i64 i64 i64 i32) (result i32)))
  (import "env" "read_action_data" (func $read (param i32 i32) (result i32)))
  (memory 520)
  (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
    (drop (call $read (i32.const 0) (i32.const 12)))
    (drop (call $store (local.get $r) (local.get $a) (local.get $r) (i64.load (i32.const 0)) (i32.const 64) (i32.load (i32.const 8))))
    (drop (call $idx (local.get $r) (i64.or (local.get $a) (i64.const 1)) (local.get $r) (i64.load (i32.const 0)) (i32.const 0)))))`);

const ROW = MAX_TABLE_ROWS_BYTES * 0.375; // two fit a page, three do not
const ROWS = 3;
let dn: DevNode;

const store = (table: string, id: number, size: number) => {
  const data = Buffer.alloc(12);
  data.writeBigUInt64LE(BigInt(id), 0);
  data.writeUInt32LE(size, 8);
  return transact(dn.client, [{ account: 'hoarder', name: table, authorization: 'hoarder@active', data: data.toString('hex') }], {
    keys: [key],
  });
};

test.before(async () => {
  dn = await startDevNode();
  await transact(dn.client, [newAccountAction('hoarder', String(key.toPublic()))]);
  await transact(dn.client, [setcodeAction('hoarder', hoarder)], { keys: [key] });
  for (let i = 0; i < ROWS; i++) await store('big', i, ROW);
  await store('huge', 0, MAX_TABLE_ROWS_BYTES + 1);
  await store('huge', 1, 10);
  await dn.node.produceBlock();
});
test.after(async () => {
  await dn.close();
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${dn.node.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, bytes: text.length, json: JSON.parse(text) };
};
const page = (table: string, extra: Record<string, unknown> = {}) =>
  post('/v1/chain/get_table_rows', { code: 'hoarder', scope: 'hoarder', table, limit: 1000, ...extra });

test('a page of big rows ends at MAX_TABLE_ROWS_BYTES, and paging reads every row', async () => {
  const first = await page('big');
  assert.is(first.status, 200);
  assert.is(first.json.rows.length, 2, `${first.json.rows.length} rows, ${first.bytes} bytes of reply`);
  assert.ok(first.bytes <= 2 * MAX_TABLE_ROWS_BYTES + 1024, `a reply of ${first.bytes} bytes`);
  assert.equal([first.json.more, first.json.next_key], [true, '2']);
  let rows = first.json.rows.length;
  for (let next = first.json.next_key; next !== ''; ) {
    const r = await page('big', { lower_bound: next });
    rows += r.json.rows.length;
    next = r.json.more ? r.json.next_key : '';
  }
  assert.is(rows, ROWS, 'nothing lost');
  const reversed = await page('big', { reverse: true });
  assert.equal([reversed.json.rows.length, reversed.json.more, reversed.json.next_key], [2, true, '0']);
});

test('through a secondary index too', async () => {
  const r = await page('big', { index_position: 2, key_type: 'i64' });
  assert.equal([r.json.rows.length, r.json.more, r.json.next_key], [2, true, '2']);
});

test('a row larger than the bound is a page of its own, and the next page follows it', async () => {
  const r = await page('huge');
  assert.equal([r.json.rows.length, r.json.more, r.json.next_key], [1, true, '1']);
  assert.is(r.json.rows[0].length, 2 * (MAX_TABLE_ROWS_BYTES + 1));
  const rest = await page('huge', { lower_bound: '1' });
  assert.equal([rest.json.rows.length, rest.json.more], [1, false]);
});

test('get_currency_balance refuses a scope of more than MAX_TABLE_ROWS_BYTES of rows', async () => {
  const abi = Abi.from({
    version: 'eosio::abi/1.1',
    structs: [{ name: 'account', base: '', fields: [{ name: 'balance', type: 'asset' }] }],
    tables: [{ name: 'accounts', type: 'account', index_type: 'i64', key_names: [], key_types: [] }],
  });
  await transact(
    dn.client,
    [
      {
        account: 'eosio',
        name: 'setabi',
        authorization: 'hoarder@active',
        data: { account: 'hoarder', abi: Buffer.from(abi.toBinary()).toString('hex') },
      },
    ],
    { keys: [key] },
  );
  await store('accounts', 0, MAX_TABLE_ROWS_BYTES + 1);
  const r = await post('/v1/chain/get_currency_balance', { code: 'hoarder', account: 'hoarder' });
  assert.is(r.json.error?.name, 'contract_table_query_exception', JSON.stringify(r.json).slice(0, 200));
  assert.match(r.json.error.details[0].message, /MAX_TABLE_ROWS_BYTES/);
});

test.run();
