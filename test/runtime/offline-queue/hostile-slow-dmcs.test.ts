// A hostile DMCS that holds every push (answering just before the request deadline, or never)
// delays only its own entries: the flush pushes each DMCS's entries on their own, so another app's
// entry on another DMCS goes out while the hostile one still holds its push. Before, one flush went
// through every entry in turn, oldest first: with a push held 9.9 s, 61 entries of the hostile
// DMCS's app made the victim's transaction (10 minutes to live) expire unsent
// (repro: /tmp/audit-queue/repro-slow-dmcs.mjs: the victim's entry was sent 50.5 s into the flush
// behind ten pushes held 5 s, now 0.2 s). Real loopback HTTP, real files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpBackend } from '../../../runtime/dispatch/index.js';
import { OfflineQueue } from '../../../runtime/offline-queue/index.js';
import { FakeChain, TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';
import { signedTransfer } from '../../fixtures/test-transactions.js';

const root = mkdtempSync(join(tmpdir(), 'peeros-slow-dmcs-'));
let n = 0;
const tx = () => signedTransfer(TEST_CHAIN_ID, { n: ++n });

/** Bounds the test, not a timing assertion: the hostile DMCS lets go after this at the latest. */
const SAFETY_RELEASE_MS = 3000;

test.after(() => rmSync(root, { recursive: true, force: true }));

test("a DMCS holding its pushes does not hold back another DMCS's entries", async () => {
  const held: ServerResponse[] = [];
  let safety: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(safety);
    for (const res of held.splice(0)) res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
  };
  const evil = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      held.push(res);
      safety ??= setTimeout(release, SAFETY_RELEASE_MS);
    });
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  const good = await new FakeChain().start();
  let victimWhileHeld: boolean | undefined;
  good.onExecuted = () => {
    victimWhileHeld = held.length > 0;
    release();
    return 'reply';
  };
  const backends = {
    evil: new HttpBackend(`http://127.0.0.1:${(evil.address() as AddressInfo).port}`, { timeoutMs: 10_000 }),
    good: new HttpBackend(good.url, { timeoutMs: 10_000 }),
  };
  const q = await OfflineQueue.open({ home: mkdtempSync(join(root, 'h-')), onWarning: () => {} });
  try {
    // the hostile DMCS's app queued first: oldest entries are pushed first
    for (let i = 0; i < 3; i++) await q.enqueue(tx(), { app: 'flood', dmcs: 'evil' });
    await new Promise((r) => setTimeout(r, 5)); // a later createdAt for the victim
    const victim = await q.enqueue(tx(), { app: 'dpay', dmcs: 'good' });
    const report = await q.flush((e) => backends[e.dmcs as 'evil' | 'good']);
    assert.ok(report.sent.includes(victim.id) || report.done.includes(victim.id), JSON.stringify(report));
    assert.is(victimWhileHeld, true, "the victim's push went out while the hostile DMCS held its own");
    assert.ok(report.unreachable, 'the hostile DMCS is reported unreachable');
    for (const e of q.list().filter((x) => x.app === 'flood')) assert.is(e.status, 'pending', 'its entries wait, kept');
  } finally {
    release();
    await q.close();
    await Promise.all(Object.values(backends).map((b) => b.close()));
    await good.stop();
    evil.closeAllConnections();
    await new Promise((r) => evil.close(r));
  }
});

test.run();
