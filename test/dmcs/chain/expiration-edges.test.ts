// Expiration at its exact-second edges, on the real node over HTTP: a transaction expires when its
// expiration is at or before the pending block's time, and may be at most 3600 s after it (Leap's
// `expiration > now` and `expiration <= now + max_transaction_lifetime`). The pending block is pinned
// by a first transaction (its time no longer moves until the block is produced), so each edge is
// checked against a known time, not a clock read a moment earlier.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDevNode, transact, newAccountAction, errorName, testKey, type DevNode } from '../helpers.js';

let dn: DevNode;
const k = testKey('expiry');
/** Antelope's time_point_sec text: UTC, whole seconds, no zone. */
const iso = (sec: number) => new Date(sec * 1000).toISOString().slice(0, 19);

test.before(async () => {
  dn = await startDevNode(undefined, { autoProduce: false, staleAfterMs: 3_600_000 });
});
test.after(async () => {
  await dn.close();
});

test('expiration edges: at or before the block time is expired; +1 s and +3600 s pass; +3601 s is too far', async () => {
  await transact(dn.client, [newAccountAction('anchor', String(k.toPublic()))]);
  const now = dn.node.chain.pendingBlockTime() / 1000; // whole or half seconds (500 ms slots)
  const base = Math.floor(now);
  const push = (name: string, exp: number) =>
    transact(dn.client, [newAccountAction(name, String(k.toPublic()))], { header: { expiration: iso(exp) } });

  assert.is(await errorName(push('justexpired', base - 1)), 'expired_tx_exception');
  assert.is(await errorName(push('atnow', base)), 'expired_tx_exception', 'expiration <= block time is expired');
  await push('plusone', base + 1);
  await push('plushour', base + 3600);
  assert.is(await errorName(push('toofar', base + 3601)), 'tx_exp_too_far_exception');
  assert.is(await errorName(push('aday', base + 86_400)), 'tx_exp_too_far_exception');
  assert.is(dn.node.chain.pendingBlockTime() / 1000, now, 'the pending block time did not move during the test');

  await dn.node.produceBlock();
  assert.ok(await dn.client.v1.chain.get_account('plusone'));
  assert.ok(await dn.client.v1.chain.get_account('plushour'));
  for (const refused of ['justexpired', 'atnow', 'toofar', 'aday']) {
    assert.is(await errorName(dn.client.v1.chain.get_account(refused)), 'account_query_exception', `${refused} must not exist`);
  }
});

test.run();
