// A producing node with peers runs on the wall clock: at each 500 ms slot boundary it produces the
// block of that slot when the slot is its producer's (here eosio's, every slot), and only then;
// a peer receives each block over the relay. Bounded: about 2 s of slots.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlockTimestamp } from '../../../abi/antelope/index.js';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { removeDir, tempDir } from '../helpers.js';

const dirs = [tempDir('p2p-timer'), tempDir('p2p-timer')];
const nodes: EmbeddedNode[] = [];
test.after(async () => {
  for (const n of nodes) await n.close();
  for (const d of dirs) removeDir(d);
});

test('the slot timer produces one block per slot at the slot time, and the peer follows', async () => {
  const producer = await startNode({ dev: true, dataDir: dirs[0]!, p2pListen: '127.0.0.1:0', snapshotEvery: 0, onError: () => {} });
  nodes.push(producer);
  copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[1]!, 'genesis.json'));
  const peer = await startNode({
    dev: true,
    dataDir: dirs[1]!,
    peers: [producer.p2pAddress!],
    autoProduce: false,
    snapshotEvery: 0,
    onError: () => {},
  });
  nodes.push(peer);
  const start = producer.chain.head.num;
  await new Promise((r) => setTimeout(r, 2200));
  const made = producer.chain.head.num - start;
  assert.ok(made >= 2 && made <= 6, `${made} blocks in 2.2 s of 500 ms slots`);
  const nowSlot = BlockTimestamp.fromMilliseconds(Date.now()).slot;
  assert.ok(Math.abs(producer.chain.head.timestamp - nowSlot) <= 2, 'blocks carry the current slot, not future ones');
  for (let n = start + 2; n <= producer.chain.head.num; n++) {
    const b = (await producer.chain.getBlock(n))!.block;
    const prev = (await producer.chain.getBlock(n - 1))!.block;
    assert.is(b.timestamp, prev.timestamp + 1, `block ${n} is in the slot after block ${n - 1}`);
  }
  const t0 = performance.now();
  while (peer.chain.head.num < producer.chain.head.num - 1 && performance.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
  assert.ok(peer.chain.head.num >= producer.chain.head.num - 1, `peer at ${peer.chain.head.num}, producer at ${producer.chain.head.num}`);
});

test.run();
