// get_table_rows parameter parsing and paging on the table store alone (Leap's rules).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Name } from '../../../abi/antelope/index.js';
import { toUint64, queryTableRows, MAX_TABLE_ROWS } from '../../../dmcs/api/table-query.js';
import { ChainState } from '../../../dmcs/state/chain-state.js';

const n = (s: string) => Name.from(s).value;

test('scope and bounds: numbers, names, symbol codes and precision,CODE', () => {
  assert.is(toUint64('12345', 'scope'), 12345n);
  assert.is(toUint64(7, 'scope'), 7n);
  assert.is(toUint64('alice', 'scope'), n('alice'));
  assert.is(toUint64('EOS', 'scope'), 0x534f45n); // 'E' 'O' 'S' little-endian
  assert.is(toUint64('4,EOS', 'scope'), (0x534f45n << 8n) | 4n);
  assert.throws(() => toUint64('not valid!', 'scope'), /Could not convert scope/);
  assert.throws(() => toUint64(null, 'scope'), /Could not convert scope/);
});

function fill(count: number) {
  const st = new ChainState();
  const t = st.tables.createTable(n('tok'), n('alice'), n('rows'), n('alice'));
  for (let i = 1; i <= count; i++) t.store(n('alice'), BigInt(i * 10), new Uint8Array([i]));
  return st;
}

test('limit, more/next_key, inclusive upper bound, reverse, hex rows, payers', () => {
  const st = fill(25);
  const q = (p: Record<string, unknown>) =>
    queryTableRows(st.tables, { code: 'tok', scope: 'alice', table: 'rows', key_type: 'i64', ...p }, null);
  const first = q({});
  assert.is(first.rows.length, 10);
  assert.ok(first.more);
  assert.is(first.next_key, '110');
  assert.equal(q({ lower_bound: '110', upper_bound: '130' }).rows, ['0b', '0c', '0d']);
  assert.equal(q({ reverse: true, limit: 2 }).rows, ['19', '18']);
  assert.is(q({ reverse: true, limit: 2 }).next_key, '230');
  assert.equal(q({ lower_bound: '250', show_payer: true }).rows, [{ data: '19', payer: 'alice' }]);
  assert.not.ok(q({ lower_bound: '250' }).more);
  assert.equal(q({ lower_bound: '300' }).rows, []);
  assert.equal(q({ lower_bound: '200', upper_bound: '100' }).rows, []);
});

test('a missing table is no rows; the page size is capped', () => {
  const st = fill(MAX_TABLE_ROWS + 5);
  assert.equal(queryTableRows(st.tables, { code: 'tok', scope: 'bob', table: 'rows' }, null).rows, []);
  const big = queryTableRows(st.tables, { code: 'tok', scope: 'alice', table: 'rows', limit: 100000 }, null);
  assert.is(big.rows.length, MAX_TABLE_ROWS);
  assert.ok(big.more);
});

test('index positions parse like Leap; a missing secondary index is no rows', () => {
  const st = fill(1);
  assert.equal(
    queryTableRows(st.tables, { code: 'tok', scope: 'alice', table: 'rows', index_position: 'secondary', key_type: 'i64' }, null).rows,
    [],
  );
  assert.throws(
    () => queryTableRows(st.tables, { code: 'tok', scope: 'alice', table: 'rows', index_position: 'bogus' }, null),
    /Invalid index_position/,
  );
});

test('secondary index: ordered by (secondary, primary), bounds, paging, undo', () => {
  const st = fill(3); // primary keys 10, 20, 30
  const mark = st.undo.checkpoint();
  const ix = st.tables.createIndex('idx64', n('tok'), n('alice'), n('rows') | 1n, n('alice'));
  ix.store(n('alice'), 10n, 300n);
  ix.store(n('alice'), 20n, 100n);
  const r30 = ix.store(n('alice'), 30n, 200n);
  const q = (p: Record<string, unknown>) =>
    queryTableRows(st.tables, { code: 'tok', scope: 'alice', table: 'rows', index_position: 2, key_type: 'i64', ...p }, null);
  assert.equal(q({}).rows, ['02', '03', '01']);
  assert.equal(q({ lower_bound: '150', upper_bound: '300' }).rows, ['03', '01']);
  const page = q({ limit: 1 });
  assert.equal(page.rows, ['02']);
  assert.is(page.next_key, '200');
  assert.equal(q({ reverse: true, limit: 2 }).rows, ['01', '03']);
  ix.update(r30, n('alice'), 50n);
  assert.equal(q({}).rows, ['03', '02', '01']);
  st.undo.rollback(mark);
  assert.is(st.tables.findIndex('idx64', n('tok'), n('alice'), n('rows') | 1n), undefined);
});

test('rows keep Antelope unsigned order for keys above 2^63', () => {
  const st = new ChainState();
  const t = st.tables.createTable(n('tok'), n('tok'), n('rows'), n('tok'));
  for (const k of [1n, 2n ** 63n + 5n, 2n ** 64n - 1n, 2n ** 62n]) t.store(n('tok'), k, new Uint8Array([1]));
  assert.equal([...t.keys()], [1n, 2n ** 62n, 2n ** 63n + 5n, 2n ** 64n - 1n]);
  assert.is(t.upperbound(2n ** 62n)!.primary, 2n ** 63n + 5n);
  assert.is(t.previous(2n ** 63n + 5n)!.primary, 2n ** 62n);
});

test('undo restores rows, tables and RAM', () => {
  const st = new ChainState();
  st.createAccount('tok', { threshold: 1, keys: [], accounts: [], waits: [] }, { threshold: 1, keys: [], accounts: [], waits: [] }, 0);
  const ram0 = st.getAccount('tok')!.ramUsage;
  const mark = st.undo.checkpoint();
  const t = st.tables.createTable(n('tok'), n('tok'), n('rows'), n('tok'));
  const r = t.store(n('tok'), 5n, new Uint8Array(10));
  t.update(r, n('tok'), new Uint8Array(20));
  assert.is(st.getAccount('tok')!.ramUsage, ram0 + 112 + 112 + 20);
  st.undo.rollback(mark);
  assert.is(st.tables.findTable(n('tok'), n('tok'), n('rows')), undefined);
  assert.is(st.getAccount('tok')!.ramUsage, ram0);
});

test.run();
