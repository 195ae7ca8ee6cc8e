// A hostile peer opens every inbound slot of a node's relay from one address, says HELLO on each and
// then nothing: no limit drops it (HELLO came in time, and it breaks no rate). Before, it held
// every slot for as long as it liked, and an honest node dialling in was refused every 300 ms
// (64 slots: refused 10 times in 3 s, no peer). Now a newcomer from another address replaces the
// newest peer of the address holding the most, and the hostile address cannot evict its own.
// The slots are lowered to 8 here; the attacker dials from 127.0.0.2 (all of 127/8 is loopback).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { encodeMessage } from '../../../dmcs/net/relay-message.js';
import { removeDir, tempDir } from '../helpers.js';

const SLOTS = 8;
const dirs = [tempDir('evict-a'), tempDir('evict-b')];
const logs: string[] = [];
const nodes: EmbeddedNode[] = [];
const held: Socket[] = [];
test.after(async () => {
  for (const s of held) s.destroy();
  for (const n of nodes.reverse()) await n.close();
  for (const d of dirs) removeDir(d);
});

const base = { dev: true, autoProduce: false, snapshotEvery: 0, recoveryWorkers: 0 } as const;
const until = async (ok: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
  return ok();
};

test('an honest node gets in past a node whose inbound slots one address holds with silent peers', async () => {
  const node = await startNode({
    ...base,
    dataDir: dirs[0]!,
    p2pListen: '127.0.0.1:0',
    peerLimits: { inboundPeers: SLOTS },
    onError: (e) => logs.push(e.message),
  });
  nodes.push(node);
  const [host, port] = node.p2pAddress!.split(':');
  const hello = encodeMessage({ type: 'hello', chainId: node.chain.chainId, headNum: 1, libNum: 0 });
  const squat = () => {
    const s = connect({ port: Number(port), host: host!, localAddress: '127.0.0.2' }, () => s.write(hello));
    s.on('error', () => {});
    s.resume();
    held.push(s);
    return s;
  };
  for (let i = 0; i < SLOTS; i++) squat();
  assert.ok(await until(() => node.connectedPeers === SLOTS), `${node.connectedPeers} squatters greeted`);

  const extra = squat();
  assert.ok(await until(() => extra.destroyed || extra.readableEnded), 'the same address cannot evict its own');
  assert.ok(logs.some((l) => /refused, already 8 inbound peers \(MAX_INBOUND_PEERS\)/.test(l)));

  copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[1]!, 'genesis.json'));
  const honest = await startNode({ ...base, dataDir: dirs[1]!, peers: [node.p2pAddress!], onError: () => {} });
  nodes.push(honest);
  assert.ok(await until(() => honest.connectedPeers === 1), 'the honest node is let in');
  assert.ok(logs.some((l) => /its address 127\.0\.0\.2 holds the most inbound peers/.test(l)));
  assert.is(held.filter((s) => !s.destroyed && !s.readableEnded).length, SLOTS - 1, 'one squatter evicted');
  assert.is(node.connectedPeers, SLOTS);
});

test.run();
