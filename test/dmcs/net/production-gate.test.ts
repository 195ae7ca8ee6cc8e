// A producer that restarts behind the network must not sign its next slot on its stale head (it
// would fork the chain; Leap keeps production off until the node is caught up). Here one producer's
// data folder is copied while it is behind (Q, holding the same key), the original (P) goes on
// without it, and Q starts while P is unreachable: its slot timer must make no block of its own
// until P is back and Q has taken every block P made. Then the gate's rules on their own, and a
// node whose peers never answer producing alone after the wait. Bounded: every wait has a limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync } from 'node:fs';
import { createServer } from 'node:net';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { PRODUCE_ALONE_AFTER_MS, PRODUCE_BEHIND_AFTER_MS, ProductionGate } from '../../../dmcs/net/production-gate.js';
import { removeDir, tempDir } from '../helpers.js';

const dirP = tempDir('gate-p');
const dirQ = tempDir('gate-q');
const dirLone = tempDir('gate-lone');
const open: EmbeddedNode[] = [];
test.after(async () => {
  for (const n of open) await n.close().catch(() => {});
  for (const d of [dirP, dirQ, dirLone]) removeDir(d);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
async function startP(port: number): Promise<EmbeddedNode> {
  // P has no peers to dial: it opens its gate at once (alone), as a lone network's node does
  const n = await startNode({
    dev: true,
    dataDir: dirP,
    p2pListen: `127.0.0.1:${port}`,
    snapshotEvery: 0,
    productionGateLimits: { aloneMs: 0, behindMs: 0 },
    onError: () => {},
  });
  open.push(n);
  return n;
}
async function stop(n: EmbeddedNode): Promise<void> {
  await n.close();
  open.splice(open.indexOf(n), 1);
}

test('a restarted producer behind its peer makes no block until it has every block the peer made', async () => {
  const port = await freePort();
  let p = await startP(port);
  await until('P makes its first blocks', () => p.chain.head.num >= 3);
  await stop(p);
  cpSync(dirP, dirQ, { recursive: true }); // Q: the same producer, left behind here
  p = await startP(port);
  const h1 = p.chain.head.num;
  await until('P goes on without Q', () => p.chain.head.num >= h1 + 3);
  await stop(p);

  const logs: string[] = [];
  const q = await startNode({
    dev: true,
    dataDir: dirQ,
    peers: [`127.0.0.1:${port}`],
    snapshotEvery: 0,
    productionGateLimits: { aloneMs: 60_000, behindMs: 60_000 },
    onError: (e) => logs.push(e.message),
  });
  open.push(q);
  assert.is(q.chain.head.num, h1, 'Q starts behind, at the head it was copied at');
  await sleep(1300); // two slots and more, every one of them Q's producer's
  assert.is(q.chain.head.num, h1, 'Q signed no block on its stale head while its peer was unreachable');
  assert.is(q.productionStartedBy, null);

  p = await startP(port);
  const h2 = p.chain.head.num;
  assert.ok(h2 > h1 + 2);
  await until('Q opens its gate', () => q.productionStartedBy !== null);
  assert.is(q.productionStartedBy, 'synced');
  assert.ok(q.chain.head.num >= h2, `Q at ${q.chain.head.num} when it started producing, P was at ${h2}`);
  for (let n = h1 + 1; n <= h2; n++) {
    const [mine, theirs] = [await q.chain.getBlock(n), await p.chain.getBlock(n)];
    assert.equal(mine?.id, theirs?.id, `block ${n}: Q holds P's block, not one of its own`);
  }
  assert.equal(
    logs.filter((m) => m.includes('producing')),
    [],
    'no "producing anyway" warning',
  );
});

test('a node whose peers never answer produces alone after the wait, and says so', async () => {
  const lone = await startNode({ dev: true, dataDir: dirLone, p2pListen: '127.0.0.1:0', snapshotEvery: 0, onError: () => {} });
  open.push(lone);
  await until('a first block', () => lone.chain.head.num >= 2);
  await stop(lone);
  const dead = await freePort(); // nobody listens there
  const logs: string[] = [];
  const again = await startNode({
    dev: true,
    dataDir: dirLone,
    peers: [`127.0.0.1:${dead}`],
    snapshotEvery: 0,
    productionGateLimits: { aloneMs: 700, behindMs: 60_000 },
    onError: (e) => logs.push(e.message),
  });
  open.push(again);
  const h = again.chain.head.num;
  await until('it produces alone', () => again.chain.head.num > h);
  assert.is(again.productionStartedBy, 'alone');
  assert.ok(
    logs.some((m) => m.includes('producing from head') && m.includes('alone')),
    logs.join('\n'),
  );
});

test('the gate: a new chain (no peer to dial) and a caught-up node open it at once, a peer ahead keeps it shut until the limit, and it stays open', () => {
  const limits = { aloneMs: 100, behindMs: 1000 };
  assert.equal(new ProductionGate(0, false, limits).check(1, [], 0), { open: true, openedNow: 'genesis' });
  assert.equal(new ProductionGate(0, false, limits).check(1, [50], 0), { open: false, openedNow: null }, 'a new node joining a chain');
  assert.equal(new ProductionGate(0, false, limits).check(40, [40, 12], 0), { open: true, openedNow: 'synced' });

  const behind = new ProductionGate(0, false, limits);
  assert.equal(behind.check(40, [41], 500), { open: false, openedNow: null }, 'a peer one block ahead');
  assert.equal(behind.check(40, [], 50), { open: false, openedNow: null }, 'no peer yet, inside the wait');
  assert.equal(behind.check(40, [41], 1000), { open: true, openedNow: 'timeout' });
  assert.equal(behind.check(40, [900], 1001), { open: true, openedNow: null }, 'stays open');
  assert.is(behind.openedBy, 'timeout');

  const dialling = new ProductionGate(0, true, limits);
  assert.equal(dialling.check(1, [], 50), { open: false, openedNow: null }, 'a node with peers to dial waits for them even at genesis');
  assert.equal(dialling.check(1, [1], 60), { open: true, openedNow: 'synced' });

  const alone = new ProductionGate(0, false, limits);
  assert.equal(alone.check(40, [], 99), { open: false, openedNow: null });
  assert.equal(alone.check(40, [], 100), { open: true, openedNow: 'alone' });
});

test('without limits given, the gate waits PRODUCE_ALONE_AFTER_MS for a first peer and PRODUCE_BEHIND_AFTER_MS behind one', () => {
  assert.ok(
    PRODUCE_ALONE_AFTER_MS >= 1000 && PRODUCE_ALONE_AFTER_MS <= 10_000,
    'long enough for a peer on a LAN to answer, short enough to start a network',
  );
  assert.ok(PRODUCE_BEHIND_AFTER_MS > PRODUCE_ALONE_AFTER_MS);
  const alone = new ProductionGate(1_000, false);
  assert.is(alone.check(40, [], 1_000 + PRODUCE_ALONE_AFTER_MS - 1).open, false);
  assert.equal(alone.check(40, [], 1_000 + PRODUCE_ALONE_AFTER_MS), { open: true, openedNow: 'alone' });
  const behind = new ProductionGate(1_000, true);
  assert.is(behind.check(40, [41], 1_000 + PRODUCE_BEHIND_AFTER_MS - 1).open, false);
  assert.equal(behind.check(40, [41], 1_000 + PRODUCE_BEHIND_AFTER_MS), { open: true, openedNow: 'timeout' });
});

test.run();
