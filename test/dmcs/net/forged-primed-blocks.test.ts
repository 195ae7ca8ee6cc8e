// A hostile peer floods a node that recovers keys ahead (a worker pool) with copies of a block whose
// producer signature is forged, on top of the node's head, one transaction in it. Verifying such a
// header costs a key recovery. The node verifies each header as the block is queued (to recover
// its transactions' keys ahead), so a refused header counts against MAX_REFUSED_BLOCKS at once:
// the peer is dropped after that many recoveries. Before, the refusals were counted only as the
// blocks were handled, one at a time, so every block of a burst (up to the unsolicited block rate,
// 1,000) cost a recovery on the node's thread before the peer was dropped; with reconnects, a
// cheap way to keep the node's thread busy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { APIClient } from '@wharfkit/antelope';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { encodeBlock } from '../../../dmcs/block.js';
import { encodeMessage, type RelayMessage } from '../../../dmcs/net/relay-message.js';
import { MAX_REFUSED_BLOCKS } from '../../../dmcs/net/peer-limits.js';
import { DEV_KEY, newAccountAction, removeDir, tempDir, transact } from '../helpers.js';

const dirs = [tempDir('forged-primed-a'), tempDir('forged-primed-b')];
const nodes: EmbeddedNode[] = [];
const logs: string[] = [];
test.after(async () => {
  for (const n of nodes) await n.close();
  for (const d of dirs) removeDir(d);
});

const COPIES = 400;

test(`a burst of forged blocks costs at most MAX_REFUSED_BLOCKS (${MAX_REFUSED_BLOCKS}) header verifications before the peer is dropped`, async () => {
  const base = { dev: true, autoProduce: false, snapshotEvery: 0 } as const;
  const node = await startNode({ ...base, dataDir: dirs[0]!, p2pListen: '127.0.0.1:0', onError: (e) => logs.push(e.message) });
  nodes.push(node);
  copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[1]!, 'genesis.json'));
  const maker = await startNode({ ...base, dataDir: dirs[1]!, http: '127.0.0.1:0', onError: () => {} });
  nodes.push(maker);
  await transact(new APIClient({ url: maker.endpoint! }), [newAccountAction('someone', DEV_KEY.toPublic().toString())]);
  await maker.produceBlock();
  assert.is(maker.chain.head.num, 2);
  assert.is(maker.chain.head.block.transactions.length, 1);
  const forged = encodeBlock(maker.chain.head.block);
  forged[116 + 1 + 10]! ^= 0xff; // header (116 bytes) ‖ signature type ‖ r, s

  const chain = node.chain;
  const validateHeader = chain.validateHeader.bind(chain);
  let verified = 0;
  chain.validateHeader = (prev, block) => {
    verified++;
    return validateHeader(prev, block);
  };
  const [host, port] = node.p2pAddress!.split(':');
  const s = await new Promise<Socket>((resolve) => {
    const c = connect(Number(port), host!, () => resolve(c));
    c.on('error', () => {});
    c.resume();
  });
  const closed = new Promise<void>((r) => s.once('close', () => r()));
  const hello: RelayMessage = { type: 'hello', chainId: chain.chainId, headNum: 1, libNum: 0 };
  const block: RelayMessage = { type: 'block', bytes: forged };
  s.write(Buffer.concat([hello, ...Array.from({ length: COPIES }, () => block)].map((m) => encodeMessage(m))));
  await closed;
  await new Promise((r) => setTimeout(r, 200)); // what was queued before the drop is handled
  assert.ok(
    logs.some((l) => /blocks refused by verification \(MAX_REFUSED_BLOCKS\); disconnecting/.test(l)),
    logs.join(' | '),
  );
  assert.ok(verified <= MAX_REFUSED_BLOCKS + 1, `${verified} headers verified for ${COPIES} forged copies`);
  assert.is(chain.head.num, 1, 'nothing applied');
});

test.run();
