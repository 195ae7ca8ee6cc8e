// Transaction input checks by their Antelope names, and the HTTP layer's resilience.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { P2P, Serializer, Signature, KeyType, Bytes, PackedTransaction, SignedTransaction } from '@wharfkit/antelope';
import { encodeBlock } from '../../../dmcs/block.js';
import type { RecentTransactions } from '../../../dmcs/state/recent-transactions.js';
import { startDevNode, buildSigned, transact, newAccountAction, errorName, testKey, DEV_KEY, type DevNode } from '../helpers.js';

let dn: DevNode;
const k = testKey('validation');
const post = (path: string, body: string) =>
  fetch(`${dn.node.endpoint}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

test.before(async () => {
  dn = await startDevNode();
});
test.after(async () => {
  await dn.close();
});

test('uncompressed and zlib packed transactions are both accepted', async () => {
  await transact(dn.client, [newAccountAction('zipped', String(k.toPublic()))], { compression: 1 });
  await transact(dn.client, [newAccountAction('plain', String(k.toPublic()))], { compression: 0 });
  assert.ok(await dn.client.v1.chain.get_account('zipped'));
  assert.ok(await dn.client.v1.chain.get_account('plain'));
});

test('the same transaction twice is tx_duplicate (HTTP 409)', async () => {
  const { packed } = await buildSigned(dn.client, [newAccountAction('dupe', String(k.toPublic()))]);
  await dn.client.v1.chain.push_transaction(packed);
  const res = await post('/v1/chain/push_transaction', JSON.stringify(packed));
  assert.is(res.status, 409);
  const body = (await res.json()) as { error: { name: string } };
  assert.is(body.error.name, 'tx_duplicate');
});

test('an expired transaction is expired_tx_exception', async () => {
  const p = transact(dn.client, [newAccountAction('expired', String(k.toPublic()))], { header: { expiration: '2020-01-01T00:00:00' } });
  assert.is(await errorName(p), 'expired_tx_exception');
});

test("an expired id the duplicate set still holds is expired_tx_exception, as Leap's producer says", async () => {
  // a head expires at most EXPIRE_STEP ids, so one may stay known after its time: stand one in
  const { trx, packed } = await buildSigned(dn.client, [newAccountAction('leftover', String(k.toPublic()))], {
    header: { expiration: '2020-01-01T00:00:00' },
  });
  const recent = (dn.node.chain as unknown as { recent: RecentTransactions }).recent;
  const id = String(trx.id);
  recent.add(id, trx.expiration.toMilliseconds() / 1000);
  try {
    assert.is(await errorName(dn.client.v1.chain.push_transaction(packed)), 'expired_tx_exception');
  } finally {
    recent.delete(id);
  }
});

test('expiration more than 3600 s ahead is tx_exp_too_far_exception', async () => {
  const p = transact(dn.client, [newAccountAction('toofar', String(k.toPublic()))], { expireSeconds: 3700 });
  assert.is(await errorName(p), 'tx_exp_too_far_exception');
});

test('a wrong TaPoS reference is invalid_ref_block_exception', async () => {
  const p = transact(dn.client, [newAccountAction('tapos', String(k.toPublic()))], { header: { ref_block_prefix: 12345 } });
  assert.is(await errorName(p), 'invalid_ref_block_exception');
});

test('delay_sec > 0 is refused as Leap 5 does: transaction_exception "transaction cannot be delayed"', async () => {
  const p = transact(dn.client, [newAccountAction('delayed', String(k.toPublic()))], { header: { delay_sec: 10 } });
  assert.is(await errorName(p), 'transaction_exception');
});

test('no authorization at all is tx_no_auths; a context-free action with one is cfa_irrelevant_auth', async () => {
  const noAuth = { ...newAccountAction('noauth', String(k.toPublic())), authorization: [] };
  assert.is(await errorName(transact(dn.client, [noAuth], { keys: [] })), 'tx_no_auths');
  const cfa = { account: 'eosio', name: 'setabi', authorization: 'eosio@active', data: { account: 'eosio', abi: '' } };
  assert.is(
    await errorName(transact(dn.client, [newAccountAction('cfa', String(k.toPublic()))], { contextFreeActions: [cfa] })),
    'cfa_irrelevant_auth',
  );
});

test('a context-free action without authorization runs before the actions', async () => {
  const cfa = { account: 'plain', name: 'anything', authorization: [], data: '' };
  const res = await transact(dn.client, [newAccountAction('withcfa', String(k.toPublic()))], { contextFreeActions: [cfa] });
  assert.is(res.processed.action_traces[0].context_free, true);
  assert.is(res.processed.action_traces[1].act.name, 'newaccount');
});

test('an unknown permission is refused', async () => {
  const act = { ...newAccountAction('unknownp', String(k.toPublic())), authorization: 'eosio@nosuch' };
  assert.is(await errorName(transact(dn.client, [act])), 'transaction_exception');
});

test('a valid but non-canonical (high-S) signature is refused', async () => {
  const { trx } = await buildSigned(dn.client, [newAccountAction('highs', String(k.toPublic()))]);
  const info = await dn.client.v1.chain.get_info();
  const sig = DEV_KEY.signDigest(trx.signingDigest(info.chain_id));
  const data = sig.data.array.slice();
  const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const sVal = BigInt(`0x${Buffer.from(data.subarray(33, 65)).toString('hex')}`);
  data.set(Buffer.from((N - sVal).toString(16).padStart(64, '0'), 'hex'), 33);
  data[0] = 27 + 4 + (((data[0]! - 27) & 3) ^ 1); // the flipped S recovers the same key with the other recid
  const highS = new Signature(KeyType.K1, Bytes.from(data));
  assert.is(String(highS.recoverDigest(trx.signingDigest(info.chain_id))), String(DEV_KEY.toPublic()), 'still a valid signature');
  const packed = PackedTransaction.fromSigned(SignedTransaction.from({ ...trx, signatures: [highS] }));
  const res = await post('/v1/chain/push_transaction', JSON.stringify(packed));
  const body = (await res.json()) as { error: { details: Array<{ message: string }> } };
  assert.is(res.status, 500);
  assert.match(body.error.details[0]!.message, /not canonical/);
});

test('malformed JSON is 400 with a message, unknown endpoints 404, huge bodies 413, and the node keeps serving', async () => {
  const bad = await post('/v1/chain/push_transaction', '{"signatures": [');
  assert.is(bad.status, 400);
  const badBody = (await bad.json()) as { error: { name: string; details: Array<{ message: string }> } };
  assert.is(badBody.error.name, 'parse_error_exception');
  assert.ok(badBody.error.details[0]!.message.length > 0);
  const nf = await post('/v1/chain/no_such_thing', '{}');
  assert.is(nf.status, 404);
  const big = await post('/v1/chain/get_info', JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }));
  assert.is(big.status, 413);
  const garbage = await post('/v1/chain/push_transaction', JSON.stringify({ packed_trx: 'zz', signatures: ['nope'] }));
  assert.is(garbage.status, 500);
  const info = await dn.client.v1.chain.get_info();
  assert.ok(Number(info.head_block_num) >= 1);
});

test('get_required_keys returns the keys needed out of those available', async () => {
  const other = testKey('other');
  const { trx } = await buildSigned(dn.client, [newAccountAction('reqkeys', String(k.toPublic()))]);
  const res = await dn.client.call<{ required_keys: string[] }>({
    path: '/v1/chain/get_required_keys',
    params: { transaction: trx, available_keys: [String(other.toPublic()), String(DEV_KEY.toPublic())] },
  });
  assert.equal(res.required_keys, [String(DEV_KEY.toPublic())]);
});

test('compute_transaction executes without keeping anything', async () => {
  const { packed } = await buildSigned(dn.client, [newAccountAction('computed', String(k.toPublic()))]);
  const res = await dn.client.v1.chain.compute_transaction(packed);
  assert.is(res.processed.action_traces[0].act.name, 'newaccount');
  assert.is(await errorName(dn.client.v1.chain.get_account('computed')), 'account_query_exception');
});

test('blocks: produceBlock seals pushed transactions; get_block and get_block_info agree on the id', async () => {
  const { signed } = await buildSigned(dn.client, [newAccountAction('inblock', String(k.toPublic()))]);
  const res = await transact(dn.client, [newAccountAction('inblock2', String(k.toPublic()))]);
  void signed;
  const { num, id } = await dn.node.produceBlock();
  assert.is(res.processed.block_num, num);
  const block = await dn.client.v1.chain.get_block(num);
  assert.is(String(block.id), id);
  assert.ok(block.transactions.some((t) => String(t.id) === res.transaction_id));
  const info = await dn.client.v1.chain.get_block_info(num);
  assert.is(String(info.id), id);
  assert.is(Number(info.block_num), num);
  const prev = await dn.client.v1.chain.get_block(num - 1);
  assert.is(String(block.previous), String(prev.id));
  assert.is(parseInt(id.slice(0, 8), 16), num);
  const byId = await dn.client.v1.chain.get_block(id);
  assert.is(Number(byId.block_num), num);
  assert.is(await errorName(dn.client.v1.chain.get_block(num + 1000)), 'unknown_block_exception');
});

// The producer signature is checked under Leap's rule in test/dmcs/block/leap-block-signature.test.ts.
test('wharfkit decodes our signed_block bytes and computes the same block id', async () => {
  await transact(dn.client, [newAccountAction('wharfblock', String(k.toPublic()))]);
  const { num, id } = await dn.node.produceBlock();
  const got = await dn.node.chain.getBlock(num);
  const decoded = Serializer.decode({ data: encodeBlock(got!.block), type: P2P.SignedBlock }) as InstanceType<typeof P2P.SignedBlock>;
  assert.is(String(decoded.id), id);
  assert.is(decoded.transactions.length, 1);
});

test.run();
