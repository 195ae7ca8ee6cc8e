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
import { connect, type Socket } from 'node:net';
import type { EmbeddedNode } from '../../../dmcs/index.js';
import { encodeBlock } from '../../../dmcs/block.js';
import { encodeMessage, MessageReader } from '../../../dmcs/net/relay-message.js';
import { removeDir, tempDir } from '../helpers.js';
import { startFloodedNode, until } from './flooded-node.js';

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

test('a peer claiming a far head and answering requests with nothing cannot flood on the request credit', async () => {
  const { node, honest, host, port, handled: handledNow } = await startFloodedNode(BUDGET, [dirs[0]!, dirs[1]!], nodes);
  const hello = () => encodeMessage({ type: 'hello', chainId: node.chain.chainId, headNum: 1_000_000, libNum: 1 });
  let requests = 0;
  const s = connect({ port, host, localAddress: '127.0.0.2' }, () => s.write(hello()));
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
  await until(() => handledNow() + node.droppedPeerBlocks >= sent, 3000);
  const allowed = BUDGET * (seconds + 1.5) + 20;
  console.log(
    `    ${sent} copies sent in ${seconds.toFixed(1)} s, ${requests} requests answered empty: ${handledNow()} handled (${Math.round(handledNow() / seconds)}/s), ${node.droppedPeerBlocks} dropped unread; allowed ${Math.round(allowed)}`,
  );
  assert.ok(handledNow() <= allowed, `${handledNow()} of ${sent} copies handled, allowed ${Math.round(allowed)}`);
  assert.ok(requests > 0, 'the node did ask the attacker for blocks');
});

test.run();
