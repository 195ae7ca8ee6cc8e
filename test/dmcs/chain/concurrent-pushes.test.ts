// Many transactions pushed over HTTP at once (keys recovered on the worker pool, applied in
// recovery order) all land exactly once; a duplicate among them is refused; blocks seal them all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDevNode, buildSigned, newAccountAction, testKey, errorName, type DevNode } from '../helpers.js';

let dn: DevNode;
const k = testKey('concurrent');
test.before(async () => {
  dn = await startDevNode(undefined, { autoProduce: true });
});
test.after(async () => {
  await dn.close();
});

const nameOf = (i: number) => `conc${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + (Math.floor(i / 26) % 26))}`;

test('200 concurrent pushes all succeed; the repeated one is tx_duplicate', async () => {
  const built = await Promise.all(
    Array.from({ length: 200 }, (_, i) => buildSigned(dn.client, [newAccountAction(nameOf(i), String(k.toPublic()))])),
  );
  const results = await Promise.allSettled(built.map((b) => dn.client.v1.chain.push_transaction(b.packed)));
  assert.equal(
    results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
    [],
  );
  assert.is(await errorName(dn.client.v1.chain.push_transaction(built[7]!.packed)), 'tx_duplicate');
  await dn.node.produceBlock();
  // One producer: Leap's LIB is the block before the head (and never past what is in the log); with
  // the production timer running, a block sealed a moment ago may still be on its way to the log
  // (under load, a few): wait for it, bounded.
  let info = await dn.client.v1.chain.get_info();
  for (
    const until = Date.now() + 60_000;
    Number(info.last_irreversible_block_num) < Number(info.head_block_num) - 1 && Date.now() < until;
  ) {
    await new Promise((r) => setTimeout(r, 50));
    info = await dn.client.v1.chain.get_info();
  }
  // the timer may seal one more block between two polls
  assert.ok(
    Number(info.last_irreversible_block_num) >= Number(info.head_block_num) - 2,
    `head ${info.head_block_num}, LIB ${info.last_irreversible_block_num}`,
  );
  for (const i of [0, 99, 199]) assert.is(String((await dn.client.v1.chain.get_account(nameOf(i))).account_name), nameOf(i));
  // every transaction is in exactly one block
  const ids = new Set<string>();
  for (let n = 1; n <= Number(info.head_block_num); n++) {
    const b = await dn.client.v1.chain.get_block(n);
    for (const t of b.transactions) {
      const id = String(t.id);
      assert.not.ok(ids.has(id), `transaction ${id} twice`);
      ids.add(id);
    }
  }
  for (const b of built) assert.ok(ids.has(String(b.trx.id)));
});

test.run();
