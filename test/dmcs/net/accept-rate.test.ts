// Connection churn from one address: a client opens connection after connection and closes each
// at once. Before, every one was taken in as a peer (a link, a HELLO written, a timer, the close
// handled): about 340 us of the node's CPU each, and from loopback it can open thousands a second.
// Now each address gets ACCEPT_BURST_PER_ADDRESS connections at once and
// MAX_ACCEPTS_PER_ADDRESS_PER_SECOND after; past it a connection is closed as it is accepted, with
// no HELLO, and the refusals are logged within LOG_LINES_PER_KIND. Another address (an honest node
// dialling in meanwhile) is not held back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { ACCEPT_BURST_PER_ADDRESS, MAX_ACCEPTS_PER_ADDRESS_PER_SECOND } from '../../../dmcs/net/peer-limits.js';
import { removeDir, tempDir } from '../helpers.js';

const CHURN = 400;
const dirs = [tempDir('accept-a'), tempDir('accept-b')];
const nodes: EmbeddedNode[] = [];
test.after(async () => {
  for (const n of nodes.reverse()) await n.close();
  for (const d of dirs) removeDir(d);
});

/** Connects from 127.0.0.2 and waits for the node's first bytes (its HELLO) or its close: whether it greeted. */
function churnOnce(p2p: string): Promise<boolean> {
  const [host, port] = p2p.split(':');
  return new Promise((resolve) => {
    const s = connect({ port: Number(port), host: host!, localAddress: '127.0.0.2' });
    s.once('data', () => {
      s.destroy();
      resolve(true);
    });
    s.once('close', () => resolve(false));
    s.on('error', () => {});
  });
}

test(`${CHURN} connections from one address in a burst: past its accept rate they are closed unanswered, and another address still gets in`, async () => {
  const base = { dev: true, autoProduce: false, snapshotEvery: 0, recoveryWorkers: 0 } as const;
  const logs: string[] = [];
  const node = await startNode({ ...base, dataDir: dirs[0]!, p2pListen: '127.0.0.1:0', onError: (e) => logs.push(e.message) });
  nodes.push(node);

  const started = performance.now();
  let greeted = 0;
  for (let i = 0; i < CHURN; i += 8) {
    const answers = await Promise.all(Array.from({ length: 8 }, () => churnOnce(node.p2pAddress!)));
    greeted += answers.filter(Boolean).length;
  }
  const seconds = (performance.now() - started) / 1000;
  const allowed = ACCEPT_BURST_PER_ADDRESS + MAX_ACCEPTS_PER_ADDRESS_PER_SECOND * (seconds + 0.5);
  console.log(`    ${CHURN} connections in ${seconds.toFixed(2)} s: ${greeted} taken in as peers, allowed ${Math.round(allowed)}`);
  assert.ok(greeted <= allowed, `${greeted} of ${CHURN} taken in as peers, allowed ${Math.round(allowed)}`);
  assert.ok(greeted >= ACCEPT_BURST_PER_ADDRESS, `${greeted}: the burst is taken in`);
  const refusal = /refused, more than \d+ connections a second from its address \(MAX_ACCEPTS_PER_ADDRESS_PER_SECOND\)/;
  assert.ok(logs.some((l) => refusal.test(l)));
  assert.ok(logs.filter((l) => refusal.test(l)).length <= 20, 'logged within LOG_LINES_PER_KIND');

  // an honest node dialling from 127.0.0.1 meanwhile connects at once
  copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[1]!, 'genesis.json'));
  const honest = await startNode({ ...base, dataDir: dirs[1]!, peers: [node.p2pAddress!], onError: () => {} });
  nodes.push(honest);
  for (const end = Date.now() + 5000; honest.connectedPeers === 0 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
  assert.is(honest.connectedPeers, 1, 'the honest node is connected');
  // and the churning address gets its rate back once it stops
  await new Promise((r) => setTimeout(r, 1000 / MAX_ACCEPTS_PER_ADDRESS_PER_SECOND + 200));
  assert.ok(await churnOnce(node.p2pAddress!), 'a connection after a pause is taken in');
});

test.run();
