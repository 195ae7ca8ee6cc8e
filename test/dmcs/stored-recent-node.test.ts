// The duplicate check's ids on a real node with a state store (stored-recent.ts): once their blocks
// are irreversible and a commit after them landed, the ids leave memory and live in the store
// alone; a transaction pushed again is still refused as a duplicate (found in the store), before
// and after a restart, which reloads none of them; a snapshot lists every unexpired id, read from
// the store through its commit's view. Real node, real LMDB store, transactions over HTTP.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APIClient, Serializer } from '@wharfkit/antelope';
import { startNode, type EmbeddedNode } from '../../dmcs/index.js';
import { parseSnapshot } from '../../dmcs/state/state-snapshot.js';
import type { StoredRecent } from '../../dmcs/state/stored-recent.js';
import { buildSigned, newAccountAction, removeDir, tempDir, testKey } from './helpers.js';

const k = testKey('stored-recent-node');
const letters = 'abcdefghijklmnopqrstuvwxyz';

function start(dir: string): Promise<EmbeddedNode> {
  return startNode({ dev: true, dataDir: dir, http: '127.0.0.1:0', autoProduce: false, recoveryWorkers: 0, stateCache: 8 });
}

/** The chain's ids in memory (with a store: those not yet kept by it for good). */
const inMemory = (node: EmbeddedNode) => (node.chain as unknown as { stored: StoredRecent }).stored.inMemory;

const refusedAsDuplicate = (node: EmbeddedNode, p: object) =>
  assert.throws(
    () => node.pushTransaction(p),
    (e: unknown) => (e as { code?: string }).code === 'tx_duplicate',
  );

test('ids leave memory for the store, which still refuses duplicates, across a restart, and a snapshot lists them all', async () => {
  const dir = tempDir('stored-recent-node');
  let node = await start(dir);
  try {
    const client = new APIClient({ url: node.endpoint! });
    const pushed: Array<{ json: object; id: string }> = [];
    for (let b = 0; b < 12; b++) {
      for (let i = 0; i < 3; i++) {
        const n = pushed.length;
        const { packed, trx } = await buildSigned(client, [
          newAccountAction(`srn${letters[Math.floor(n / 26) % 26]}${letters[n % 26]}`, String(k.toPublic())),
        ]);
        const json = Serializer.objectify(packed) as object;
        node.pushTransaction(json);
        pushed.push({ json, id: String(trx.id) });
      }
      await node.produceBlock();
    }
    // blocks become irreversible a little behind the head; once a commit queued after them landed, a
    // block's safe point lets their ids go (those since the last commit wait for the next)
    for (let b = 0; b < 3; b++) {
      await node.chain.state.settle();
      await node.produceBlock();
    }
    assert.ok(inMemory(node) <= 3, `${inMemory(node)} ids in memory of ${pushed.length}`);
    await node.chain.commitState();
    await node.produceBlock();
    assert.is(inMemory(node), 0, 'after one more commit, every id left memory');
    for (const p of [pushed[0]!, pushed[17]!, pushed[35]!]) refusedAsDuplicate(node, p.json);

    const snap = node.chain.takeSnapshot();
    assert.ok(snap, 'a snapshot starts');
    const listed = new Map(parseSnapshot(await snap.bytes()).recent);
    for (const p of pushed) assert.ok(listed.has(p.id), `the snapshot lists ${p.id.slice(0, 8)}`);

    await node.close();
    node = await start(dir);
    assert.is(node.chain.startedFromStore, node.chain.head.num);
    assert.is(inMemory(node), 0, 'a restart reloads no id');
    for (const p of [pushed[0]!, pushed[35]!]) refusedAsDuplicate(node, p.json);
  } finally {
    await node.close();
    removeDir(dir);
  }
});

test.run();
