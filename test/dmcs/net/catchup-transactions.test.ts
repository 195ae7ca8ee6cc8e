// A node catching up over the block relay checks every transaction of the blocks it gets as a push
// is (signatures against authorities, expiration, TaPoS, ids), with the keys recovered ahead on its
// worker pool while the blocks before execute. Its peer is a producer running modified software:
// after honest blocks it signs one whose transaction alice never signed. The joining node applies
// the honest blocks with the keys from its pool, refuses the forged one with its Antelope name,
// and stops at the block before it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIClient } from '@wharfkit/antelope';
import { bytesToHex } from '../../../abi/antelope/index.js';
import { startNode, type EmbeddedNode, type NodeOptions } from '../../../dmcs/index.js';
import { DEV_KEY, newAccountAction, removeDir, tempDir, testKey, transact } from '../helpers.js';

const dirs = [tempDir('catchup-src'), tempDir('catchup-join')];
const nodes: EmbeddedNode[] = [];
test.after(async () => {
  for (const n of nodes) await n.close().catch(() => {});
  for (const d of dirs) removeDir(d);
});

const HONEST_BLOCKS = 12;
const PER_BLOCK = 5;

test('a joining node checks the transactions of the blocks it catches up on, keys recovered ahead, and refuses a forged one', async () => {
  const logs: string[] = [];
  const base = (i: number): NodeOptions => ({ dev: true, dataDir: dirs[i]!, autoProduce: false, snapshotEvery: 0 });
  const src = await startNode({ ...base(0), http: '127.0.0.1:0', p2pListen: '127.0.0.1:0', onError: () => {} });
  nodes.push(src);
  const client = new APIClient({ url: src.endpoint! });
  const alice = testKey('catchup-transactions alice');
  await transact(client, [newAccountAction('alice', alice.toPublic().toString())]);
  await src.produceBlock();
  let made = 1;
  for (let b = 0; b < HONEST_BLOCKS; b++) {
    for (let t = 0; t < PER_BLOCK; t++) {
      const name = `acct${'abcdefghijklmnopqrstuvwxyz'[b]}${'abcdefghijklmnopqrstuvwxyz'[t]}`;
      await transact(client, [newAccountAction(name, DEV_KEY.toPublic().toString())]);
      made++;
    }
    await src.produceBlock();
  }
  const lastHonest = { num: src.chain.head.num, id: bytesToHex(src.chain.head.id), digest: bytesToHex(src.chain.state.digest()) };

  // the modified software: alice's owner key replaced, signed by eosio's key only
  (src.chain as unknown as { auth: unknown }).auth = { check() {} };
  const auth = { threshold: 1, keys: [{ key: DEV_KEY.toPublic().toString(), weight: 1 }], accounts: [], waits: [] };
  await transact(client, [
    {
      account: 'eosio',
      name: 'updateauth',
      authorization: 'alice@owner',
      data: { account: 'alice', permission: 'owner', parent: '', auth },
    },
  ]);
  await src.produceBlock();
  await src.produceBlock(); // one more on top: the joining node never gets past the forged one

  copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[1]!, 'genesis.json'));
  const joining = await startNode({ ...base(1), peers: [src.p2pAddress!], onError: (e) => logs.push(e.message) });
  nodes.push(joining);
  const end = Date.now() + 30_000;
  while (!logs.some((l) => /refused a block/.test(l))) {
    if (Date.now() > end) throw new Error(`no refusal; at block ${joining.chain.head.num}; log: ${logs.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.match(
    logs.find((l) => /refused a block/.test(l))!,
    /unsatisfied_authorization: block \d+: transaction [0-9a-f]{64}: transaction declares authority/,
  );
  assert.equal(
    { num: joining.chain.head.num, id: bytesToHex(joining.chain.head.id), digest: bytesToHex(joining.chain.state.digest()) },
    lastHonest,
    'the joining node stopped at the last honest block, with its state',
  );
  assert.ok(
    joining.chain.recovery.hits >= made,
    `${joining.chain.recovery.hits} of the ${made} honest transactions' keys came from the pool`,
  );
});

test.run();
