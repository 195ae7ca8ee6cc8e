// Leap's block header state (incremental merkle of block ids, schedules, LIB counters) is kept in
// snapshots: a node restarted from a snapshot, with a four-producer schedule active, goes on making
// blocks that the independent oracle verifies and that a full replay agrees with.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APIClient } from '@wharfkit/antelope';
import { bytesToHex } from '../../../abi/antelope/index.js';
import { encodeBlock } from '../../../dmcs/block.js';
import { DEV_PUBLIC_KEY, startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { removeDir, tempDir } from '../helpers.js';
import { verifyChain } from './leap-oracle.js';
import { createProducerAccounts, deployGovernor, proposeProducers } from '../schedule.js';

const dir = tempDir('snapshot-hs');
const producers = ['proda', 'prodb', 'prodc', 'prodd'];
const open = (snapshotEvery: number) =>
  startNode({ dev: true, dataDir: dir, producers, autoProduce: false, snapshotEvery, recoveryWorkers: 0, http: '127.0.0.1:0' });

test.after(() => removeDir(dir));

async function allBlocks(node: EmbeddedNode): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let n = 1; n <= node.chain.head.num; n++) out.push(encodeBlock((await node.chain.getBlock(n))!.block));
  return out;
}

test('restart from a snapshot keeps the merkle of block ids, the schedule and the LIB', async () => {
  let node = await open(10);
  const client = new APIClient({ url: node.endpoint! });
  const signing = new Map(node.producers.map((p) => [p.name, p.key]));
  await createProducerAccounts(client, producers, (n) => signing.get(n)!);
  await deployGovernor(client);
  await proposeProducers(client, node.producers);
  for (let i = 0; i < 70; i++) await node.produceBlock();
  assert.is(node.chain.head.state.activeSchedule.version, 1);
  const before = { lib: node.chain.lastIrreversibleBlockNum, merkle: JSON.stringify(node.chain.head.state.blockrootMerkle) };
  await node.close();

  node = await open(10);
  assert.ok(node.chain.startedFromSnapshot > 0, 'started from the snapshot');
  assert.is(node.chain.lastIrreversibleBlockNum, before.lib);
  assert.is(JSON.stringify(node.chain.head.state.blockrootMerkle), before.merkle);
  for (let i = 0; i < 30; i++) await node.produceBlock();
  const head = {
    id: bytesToHex(node.chain.head.id),
    lib: node.chain.lastIrreversibleBlockNum,
    digest: bytesToHex(node.chain.state.digest()),
  };
  verifyChain(await allBlocks(node), DEV_PUBLIC_KEY);
  await node.close();

  // a full replay (no snapshot) re-verifies every block and reaches the same head state
  node = await open(0);
  try {
    assert.is(node.chain.startedFromSnapshot, 0);
    assert.equal(
      { id: bytesToHex(node.chain.head.id), lib: node.chain.lastIrreversibleBlockNum, digest: bytesToHex(node.chain.state.digest()) },
      head,
    );
  } finally {
    await node.close();
  }
});

test.run();
