// A peer earns "request credit" when this node asks it for blocks (a catch-up or fork sync): the
// blocks of an answer are under no unsolicited rate (MAX_UNSOLICITED_BLOCKS_PER_SECOND, and the
// node's MAX_NODE_UNSOLICITED_BLOCKS_PER_SECOND). Before, the credit (256 a request, up to 1024)
// outlived the answer and any block spent it: a peer saying HELLO with a head far ahead had the node
// ask it for blocks, answered each request with a bare HELLO, and flooded copies of a known block on
// the credit, about BUDGET × 10 handled a second past the node's budget. Now the credit ends with
// each answer, and a block spent on it must be the next one asked for (by number); any other is
// charged to the unsolicited rates like an unrequested block.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { encodeBlock } from '../../../dmcs/block.js';
import { encodeMessage, MessageReader } from '../../../dmcs/net/relay-message.js';
import { removeDir, tempDir } from '../helpers.js';

const BUDGET = 300;
/** Copies the attacker sends a second: under its own rate (MAX_UNSOLICITED_BLOCKS_PER_SECOND), past the node's budget. */
const COPIES_PER_SECOND = 900;
const SECONDS = 3;
const dirs = [tempDir('credit-a'), tempDir('credit-b')];
const nodes: EmbeddedNode[] = [];
const sockets: Socket[] = [];
test.after(async () => {
  for (const s of sockets) s.destroy();
  for (const n of nodes.reverse()) await n.close();
  for (const d of dirs) removeDir(d);
});

const until = async (ok: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
  return ok();
};

test('a peer claiming a far head and answering requests with nothing cannot flood on the request credit', async () => {
  const base = { dev: true, autoProduce: false, snapshotEvery: 0, recoveryWorkers: 0 } as const;
  const logs: string[] = [];
  const node = await startNode({
    ...base,
    dataDir: dirs[0]!,
    p2pListen: '127.0.0.1:0',
    peerLimits: { nodeUnsolicitedBlocksPerSecond: BUDGET },
    onError: (e) => logs.push(e.message),
  });
  nodes.push(node);
  // an honest peer whose block is the one the attacker copies (one the node has)
  copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[1]!, 'genesis.json'));
  const honest = await startNode({ ...base, dataDir: dirs[1]!, peers: [node.p2pAddress!], onError: () => {} });
  nodes.push(honest);
  await honest.produceBlock();
  assert.ok(await until(() => node.chain.head.num === 2), 'the node has block 2 from its honest peer');

  const chain = node.chain;
  let handled = 0;
  const linkHeader = chain.linkHeader.bind(chain);
  chain.linkHeader = (header) => {
    handled++;
    return linkHeader(header);
  };

  const [host, port] = node.p2pAddress!.split(':');
  const hello = () => encodeMessage({ type: 'hello', chainId: chain.chainId, headNum: 1_000_000, libNum: 1 });
  let requests = 0;
  const s = connect({ port: Number(port), host: host!, localAddress: '127.0.0.2' }, () => s.write(hello()));
  s.on('error', () => {});
  sockets.push(s);
  const reader = new MessageReader();
  s.on('data', (chunk: Buffer) => {
    for (const m of reader.push(new Uint8Array(chunk))) {
      if (m.type !== 'request') continue;
      requests++;
      s.write(hello()); // "that is all I have": an empty answer, the credit unspent
    }
  });
  assert.ok(await until(() => node.connectedPeers === 2), `${node.connectedPeers} peers`);

  const known = encodeMessage({ type: 'block', bytes: encodeBlock(honest.chain.head.block) });
  const copies = Buffer.concat(Array.from({ length: COPIES_PER_SECOND / 100 }, () => known));
  let sent = 0;
  const started = performance.now();
  const flood = setInterval(() => {
    s.write(copies);
    sent += COPIES_PER_SECOND / 100;
  }, 10);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  clearInterval(flood);
  const seconds = (performance.now() - started) / 1000;
  await until(() => handled + node.droppedPeerBlocks >= sent, 3000);
  const allowed = BUDGET * (seconds + 1.5) + 20;
  console.log(
    `    ${sent} copies sent in ${seconds.toFixed(1)} s, ${requests} requests answered empty: ${handled} handled (${Math.round(handled / seconds)}/s), ${node.droppedPeerBlocks} dropped unread; allowed ${Math.round(allowed)}`,
  );
  assert.ok(handled <= allowed, `${handled} of ${sent} copies handled, allowed ${Math.round(allowed)}`);
  assert.ok(requests > 0, 'the node did ask the attacker for blocks');
});

test.run();
