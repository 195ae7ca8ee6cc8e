// Generator/oracle check of the HTTP layer: every endpoint gets malformed and hostile bodies; the
// oracle is "a JSON Antelope error with a name, never a crash, and the node keeps serving".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDevNode, type DevNode } from '../helpers.js';

let dn: DevNode;
test.before(async () => {
  dn = await startDevNode();
});
test.after(async () => {
  await dn.close();
});

const ENDPOINTS = [
  'get_info',
  'get_account',
  'get_abi',
  'get_raw_abi',
  'get_raw_code_and_abi',
  'get_table_rows',
  'get_block',
  'get_block_info',
  'get_required_keys',
  'push_transaction',
  'send_transaction',
  'send_transaction2',
  'compute_transaction',
  'get_currency_balance',
  'get_currency_stats',
  'get_accounts_by_authorizers',
];

/** Deterministic hostile bodies. */
function* bodies(): Generator<string> {
  yield '';
  yield 'null';
  yield '[]';
  yield '"text"';
  yield '12345678901234567890123';
  yield '{"account_name": 5}';
  yield '{"account_name": "THIS-IS-NOT-A-NAME"}';
  yield '{"code": "eosio", "table": "x", "scope": {"a": 1}, "limit": -1}';
  yield '{"code": "eosio", "table": "x", "lower_bound": "zz!", "key_type": "name"}';
  yield '{"block_num_or_id": "ff"}';
  yield '{"block_num": 1e300}';
  yield '{"transaction": {"actions": "nope"}, "available_keys": ["EOSbad"]}';
  yield '{"signatures": [1, 2], "packed_trx": 7}';
  yield '{"signatures": [], "compression": 9, "packed_trx": "00"}';
  yield '{"signatures": [], "compression": "zlib", "packed_trx": "deadbeef"}';
  yield `{"signatures": [], "compression": 0, "packed_trx": "${'ff'.repeat(100)}"}`;
  yield JSON.stringify({ keys: ['PUB_K1_nope'] });
  let deep = '1';
  for (let i = 0; i < 2000; i++) deep = `[${deep}]`;
  yield `{"x": ${deep}}`;
  yield '{"unterminated": ';
  // objects where a scalar goes, with a toString that is not a function: String() of one throws a
  // TypeError, which reached the client as an untyped 500 (found by the chain-api fuzz targets)
  const noText = { toString: false, valueOf: 1 };
  for (const field of ['index_position', 'limit', 'lower_bound', 'upper_bound', 'table'])
    yield JSON.stringify({
      code: 'eosio',
      table: 'accounts',
      scope: 'eosio',
      json: true,
      key_type: 'i128',
      index_position: 2,
      [field]: noText,
    });
  yield JSON.stringify({ code: 'eosio', table: 'accounts', scope: 'eosio', key_type: 'name', lower_bound: noText });
  // a signature string of 60 KB: base58's quadratic decode took 2 s of the node's thread
  const longSig = `SIG_K1_${'2'.repeat(60_000)}`;
  yield JSON.stringify({ signatures: [longSig], compression: 0, packed_trx: '00' });
  yield JSON.stringify({ transaction: { signatures: [longSig], compression: 0, packed_trx: '00' } });
  yield JSON.stringify({ transaction: { actions: [] }, available_keys: [`PUB_K1_${'2'.repeat(60_000)}`] });
}

test('every endpoint answers hostile bodies with a named JSON error or a result, and the node keeps serving', async () => {
  let checked = 0;
  const started = performance.now();
  for (const ep of ENDPOINTS) {
    for (const body of bodies()) {
      const res = await fetch(`${dn.node.endpoint}/v1/chain/${ep}`, { method: 'POST', body });
      const text = await res.text();
      let json: { error?: { name?: string; code?: number } } | null = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* checked below */
      }
      assert.ok(json !== null, `${ep} ${body.slice(0, 40)} → not JSON: ${text.slice(0, 80)}`);
      if (res.status >= 400) {
        assert.type(json!.error?.name, 'string', `${ep} ${body.slice(0, 40)} → ${text.slice(0, 120)}`);
        assert.ok([400, 401, 404, 409, 413, 500].includes(res.status), `${ep}: status ${res.status}`);
        // the server's fallback for an exception it does not know (chain-api-http's fuzz oracle)
        assert.ok(
          !(res.status === 500 && json!.error?.name === 'chain_exception'),
          `${ep} ${body.slice(0, 60)} → untyped: ${text.slice(0, 200)}`,
        );
      }
      checked++;
    }
  }
  assert.ok(checked > 200);
  // about 480 requests, three of them 60 KB: each answered in about a millisecond (the long key
  // and signature strings too, refused before their decode)
  assert.ok(performance.now() - started < 20_000, `${performance.now() - started} ms`);
  const info = await dn.client.v1.chain.get_info();
  assert.ok(Number(info.head_block_num) >= 1);
});

test.run();
