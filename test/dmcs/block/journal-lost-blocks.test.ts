// After a kill -9 the block log can lack blocks the journal's records name: blocks sealed, their
// transactions acknowledged, and lost before they were synced. The restart re-applies those
// transactions into lower block numbers than their records name. The journal must then name the
// blocks they are in now, or every later start carries them again: as "already in a block", or,
// once expired, written aside as "no longer apply" on each start.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { startNode } from '../../../dmcs/index.js';
import { tempDir, removeDir, startDevNode, restartCarrying, newAccountAction, testKey } from '../helpers.js';

const key = String(testKey('lost-blocks').toPublic());
const asideFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('accepted.failed-'));

async function startAgain(dir: string): Promise<{ recovered: unknown; notes: string[]; close: () => Promise<void> }> {
  const notes: string[] = [];
  const node = await startNode({ dev: true, dataDir: dir, autoProduce: false, onError: (e) => notes.push(e.message) });
  return { recovered: node.recovered, notes, close: () => node.close() };
}

test('transactions re-applied below the blocks their records name are carried once, not on every later start', async () => {
  const dn = await startDevNode(tempDir('lost-blocks'));
  await dn.node.produceBlock();
  const { node, headBefore, notes } = await restartCarrying(
    dn,
    [[newAccountAction('lostone', key)], [newAccountAction('losttwo', key)]],
    5,
  );
  try {
    assert.equal(node.recovered, { carried: 2, reapplied: 2, alreadyInBlock: 0, failed: 0 }, notes.join(' | '));
    assert.is(node.chain.head.num, headBefore + 1, 'both land in the first block after the head, 5 below what their records name');
  } finally {
    await node.close();
  }
  for (let i = 0; i < 2; i++) {
    const again = await startAgain(dn.dir);
    await again.close();
    assert.is(again.recovered, null, `start ${i + 2} carries nothing: ${again.notes.join(' | ')}`);
  }
  removeDir(dn.dir);
});

test('a carried transaction that no longer applies is written aside once, not again on every start', async () => {
  const dn = await startDevNode(tempDir('lost-blocks'));
  await dn.node.produceBlock();
  // newaccount of a name that exists: it fails when re-applied (as an expired one would)
  const { node, notes } = await restartCarrying(dn, [[newAccountAction('eosio', key)], [newAccountAction('lostthree', key)]], 3);
  try {
    assert.equal(node.recovered, { carried: 2, reapplied: 1, alreadyInBlock: 0, failed: 1 }, notes.join(' | '));
    assert.is(asideFiles(dn.dir).length, 1);
  } finally {
    await node.close();
  }
  const again = await startAgain(dn.dir);
  await again.close();
  assert.is(again.recovered, null, again.notes.join(' | '));
  assert.is(asideFiles(dn.dir).length, 1, 'written aside once');
  removeDir(dn.dir);
});

test.run();
