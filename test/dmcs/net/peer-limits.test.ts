// A hostile peer against a node's block relay, written as an attacker would: raw TCP, the public
// chain id, frames built by hand. Each abuse gets the peer disconnected with its reason logged
// (the limits of dmcs/net/peer-limits.ts and the frame cap of relay-message.ts), and the node goes
// on working for honest peers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Action, AbiSerializer, EOSIO_ABI, PrivateKey } from '../../../abi/antelope/index.js';
import { DEV_PRIVATE_KEY, startNode, type EmbeddedNode, type NodeOptions } from '../../../dmcs/index.js';
import { makeTrx, signed } from '../../../bench/dmcs.js';
import { encodeBlock } from '../../../dmcs/block.js';
import { encodeMessage, MAX_FRAME_BYTES, MessageReader, type RelayMessage } from '../../../dmcs/net/relay-message.js';
import {
  MAX_INBOUND_PEERS,
  MAX_REFUSED_BLOCKS,
  MAX_REQUESTS_PER_SECOND,
  MAX_TRX_PER_SECOND,
  MAX_UNSOLICITED_BLOCKS_PER_SECOND,
  RateLimit,
} from '../../../dmcs/net/peer-limits.js';
import { BLOCKS_PER_REQUEST, CATCHUP_WINDOW } from '../../../dmcs/net/block-relay.js';
import { removeDir, tempDir } from '../helpers.js';

const dirs = [tempDir('limits-a'), tempDir('limits-b'), tempDir('limits-c')];
const logs: string[] = [];
let node: EmbeddedNode;
const others: EmbeddedNode[] = [];
const sockets: Socket[] = [];

test.after(async () => {
  for (const s of sockets) s.destroy();
  await node?.close();
  for (const n of others) await n.close();
  for (const d of dirs) removeDir(d);
});

