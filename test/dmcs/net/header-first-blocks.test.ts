// A hostile peer sends, again and again, a block the node already has (any block is public: a
// peer relays it, get_raw_block serves it), or one that builds on no block the node knows, under
// its unsolicited block rate: no limit drops it (neither is refused). Each copy was decoded whole,
// every transaction of it, before the chain said 'known' or 'unlinkable': one peer sending a
// 50-transaction block 900 times a second took 40% of the node's thread, eight of them 84% (event
// loop p99 1.1 s). Now the header alone answers both. Measured here: how many copies reach the
// chain's block checks (each of which is reached only by a block decoded whole).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { APIClient } from '@wharfkit/antelope';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { encodeBlock } from '../../../dmcs/block.js';
import { encodeMessage, MessageReader } from '../../../dmcs/net/relay-message.js';
import { DEV_KEY, newAccountAction, removeDir, tempDir, transact } from '../helpers.js';

const COPIES = 500;
const dirs = [tempDir('known-a'), tempDir('known-b')];
const nodes: EmbeddedNode[] = [];
let attacker: Socket | null = null;
/** The node sent the attacker a REQUEST: it handled a block it could not link. */
let asked = false;
test.after(async () => {
  attacker?.destroy();
  for (const n of nodes.reverse()) await n.close();
  for (const d of dirs) removeDir(d);
});

const until = async (ok: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
  return ok();
};

test(`${COPIES} copies of a block the node has, and ${COPIES} of one it cannot link, are not decoded whole`, async () => {
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
  const unlinkable = block.slice();
  unlinkable.set(randomBytes(30), 16); // previous: block 4097's (big-endian number first), of nobody's branch
  unlinkable.set([0, 0, 0x10, 0x00], 14);
  for (let i = 0; i < COPIES; i++) frames.push(encodeMessage({ type: 'block', bytes: block }));
  for (let i = 0; i < COPIES; i++) frames.push(encodeMessage({ type: 'block', bytes: unlinkable }));
  attacker = await new Promise<Socket>((resolve) => {
    const s = connect({ port: Number(port), host: host!, localAddress: '127.0.0.2' }, () => resolve(s));
    s.on('error', () => {});
    const reader = new MessageReader();
    s.on('data', (chunk: Buffer) => {
      for (const m of reader.push(chunk)) if (m.type === 'request') asked = true;
    });
  });
  const peersBefore = node.connectedPeers;
  attacker.write(Buffer.concat(frames));
  // the copies are handled in turn; a HELLO after them says when the last one was
  const start = Date.now();
  await until(() => node.connectedPeers > peersBefore && asked);
  await new Promise((r) => setTimeout(r, 500));
  assert.is(reached, 0, `${reached} of ${2 * COPIES} copies decoded whole in ${Date.now() - start} ms`);
  assert.ok(asked, 'the unlinkable copies were handled: the node asked the peer for its branch');
  assert.ok(!attacker.destroyed && !attacker.readableEnded, `the peer was dropped: ${logs.slice(-1)}`);
  assert.is(chain.head.num, 2);
});

test.run();
