// A producing node with peers runs on the wall clock: at each 500 ms slot boundary it produces the
// block of that slot when the slot is its producer's (here eosio's, every slot), and only then;
// a peer receives each block over the relay. Bounded: three slots (polled, so a loaded machine only takes longer).
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
  const t0 = Date.now();
  // three blocks on the timer alone, however long a loaded machine takes (bounded), never a fixed sleep
  while (producer.chain.head.num - start < 3) {
    if (Date.now() - t0 > 60_000) throw new Error(`${producer.chain.head.num - start} blocks in 60 s of 500 ms slots`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const elapsed = Date.now() - t0;
  const made = producer.chain.head.num - start;
  assert.ok(made <= Math.ceil(elapsed / 500) + 1, `${made} blocks in ${elapsed} ms of 500 ms slots: at most one a slot`);
  const nowSlot = BlockTimestamp.fromMilliseconds(Date.now()).slot;
  assert.ok(producer.chain.head.timestamp <= nowSlot + 1, 'blocks carry the current slot (±1 for rounding), not future ones');
  for (let n = start + 2; n <= producer.chain.head.num; n++) {
    const b = (await producer.chain.getBlock(n))!.block;
    const prev = (await producer.chain.getBlock(n - 1))!.block;
    // the slot after, unless a loaded machine made the timer miss one: never the same slot twice
    assert.ok(b.timestamp > prev.timestamp, `block ${n} is in a slot after block ${n - 1}'s`);
  }
  const tPeer = Date.now();
  while (peer.chain.head.num < producer.chain.head.num - 1 && Date.now() - tPeer < 60_000) await new Promise((r) => setTimeout(r, 10));
  assert.ok(peer.chain.head.num >= producer.chain.head.num - 1, `peer at ${peer.chain.head.num}, producer at ${producer.chain.head.num}`);
});

test.run();