/** Connects to the node's relay (from `localAddress`, another loopback address, when given); resolves once connected. */
function dial(localAddress?: string): Promise<Socket> {
  const [host, port] = node.p2pAddress!.split(':');
  return new Promise((resolve, reject) => {
    const s = connect({ port: Number(port), host: host!, ...(localAddress ? { localAddress } : {}) });
    sockets.push(s);
    s.on('error', () => {});
    s.resume(); // reads (and drops) what the node sends, so its FIN is seen
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

const closed = (s: Socket, timeoutMs = 60_000) =>
  new Promise<void>((resolve, reject) => {
    if (s.destroyed || s.readableEnded) return resolve();
    const t = setTimeout(
      () =>
        reject(
          new Error(
            `the node did not disconnect the peer (${s.destroyed} ${s.readableEnded} ${s.writableLength}); ${logs.slice(-2).join(' | ')}`,
          ),
        ),
      timeoutMs,
    );
    s.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });

const hello = (): RelayMessage => ({ type: 'hello', chainId: node.chain.chainId, headNum: 1, libNum: 0 });
const frames = (ms: RelayMessage[]) => Buffer.concat(ms.map((m) => encodeMessage(m)));

/** Waits for a log line matching `re` (bounded). */
async function logged(re: RegExp, timeoutMs = 60_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const line = logs.find((l) => re.test(l));
    if (line) return line;
    if (Date.now() > until) throw new Error(`no log line ${re}; last: ${logs.slice(-3).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A node of its own with some limits lowered (`NodeOptions.peerLimits`), its log in `logs`. */
async function lowered(tag: string, peerLimits: NodeOptions['peerLimits']): Promise<EmbeddedNode> {
  const d = tempDir(tag);
  dirs.push(d);
  const n = await startNode({
    dev: true,
    dataDir: d,
    p2pListen: '127.0.0.1:0',
    autoProduce: false,
    snapshotEvery: 0,
    recoveryWorkers: 0,
    ...(peerLimits ? { peerLimits } : {}),
    onError: (e) => logs.push(e.message),
  });
  others.push(n);
  return n;
}

/** A raw TCP peer of `n`; reading and dropping what it is sent unless `read` is false. */
function rawPeer(n: EmbeddedNode, read = true): Promise<Socket> {
  const [host, port] = n.p2pAddress!.split(':');
  return new Promise<Socket>((resolve) => {
    const s = connect(Number(port), host!, () => resolve(s));
    sockets.push(s);
    s.on('error', () => {});
    if (read) s.resume();
  });
}

test('start: a node with a relay, and a block it does not have', async () => {
  node = await startNode({
    dev: true,
    dataDir: dirs[0]!,
    p2pListen: '127.0.0.1:0',
    autoProduce: false,
    snapshotEvery: 0,
    recoveryWorkers: 0,
    // every test here dials it from 127.0.0.1, past ACCEPT_BURST_PER_ADDRESS in all (accept-rate.test.ts tests that limit)
    peerLimits: { acceptBurst: 1000 },
    onError: (e) => logs.push(e.message),
  });
  assert.is(node.chain.head.num, 1);
});

test('an oversize frame: disconnected before the body is read', async () => {
  const s = await dial();
  const head = Buffer.alloc(5);
  head.writeUInt32LE(MAX_FRAME_BYTES + 1, 0);
  s.write(head);
  await closed(s);
  assert.match(await logged(/frame of \d+ bytes/), /disconnecting/);
});

test('a block before HELLO: disconnected', async () => {
  const s = await dial();
  s.write(frames([{ type: 'block', bytes: encodeBlock((await node.chain.getBlock(1))!.block) }]));
  await closed(s);
  await logged(/BLOCK before HELLO; disconnecting/);
});

test('a flood of unrequested blocks: disconnected past the rate', async () => {
  const s = await dial();
  const block1 = encodeBlock((await node.chain.getBlock(1))!.block);
  // block 1 does not link (it is the root): each one asks for the peer's branch, which grants up to
  // CATCHUP_WINDOW * BLOCKS_PER_REQUEST blocks of credit at most; the rest refills while the flood is
  // read (slowly, on a loaded machine): the flood goes on, burst after burst, until the node hangs up
  const burst = frames(
    Array.from(
      { length: MAX_UNSOLICITED_BLOCKS_PER_SECOND + CATCHUP_WINDOW * BLOCKS_PER_REQUEST },
      () => ({ type: 'block', bytes: block1 }) as RelayMessage,
    ),
  );
  const hungUp = closed(s);
  let done = false;
  hungUp.then(
    () => (done = true),
    () => (done = true),
  );
  s.write(frames([hello()]));
  for (let bursts = 0; !done && bursts < 30; bursts++) {
    // the next burst once the last one is taken by the kernel (or the node has hung up)
    if (!s.write(burst)) await Promise.race([new Promise((r) => s.once('drain', r)), hungUp]);
  }
  await hungUp;
  await logged(/unrequested blocks a second \(MAX_UNSOLICITED_BLOCKS_PER_SECOND\); disconnecting/);
});

test('forged blocks: disconnected after MAX_REFUSED_BLOCKS refusals, nothing applied', async () => {
  // a real block 2 made on the same chain by another node, its signature then tampered with
  copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[1]!, 'genesis.json'));
  const maker = await startNode({
    dev: true,
    dataDir: dirs[1]!,
    autoProduce: false,
    snapshotEvery: 0,
    recoveryWorkers: 0,
    onError: () => {},
  });
  others.push(maker);
  await maker.produceBlock();
  const forged = encodeBlock(maker.chain.head.block);
  forged[116 + 1 + 10]! ^= 0xff; // header (116 bytes for an empty one) ‖ signature type ‖ r, s
  const s = await dial('127.0.0.2'); // its address is then kept away (REFUSED_PEER_BAN_MS): not the one the next tests dial from
  s.write(frames([hello(), ...Array.from({ length: MAX_REFUSED_BLOCKS + 4 }, () => ({ type: 'block', bytes: forged }) as RelayMessage)]));
  await closed(s);
  await logged(/blocks refused by verification \(MAX_REFUSED_BLOCKS\); disconnecting/);
  assert.ok(logs.filter((l) => l.startsWith('refused a block')).length >= MAX_REFUSED_BLOCKS);
  assert.is(node.chain.head.num, 1, 'nothing applied');
});

test('a flood of transactions, of requests and of HELLOs: disconnected past each rate', async () => {
  const s = await dial();
  const junk = new TextEncoder().encode('{"not":"a transaction"}');
  s.write(frames([hello(), ...Array.from({ length: 3 * MAX_TRX_PER_SECOND }, () => ({ type: 'trx', bytes: junk }) as RelayMessage)]));
  await closed(s);
  await logged(/transactions a second \(MAX_TRX_PER_SECOND\); disconnecting/);

  const r = await dial();
  r.write(
    frames([hello(), ...Array.from({ length: 5 * MAX_REQUESTS_PER_SECOND }, () => ({ type: 'request', fromNum: 1 }) as RelayMessage)]),
  );
  await closed(r);
  await logged(/requests a second \(MAX_REQUESTS_PER_SECOND\); disconnecting/);

  const h = await dial();
  h.write(frames(Array.from({ length: 5 * MAX_REQUESTS_PER_SECOND }, () => hello())));
  await closed(h);
  await logged(/HELLOs a second \(MAX_REQUESTS_PER_SECOND\); disconnecting/);
});

test('inbound connections past MAX_INBOUND_PEERS are refused at accept', async () => {
  const held: Socket[] = [];
  for (let i = 0; i < MAX_INBOUND_PEERS; i++) held.push(await dial());
  const extra = await dial();
  await closed(extra);
  await logged(/already 64 inbound peers \(MAX_INBOUND_PEERS\)/);
  for (const h of held) h.destroy();
});

test('the node still serves honest peers: a peer joins and follows its blocks', async () => {
  copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[2]!, 'genesis.json'));
  const peer = await startNode({
    dev: true,
    dataDir: dirs[2]!,
    peers: [node.p2pAddress!],
    autoProduce: false,
    snapshotEvery: 0,
    recoveryWorkers: 0,
    onError: () => {},
  });
  others.push(peer);
  const made = await node.produceBlock();
  const until = Date.now() + 60_000;
  while (peer.chain.head.num < made.num) {
    if (Date.now() > until) throw new Error(`the honest peer is at ${peer.chain.head.num}, the node at ${made.num}`);
    await new Promise((r) => setTimeout(r, 10));
  }
});

test('with lowered limits: a peer silent past the HELLO timeout, and one with too many messages waiting, are dropped', async () => {
  // a HELLO timeout long enough that the busy peer's frames (sent on connect) are read before it
  // fires even when a loaded machine stalls the node's event loop
  const low = await lowered('limits-low', { helloTimeoutMs: 3000, queuedMessages: 3 });
  const open = () => rawPeer(low);
  const silent = await open();
  await closed(silent);
  await logged(/no HELLO within 3000 ms \(HELLO_TIMEOUT_MS\); disconnecting/);
  // messages of one read are queued before any is handled: the fourth is one too many
  const busy = await open();
  busy.write(
    frames([
      { type: 'hello', chainId: low.chain.chainId, headNum: 1, libNum: 0 },
      ...Array.from({ length: 5 }, () => ({ type: 'request', fromNum: 1 }) as RelayMessage),
    ]),
  );
  await closed(busy);
  await logged(/more than 3 messages waiting \(MAX_QUEUED_MESSAGES\); disconnecting/);
});

test('with a lowered queued-byte cap: a message larger than what may wait has its peer dropped', async () => {
  const cap = 64 * 1024;
  const low = await lowered('limits-bytes', { queuedBytes: cap });
  const big = await rawPeer(low);
  // one frame: the pause past half the cap cannot hold it back, the cap itself must
  big.write(
    frames([
      { type: 'hello', chainId: low.chain.chainId, headNum: 1, libNum: 0 },
      { type: 'trx', bytes: new Uint8Array(cap + 1) },
    ]),
  );
  await closed(big);
  await logged(new RegExp(`more than ${cap} bytes waiting \\(MAX_QUEUED_BYTES\\); disconnecting`));
  // an honest peer still connects
  const next = await rawPeer(low);
  next.write(frames([{ type: 'hello', chainId: low.chain.chainId, headNum: 1, libNum: 0 }]));
  await new Promise((r) => setTimeout(r, 200));
  assert.not.ok(next.destroyed || next.readableEnded);
  next.destroy();
});

test('with a lowered unread cap: a peer that reads none of the transactions and blocks broadcast to it is dropped', async () => {
  const cap = 4096;
  const low = await lowered('limits-unread', { unreadBytes: cap });
  const deaf = await rawPeer(low, false);
  deaf.write(frames([{ type: 'hello', chainId: low.chain.chainId, headNum: 1, libNum: 0 }]));
  const reader = await rawPeer(low); // reads all it is sent
  reader.write(frames([{ type: 'hello', chainId: low.chain.chainId, headNum: 1, libNum: 0 }]));
  await new Promise((r) => setTimeout(r, 100));
  // each transaction, then its block, goes to both: 400 KB a push (an ABI of random bytes); past the
  // sockets' kernel buffers (a few MB on loopback), what the deaf one leaves unread piles up
  const eosio = new AbiSerializer(EOSIO_ABI);
  const dev = PrivateKey.from(DEV_PRIVATE_KEY);
  for (let i = 0; i < 40 && !logs.some((l) => /sent and not read \(MAX_UNREAD_BYTES\)/.test(l)); i++) {
    const abi = Buffer.from(randomBytes(200_000)).toString('hex');
    const data = eosio.encodeAction('setabi', { account: 'eosio', abi });
    const action = Action.from({ account: 'eosio', name: 'setabi', authorization: [{ actor: 'eosio', permission: 'active' }], data });
    low.pushPacked(signed(low, makeTrx(low, [action], i), (k, d) => k.sign(d), dev));
    await low.produceBlock();
  }
  await logged(new RegExp(`more than ${cap} bytes sent and not read \\(MAX_UNREAD_BYTES\\)`));
  deaf.resume(); // reads now, to see the end the node wrote
  await closed(deaf);
  assert.not.ok(reader.destroyed || reader.readableEnded, 'the peer that reads stays');
  assert.is(low.connectedPeers, 1);
  reader.destroy();
});

/** A node with a serving budget of `budget` bytes a second lowered, and 20 blocks: more bytes (`chainBytes`) than a second's budget. */
async function servingNode(tag: string, limits: NodeOptions['peerLimits'], budget: number) {
  const low = await lowered(tag, limits);
  for (let i = 0; i < 20; i++) await low.produceBlock();
  let chainBytes = 0;
  for (let n = 1; n <= low.chain.head.num; n++) chainBytes += encodeBlock((await low.chain.getBlock(n))!.block).length;
  assert.ok(chainBytes > budget, `${chainBytes} bytes a request`);
  return { low, chainBytes };
}

test('with a lowered serving budget: catch-up requests are answered paced, not refused', async () => {
  const budget = 2000;
  const { low, chainBytes } = await servingNode('limits-serve', { servedBytesPerSecond: budget }, budget);
  const peer = await rawPeer(low, false);
  // the time of each HELLO that ends an answer (the first HELLO is the node's greeting)
  const reader = new MessageReader();
  const hellos: number[] = [];
  let blocks = 0;
  peer.on('data', (c: Buffer) => {
    for (const m of reader.push(c)) {
      if (m.type === 'hello') hellos.push(performance.now());
      if (m.type === 'block') blocks++;
    }
  });
  const t0 = performance.now();
  peer.write(
    frames([
      { type: 'hello', chainId: low.chain.chainId, headNum: 1, libNum: 0 },
      ...Array.from({ length: 3 }, () => ({ type: 'request', fromNum: 1 }) as RelayMessage),
    ]),
  );
  const until = Date.now() + 30_000;
  while (hellos.length < 4) {
    if (Date.now() > until) throw new Error(`${hellos.length - 1} answers; ${logs.slice(-2).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.is(blocks, 3 * low.chain.head.num, 'every request answered in full');
  assert.not.ok(peer.destroyed, 'the peer is not dropped');
  // the first answer comes out of the burst; each later one waits for what the one before cost
  // seconds before the third answer, at least: the second waits for (C - B) / B, the third for C / B
  const owed = (2 * chainBytes - budget) / budget;
  assert.ok(
    (hellos[3]! - t0) / 1000 >= owed * 0.9,
    `third answer after ${((hellos[3]! - t0) / 1000).toFixed(2)} s, owed ${owed.toFixed(2)} s`,
  );
  peer.destroy();
});

test('with a lowered node-wide serving budget: three peers catching up at once are paced together, none refused', async () => {
  const budget = 2000;
  const { low, chainBytes } = await servingNode('limits-serve-node', { nodeServedBytesPerSecond: budget }, budget);
  const peers = await Promise.all([0, 1, 2].map(() => rawPeer(low, false)));
  // when each answer ends (the HELLO after it; the first HELLO is the node's greeting), and its blocks
  const done: number[] = [];
  let blocks = 0;
  for (const p of peers) {
    const reader = new MessageReader();
    let hellos = 0;
    p.on('data', (c: Buffer) => {
      for (const m of reader.push(c)) {
        if (m.type === 'hello' && ++hellos === 2) done.push(performance.now());
        if (m.type === 'block') blocks++;
      }
    });
  }
  const t0 = performance.now();
  for (const p of peers)
    p.write(
      frames([
        { type: 'hello', chainId: low.chain.chainId, headNum: 1, libNum: 0 },
        { type: 'request', fromNum: 1 },
      ]),
    );
  const until = Date.now() + 30_000;
  while (done.length < 3) {
    if (Date.now() > until) throw new Error(`${done.length} answers; ${logs.slice(-2).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.is(blocks, 3 * low.chain.head.num, 'every request answered in full');
  for (const p of peers) assert.not.ok(p.destroyed, 'no peer dropped');
  // each peer's own budget (MAX_SERVED_BYTES_PER_SECOND) would let all three answers out at once;
  // the node's lets one second's worth out, then the rest as it refills
  const owed = (3 * chainBytes - budget) / budget;
  const last = (Math.max(...done) - t0) / 1000;
  assert.ok(last >= owed * 0.9, `last answer after ${last.toFixed(2)} s, owed ${owed.toFixed(2)} s`);
  for (const p of peers) p.destroy();
});

test('with a lowered node-wide transaction budget: three peers flooding together have the excess dropped, not themselves', async () => {
  const budget = 50;
  const low = await lowered('limits-trx', { nodeTrxPerSecond: budget });
  const each = 200; // under each peer's own rate (MAX_TRX_PER_SECOND), over the node's together
  const junk = new TextEncoder().encode('{"signatures":["SIG_K1_x"],"compression":0,"packed_trx":"00"}');
  const peers = await Promise.all([0, 1, 2].map(() => rawPeer(low)));
  const t0 = performance.now();
  for (const p of peers)
    p.write(
      frames([
        { type: 'hello', chainId: low.chain.chainId, headNum: 1, libNum: 0 },
        ...Array.from({ length: each }, () => ({ type: 'trx', bytes: junk }) as RelayMessage),
      ]),
    );
  const until = Date.now() + 20_000;
  // every transaction is either handled (and refused: junk) or dropped past the budget
  while (low.droppedPeerTransactions < 3 * each - budget - Math.ceil(((performance.now() - t0) / 1000 + 1) * budget)) {
    if (Date.now() > until) throw new Error(`${low.droppedPeerTransactions} dropped; ${logs.slice(-2).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 200));
  for (const p of peers) assert.not.ok(p.destroyed || p.readableEnded, 'no peer dropped for it');
  assert.ok(low.connectedPeers >= 3);
  for (const p of peers) p.destroy();
});

test('RateLimit: a bucket of perSecond tokens, refilled continuously', () => {
  const r = new RateLimit(10, 0);
  for (let i = 0; i < 10; i++) assert.ok(r.take(0));
  assert.not.ok(r.take(0), 'empty');
  assert.ok(r.take(100), 'one token back after 100 ms');
  assert.not.ok(r.take(100));
  for (let i = 0; i < 10; i++) assert.ok(r.take(10_000));
  assert.not.ok(r.take(10_000), 'never more than perSecond at once');
  // serving: spent after, into debt; the wait is until the debt is paid
  const b = new RateLimit(1000, 0);
  assert.is(b.waitMs(0), 0);
  b.spend(2500, 0);
  assert.is(b.waitMs(0), 1500, 'owes 1500 bytes at 1000 a second');
  assert.is(b.waitMs(1000), 500);
  assert.is(b.waitMs(1500), 0);
});

test.run();
