// The chain API split as Leap's chain plugin splits it: the read-only endpoints (compute_transaction
// included) never change the chain, the read-write ones are exactly the pushes, and the endpoint
// tables answer only their own names (not Object.prototype's).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDevNode, newAccountAction, testKey, transact, buildSigned, type DevNode } from '../helpers.js';

let dn: DevNode;
test.before(async () => {
  dn = await startDevNode();
  await transact(dn.client, [newAccountAction('splitter', String(testKey('splitter').toPublic()))]);
  await dn.node.produceBlock();
});
test.after(async () => {
  await dn.close();
});

const READ_WRITE = ['push_transaction', 'push_transactions', 'send_transaction', 'send_transaction2'];

const post = async (path: string, body: unknown): Promise<{ status: number; json: any }> => {
  const res = await fetch(`${dn.node.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
};

test('every /v1/chain endpoint is either read-only or one of the four pushes', () => {
  const all = Object.keys(dn.node.api.endpoints);
  assert.ok(READ_WRITE.every((e) => all.includes(e)));
  assert.is(all.length, 31);
});

test('the read-only endpoints, compute_transaction included, leave state, head and pending block as they were', async () => {
  const before = (await post('/v1/peeros/get_state_digest', {})).json;
  const { packed, trx: buildTrx } = await buildSigned(dn.client, [newAccountAction('computed', String(testKey('computed').toPublic()))]);
  const trx = JSON.parse(JSON.stringify(packed));
  const bodies: Record<string, unknown> = {
    get_account: { account_name: 'splitter' },
    get_abi: { account_name: 'eosio' },
    get_raw_abi: { account_name: 'eosio' },
    get_raw_code_and_abi: { account_name: 'eosio' },
    get_table_rows: { code: 'eosio', scope: 'eosio', table: 'accounts', json: false },
    get_block: { block_num_or_id: 1 },
    get_block_info: { block_num: 1 },
    get_required_keys: { transaction: { actions: [] }, available_keys: [] },
    compute_transaction: { transaction: trx },
    get_accounts_by_authorizers: { accounts: ['splitter'] },
    send_read_only_transaction: { transaction: trx },
    get_code: { account_name: 'eosio' },
    get_code_hash: { account_name: 'eosio' },
    get_table_by_scope: { code: 'eosio' },
    get_transaction_id: JSON.parse(JSON.stringify(buildTrx)),
    get_raw_block: { block_num_or_id: 1 },
    get_block_header: { block_num_or_id: 1 },
    get_activated_protocol_features: {},
    get_producers: { json: true },
    get_producer_schedule: {},
    get_scheduled_transactions: {},
    get_consensus_parameters: {},
    get_block_header_state: { block_num_or_id: dn.node.chain.head.num },
    get_transaction_status: { id: '00'.repeat(32) },
  };
  for (const [endpoint, body] of Object.entries(bodies)) {
    const { status, json } = await post(`/v1/chain/${endpoint}`, body);
    assert.is(status, 200, `${endpoint}: ${JSON.stringify(json).slice(0, 200)}`);
  }
  const computed = (await post('/v1/chain/compute_transaction', { transaction: trx })).json;
  assert.ok(computed.processed.action_traces.length > 0, 'compute_transaction executed the action');
  const after = (await post('/v1/peeros/get_state_digest', {})).json;
  assert.equal(after, before);
  assert.is((await post('/v1/chain/get_account', { account_name: 'computed' })).json.error.name, 'account_query_exception');
});

test('Object.prototype names are unknown endpoints (404), not handlers', async () => {
  for (const name of ['constructor', 'tostring', '__proto__', 'hasownproperty', 'valueof', '__definegetter__']) {
    for (const ns of ['chain', 'peeros']) {
      const { status, json } = await post(`/v1/${ns}/${name}`, {});
      assert.is(status, 404, `/v1/${ns}/${name}: ${JSON.stringify(json).slice(0, 200)}`);
      assert.is(json.error.name, 'exception');
    }
  }
  assert.is(dn.node.api.endpoints['constructor' as 'get_info'], undefined);
});

test.run();
