// A hostile peer sends, again and again, a block the node already has (any block is public: a
// peer relays it, get_raw_block serves it), under its unsolicited block rate, so no limit drops
// it. Each copy was decoded whole, every transaction of it, before the chain said 'known': one
// peer sending a 50-transaction block 900 times a second took 40% of the node's thread, eight of
// them 84% (event loop p99 1.1 s). Now a block is looked up by its header's id first, and a
// known one goes no further. Measured here: how many copies reach the chain's block checks (each
// of which is reached only by a block decoded whole).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { APIClient } from '@wharfkit/antelope';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { encodeBlock } from '../../../dmcs/block.js';
import { encodeMessage } from '../../../dmcs/net/relay-message.js';
import { DEV_KEY, newAccountAction, removeDir, tempDir, transact } from '../helpers.js';

const COPIES = 500;
const dirs = [tempDir('known-a'), tempDir('known-b')];
const nodes: EmbeddedNode[] = [];
let attacker: Socket | null = null;
test.after(async () => {
  attacker?.destroy();
  for (const n of nodes.reverse()) await n.close();
  for (const d of dirs) removeDir(d);
});

const until = async (ok: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
  return ok();
};

test(`${COPIES} copies of a block the node has are not decoded whole, and the peer stays`, async () => {
  const base = { dev: true, autoProduce: false, snapshotEvery: 0 } as const;
  const logs: string[] = [];
  const node = await startNode({
    ...base,
    dataDir: dirs[0]!,
    p2pListen: '127.0.0.1:0',
    recoveryWorkers: 1,
    onError: (e) => logs.push(e.message),
  });
  nodes.push(node);
  copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[1]!, 'genesis.json'));
  const maker = await startNode({ ...base, dataDir: dirs[1]!, http: '127.0.0.1:0', peers: [node.p2pAddress!], onError: () => {} });
  nodes.push(maker);
  const client = new APIClient({ url: maker.endpoint! });
  for (const name of ['known.a', 'known.b', 'known.c']) await transact(client, [newAccountAction(name, DEV_KEY.toPublic().toString())]);
  await maker.produceBlock();
  const block = encodeBlock(maker.chain.head.block);
  assert.ok(await until(() => node.chain.head.num === 2), 'the node has the block from its honest peer');

  // every block decoded whole reaches one of these
  const chain = node.chain;
  let reached = 0;
  const accept = chain.acceptBlock.bind(chain);
  const prime = chain.primeHeader.bind(chain);
  chain.acceptBlock = (b) => {
    reached++;
    return accept(b);
  };
  chain.primeHeader = (b) => {
    reached++;
    return prime(b);
  };
  const [host, port] = node.p2pAddress!.split(':');
  const frames = [encodeMessage({ type: 'hello', chainId: chain.chainId, headNum: 2, libNum: 1 })];
  for (let i = 0; i < COPIES; i++) frames.push(encodeMessage({ type: 'block', bytes: block }));
  attacker = await new Promise<Socket>((resolve) => {
    const s = connect({ port: Number(port), host: host!, localAddress: '127.0.0.2' }, () => resolve(s));
    s.on('error', () => {});
    s.resume();
  });
  const peersBefore = node.connectedPeers;
  attacker.write(Buffer.concat(frames));
  // the copies are handled in turn; a HELLO after them says when the last one was
  const start = Date.now();
  await until(() => node.connectedPeers > peersBefore);
  await new Promise((r) => setTimeout(r, 500));
  assert.is(reached, 0, `${reached} of ${COPIES} copies decoded whole in ${Date.now() - start} ms`);
  assert.ok(!attacker.destroyed && !attacker.readableEnded, `the peer was dropped: ${logs.slice(-1)}`);
  assert.is(chain.head.num, 2);
});

test.run();
