// What the node says about blocks and transactions that are not yet irreversible, in Leap 5's
// shapes. get_block_header_state: block_header_state_legacy's fields as fc reflects them, served
// for the head and the blocks after the last irreversible one (Leap's fork database); an
// irreversible block is unknown_block_exception "Could not find reversible block" (HTTP 400).
// get_transaction_status: LOCALLY_APPLIED → IN_BLOCK → IRREVERSIBLE as the transaction's block is
// sealed and then confirmed, UNKNOWN for an id never seen. On a chain of 4 scheduled producers
// (the node holds their keys) the LIB lags the head, so reversible blocks exist.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDevNode, testKey, transact, type DevNode } from '../helpers.js';
import { createProducerAccounts, deployGovernor, proposeAndActivate } from '../schedule.js';

let dn: DevNode;
const names = ['proda', 'prodb', 'prodc', 'prodd'];

const call = async (endpoint: string, body: unknown) => {
  const res = await fetch(`${dn.node.endpoint}/v1/chain/${endpoint}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
};
const post = (body: unknown) => call('get_block_header_state', body);
const status = async (id: string) => (await call('get_transaction_status', { id })).json;

test.before(async () => {
  dn = await startDevNode(undefined, { producers: names });
  await createProducerAccounts(dn.client, names, (n) => String(testKey(`bhs.${n}`).toPublic()));
  await deployGovernor(dn.client);
  const signing = new Map(dn.node.producers.map((p) => [p.name, p.key]));
  await proposeAndActivate(
    dn.node,
    dn.client,
    names.map((name) => ({ name, key: signing.get(name)! })),
  );
  for (let i = 0; i < 12; i++) await dn.node.produceBlock();
});
test.after(async () => {
  await dn.close();
});

test("the head's header state has Leap's fields, in Leap's order, and agrees with get_info and get_block", async () => {
  const info = await dn.client.v1.chain.get_info();
  const head = Number(info.head_block_num);
  const { status, json } = await post({ block_num_or_id: head });
  assert.is(status, 200);
  assert.equal(Object.keys(json), [
    'block_num',
    'dpos_proposed_irreversible_blocknum',
    'dpos_irreversible_blocknum',
    'active_schedule',
    'blockroot_merkle',
    'producer_to_last_produced',
    'producer_to_last_implied_irb',
    'valid_block_signing_authority',
    'confirm_count',
    'id',
    'header',
    'pending_schedule',
    'activated_protocol_features',
    'additional_signatures',
  ]);
  assert.is(json.block_num, head);
  assert.is(json.id, String(info.head_block_id));
  assert.is(json.dpos_irreversible_blocknum, Number(info.last_irreversible_block_num));
  assert.equal(
    json.active_schedule.producers.map((p: { producer_name: string }) => p.producer_name),
    names,
  );
  assert.is(json.active_schedule.producers[0].authority[0], 0, 'block_signing_authority_v0');
  const block = await dn.client.v1.chain.get_block(head);
  assert.is(json.header.producer, String(block.producer));
  assert.is(json.header.previous, String(block.previous));
  assert.is(json.header.transaction_mroot, String(block.transaction_mroot));
  // the producer that signed it is the one whose authority is valid for it
  const signer = dn.node.producers.find((p) => p.name === json.header.producer)!;
  assert.is(json.valid_block_signing_authority[1].keys[0].key, String(signer.key));
});

test('reversible blocks are served by number and by id; an irreversible one is unknown (400)', async () => {
  const info = await dn.client.v1.chain.get_info();
  const lib = Number(info.last_irreversible_block_num);
  const head = Number(info.head_block_num);
  assert.ok(head - lib >= 2, `the LIB lags the head (${lib} < ${head})`);
  const last = (await post({ block_num_or_id: head })).json;
  const before = await post({ block_num_or_id: last.header.previous });
  assert.is(before.status, 200);
  assert.is(before.json.block_num, head - 1);
  const gone = await post({ block_num_or_id: lib });
  assert.is(gone.status, 400);
  assert.is(gone.json.error.name, 'unknown_block_exception');
  assert.match(gone.json.error.details[0].message, `Could not find reversible block: ${lib}`);
  assert.is((await post({ block_num_or_id: 'nonsense' })).status, 400);
});

test('get_transaction_status follows a transaction from the pending block to irreversible', async () => {
  const r = await transact(dn.client, [{ account: 'eosio', name: 'noop', authorization: 'eosio@active', data: '07' }]);
  const id = String(r.transaction_id);
  const applied = await status(id);
  assert.is(applied.state, 'LOCALLY_APPLIED');
  const sealed = await dn.node.produceBlock();
  const inBlock = await status(id);
  assert.is(inBlock.state, 'IN_BLOCK');
  assert.is(inBlock.block_number, sealed.num);
  assert.is(inBlock.block_id, sealed.id);
  assert.is(inBlock.head_number, sealed.num);
  assert.ok(inBlock.irreversible_number < sealed.num);
  assert.match(inBlock.expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  for (let i = 0; i < 200 && (await status(id)).state !== 'IRREVERSIBLE'; i++) await dn.node.produceBlock();
  const final = await status(id);
  assert.is(final.state, 'IRREVERSIBLE');
  assert.ok(final.irreversible_number >= sealed.num);
  assert.ok(final.earliest_tracked_block_number <= sealed.num);

  const unknown = await status('ab'.repeat(32));
  assert.equal(Object.keys(unknown), [
    'state',
    'head_number',
    'head_id',
    'head_timestamp',
    'irreversible_number',
    'irreversible_id',
    'irreversible_timestamp',
    'earliest_tracked_block_id',
    'earliest_tracked_block_number',
  ]);
  assert.is(unknown.state, 'UNKNOWN');
  assert.is((await call('get_transaction_status', { id: 'xyz' })).status, 400);
});

test.run();
