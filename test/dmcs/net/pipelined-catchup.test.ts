// Pipelined catch-up over the block relay (dmcs/net/block-relay.ts): a node behind keeps
// CATCHUP_WINDOW requests in flight to a peer, applies the pieces in order as they come, and paces
// its own requests under the rate the peer allows (it is never dropped as a request flood, even by
// a peer with a very low MAX_REQUESTS_PER_SECOND). A peer that puts a bad block in the middle of a
// window gets it refused, and nothing after it is applied. The peer here is written by hand (raw
// TCP, frames built with relay-message.ts) and serves the real blocks of another node's chain.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { startNode, type EmbeddedNode, type NodeOptions } from '../../../dmcs/index.js';
import { encodeBlock } from '../../../dmcs/block.js';
import { encodeMessage, MessageReader, type RelayMessage } from '../../../dmcs/net/relay-message.js';
import { BLOCKS_PER_REQUEST, CATCHUP_WINDOW } from '../../../dmcs/net/block-relay.js';
import { removeDir, tempDir } from '../helpers.js';

const dirs = [tempDir('pipe-src'), tempDir('pipe-victim'), tempDir('pipe-slow')];
const nodes: EmbeddedNode[] = [];
const sockets: Socket[] = [];
const logs: string[][] = [[], [], []];

test.after(async () => {
  for (const s of sockets) s.destroy();
  for (const n of nodes) await n.close().catch(() => {});
  for (const d of dirs) removeDir(d);
});

async function until(cond: () => boolean, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const start = async (i: number, extra: Partial<NodeOptions> = {}) => {
  if (i > 0) copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[i]!, 'genesis.json'));
  const n = await startNode({
    dev: true,
    dataDir: dirs[i]!,
    autoProduce: false,
    snapshotEvery: 0,
    recoveryWorkers: 0,
    onError: (e) => logs[i]!.push(e.message),
    ...extra,
  });
  nodes.push(n);
  return n;
};

/** Blocks past what one window asks for, so the window is full and more pieces follow. */
const CHAIN_BLOCKS = CATCHUP_WINDOW * BLOCKS_PER_REQUEST + 100;
let src: EmbeddedNode;

test('a source chain longer than one window', async () => {
  src = await start(0);
  for (let i = 1; i < CHAIN_BLOCKS; i++) await src.produceBlock();
  assert.is(src.chain.head.num, CHAIN_BLOCKS);
});

test('a peer with a bad block in the middle of a window: refused, nothing after it applied', async () => {
  const victim = await start(1, { p2pListen: '127.0.0.1:0' });
  const [host, port] = victim.p2pAddress!.split(':');
  const s = connect(Number(port), host!);
  sockets.push(s);
  s.on('error', () => {});
  await new Promise((r) => s.once('connect', r));
  const reader = new MessageReader();
  const requests: number[] = [];
  s.on('data', (chunk: Buffer) => {
    for (const m of reader.push(new Uint8Array(chunk))) if (m.type === 'request') requests.push(m.fromNum);
  });
  const hello = (): RelayMessage => ({ type: 'hello', chainId: victim.chain.chainId, headNum: CHAIN_BLOCKS, libNum: CHAIN_BLOCKS - 1 });
  s.write(encodeMessage(hello()));

  // the whole window is asked for before any of it is answered
  await until(() => requests.length >= CATCHUP_WINDOW, `${CATCHUP_WINDOW} requests in flight (got ${requests.length})`);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(
    requests,
    Array.from({ length: CATCHUP_WINDOW }, (_, k) => 2 + k * BLOCKS_PER_REQUEST),
    'consecutive pieces, no more than the window',
  );

  // the answers, to every request from now on: the source's real blocks, one of the second piece
  // with its signature altered; a new request from that block means the window was all handled
  const bad = 2 + BLOCKS_PER_REQUEST + 40;
  const answered: number[] = [];
  const answer = async (from: number) => {
    answered.push(from);
    const frames: Uint8Array[] = [];
    for (let n = from; n < from + BLOCKS_PER_REQUEST && n <= CHAIN_BLOCKS; n++) {
      const bytes = encodeBlock((await src.chain.getBlock(n))!.block).slice();
      if (n === bad) bytes[bytes.length - 10]! ^= 0x55; // inside producer_signature (before the two empty lists)
      frames.push(encodeMessage({ type: 'block', bytes }));
    }
    frames.push(encodeMessage(hello()));
    s.write(Buffer.concat(frames));
  };
  for (;;) {
    const next = requests.shift();
    if (next === bad) break;
    if (next !== undefined) await answer(next);
    else await until(() => requests.length > 0, `a request after ${answered.join(',')}`);
  }
  assert.is(victim.chain.head.num, bad - 1, 'applied up to the block before the bad one');
  assert.is(await victim.chain.getBlock(bad), undefined);
  assert.ok(
    logs[1]!.some((l) => /refused a block from/.test(l)),
    `the bad block is refused with its reason: ${logs[1]!.slice(-2).join(' | ')}`,
  );
  assert.not.ok(
    logs[1]!.some((l) => /unlinkable|disconnecting/.test(l)),
    `the rest of the window is dropped quietly: ${logs[1]!.slice(-2).join(' | ')}`,
  );
  s.destroy();
});

test("a node's own catch-up stays under a peer's request rate (a peer allowing only 2 a second)", async () => {
  // both sides allow a peer 2 requests a second: a window of 4 sent at once would be a flood
  const limits = { requestsPerSecond: 2 };
  await nodes[0]!.close();
  nodes.shift();
  src = await start(0, { p2pListen: '127.0.0.1:0', peerLimits: limits });
  assert.is(src.chain.head.num, CHAIN_BLOCKS);
  const slow = await start(2, { peers: [src.p2pAddress!], peerLimits: limits });
  await until(
    () => slow.chain.head.num === CHAIN_BLOCKS,
    () => `caught up (at ${slow.chain.head.num}); ${logs[0]!.slice(-3).join(' | ')} / ${logs[2]!.slice(-3).join(' | ')}`,
    60_000,
  );
  assert.equal(slow.chain.head.id, src.chain.head.id);
  assert.not.ok(
    logs[0]!.some((l) => /MAX_REQUESTS_PER_SECOND/.test(l)),
    `the source never took the catch-up for a flood: ${logs[0]!.join(' | ')}`,
  );
  assert.ok(src.connectedPeers > 0, 'still connected');
});

test.run();
