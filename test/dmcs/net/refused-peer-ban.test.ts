// A hostile peer sends blocks whose producer signature is forged; each costs the node a header
// verification (a key recovery) before it is refused, and after MAX_REFUSED_BLOCKS the peer is
// dropped. Before REFUSED_PEER_BAN_MS it simply reconnected for as many more: 8 reconnecting loops
// had a node verify 3,400 forged blocks a second (63% of its thread). Now the dropped peer's address
// is refused at accept until the ban ends, other addresses are served meanwhile, and a peer this
// node dials that is dropped so is redialled only then. The attacker dials from 127.0.0.2 (all of
// 127/8 is loopback), so the honest peers on 127.0.0.1 are another address.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { decodeBlock, encodeBlock } from '../../../dmcs/block.js';
import { encodeMessage, type RelayMessage } from '../../../dmcs/net/relay-message.js';
import { MAX_REFUSED_BLOCKS } from '../../../dmcs/net/peer-limits.js';
import { removeDir, tempDir } from '../helpers.js';

const BAN_MS = 3000;
const dirs = [tempDir('ban-a'), tempDir('ban-b')];
const logs: string[] = [];
let node: EmbeddedNode;
let hostile: Server;
/** The forged block once made; the hostile peer the node dials sends it on every connection. */
let attack: Buffer | null = null;
/** The inbound attacker's HELLO and forged blocks. */
let attackIn: Buffer | null = null;
/** When the node dialled the hostile peer since the forged blocks exist. */
const dialled: number[] = [];
let verified = 0;

test.before(async () => {
  // a peer this node dials: sends HELLO and forged blocks on each connection (once they exist)
  hostile = createServer((s) => {
    s.on('error', () => {});
    s.resume();
    if (!attack) return void s.destroy();
    dialled.push(Date.now());
    s.write(attack);
  });
  await new Promise<void>((r) => hostile.listen(0, '127.0.0.3', () => r()));
  const port = (hostile.address() as { port: number }).port;
  const base = { dev: true, autoProduce: false, snapshotEvery: 0 } as const;
  node = await startNode({
    ...base,
    dataDir: dirs[0]!,
    p2pListen: '127.0.0.1:0',
    peers: [`127.0.0.3:${port}`],
    peerLimits: { refusedPeerBanMs: BAN_MS },
    onError: (e) => logs.push(e.message),
  });
  copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[1]!, 'genesis.json'));
  const maker = await startNode({ ...base, dataDir: dirs[1]!, recoveryWorkers: 0, onError: () => {} });
  await maker.produceBlock();
  const forged = encodeBlock(maker.chain.head.block);
  await maker.close();
  // two forgeries (header: 116 bytes for an empty one ‖ signature type ‖ r, s): the hostile peer
  // the node dials sends another one than the inbound attacker, whose verifications are counted
  const forgedOut = forged.slice();
  forged[116 + 1 + 10]! ^= 0xff;
  forgedOut[116 + 1 + 11]! ^= 0xff;
  const counted = String(decodeBlock(forged).producerSignature);
  const chain = node.chain;
  const validateHeader = chain.validateHeader.bind(chain);
  chain.validateHeader = (prev, block) => {
    if (String(block.producerSignature) === counted) verified++;
    return validateHeader(prev, block);
  };
  const frames = (bytes: Uint8Array) => {
    const hello: RelayMessage = { type: 'hello', chainId: chain.chainId, headNum: 1, libNum: 0 };
    const block: RelayMessage = { type: 'block', bytes };
    return Buffer.concat([hello, ...Array.from({ length: MAX_REFUSED_BLOCKS + 4 }, () => block)].map((m) => encodeMessage(m)));
  };
  attackIn = frames(forged);
  attack = frames(forgedOut);
});
test.after(async () => {
  await node?.close();
  await new Promise((r) => hostile.close(r));
  for (const d of dirs) removeDir(d);
});

/**
 * Connects to the node's relay from `localAddress` and sends `payload`; resolves once the node
 * closes it (or after `holdMs`), with whether the node greeted it (its HELLO: it was let in).
 */
function visit(localAddress: string, payload: Buffer | null, holdMs = 2000): Promise<boolean> {
  const [host, port] = node.p2pAddress!.split(':');
  return new Promise((resolve) => {
    let greeted = false;
    const s: Socket = connect({ port: Number(port), host: host!, localAddress }, () => {
      if (payload) s.write(payload);
    });
    s.on('data', () => {
      greeted = true;
    });
    s.on('error', () => {});
    const t = setTimeout(() => s.destroy(), holdMs);
    s.on('close', () => {
      clearTimeout(t);
      resolve(greeted);
    });
  });
}

test('a peer dropped for forged blocks cannot come back for more until its ban ends', async () => {
  const before = verified;
  let visits = 0;
  let admitted = 0;
  for (const until = Date.now() + 1500; Date.now() < until; visits++) if (await visit('127.0.0.2', attackIn)) admitted++;
  const cost = verified - before;
  assert.ok(visits > 5, `${visits} connections`);
  assert.is(admitted, 1, `${admitted} of ${visits} connections let in`);
  assert.ok(cost <= MAX_REFUSED_BLOCKS + 1, `${cost} headers verified over ${visits} connections`);
  assert.ok(
    logs.some((l) => /127\.0\.0\.2 kept away for 3000 ms \(REFUSED_PEER_BAN_MS\)/.test(l)),
    logs.slice(-3).join(' | '),
  );
  assert.is(node.chain.head.num, 1, 'nothing applied');

  assert.ok(await visit('127.0.0.1', null, 300), 'another address is let in meanwhile');

  await new Promise((r) => setTimeout(r, BAN_MS));
  assert.ok(await visit('127.0.0.2', null, 300), 'let in again once the ban ended');
});

test('a peer this node dials, dropped for forged blocks, is redialled only once its ban ends', async () => {
  // the node dials the hostile peer from its start (redialled every REDIAL_MS, 300 ms, while it sent
  // nothing); each connection since the forged blocks exist gets it dropped and kept away
  for (let i = 0; i < 200 && dialled.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(dialled.length >= 2, `${dialled.length} connections`);
  const gaps = dialled.slice(1).map((t, i) => t - dialled[i]!);
  assert.ok(
    gaps.every((g) => g >= BAN_MS - 100),
    `redialled after ${gaps.join(', ')} ms`,
  );
});

test.run();
