// A DMCS acknowledges a push in a block its head never reaches (a hostile node, or a stalled one):
// the entry does not stay `sent` forever. A minute past the transaction's expiration it is expired
// and uncertain (the node said it ran, so re-signing needs --force), nothing of it is dropped, and
// the flusher goes idle. Before, it stayed sent for ever and the flusher asked get_info every
// 500 ms for as long as the host ran (repro: /tmp/audit-queue/repro-sent-forever.mjs: a day after
// its expiration, still sent, 10 get_info calls in 5 s; now expired after one, then idle).
// Real loopback HTTP (the scripted chain, producing no block), real files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpBackend } from '../../../runtime/dispatch/index.js';
import { OfflineQueue, type QueueError, queueLimits } from '../../../runtime/offline-queue/index.js';
import { FakeChain, TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';
import { signedTransfer } from '../../fixtures/test-transactions.js';

test('an acknowledgement naming a block the head never reaches ends as expired and uncertain', async () => {
  const home = mkdtempSync(join(tmpdir(), 'peeros-ack-block-'));
  const chain = await new FakeChain().start();
  chain.autoProduce = false; // acknowledges in head + 1, never produced
  let now = Date.now();
  const backend = new HttpBackend(chain.url, { timeoutMs: 5000 });
  const q = await OfflineQueue.open({ home, now: () => now, onWarning: () => {} });
  try {
    const e = await q.enqueue(signedTransfer(TEST_CHAIN_ID, { n: 1, expiresIn: 600 }), { app: 'dpay' });
    const first = await q.flush(() => backend);
    assert.ok(first.sent.includes(e.id), JSON.stringify(first));
    const waiting = await q.flush(() => backend);
    assert.ok(waiting.waiting.includes(e.id), 'waits for its block while it could still land');
    now += 600_000 + queueLimits.ACK_BLOCK_GRACE_MS + 1_000; // past its expiration and the grace
    const late = await q.flush(() => backend);
    assert.ok(late.expired.includes(e.id), JSON.stringify(late));
    const after = q.get(e.id);
    assert.is(after.status, 'expired');
    assert.is(after.uncertain, true, 'the node said it ran: it may have');
    assert.match(after.note!, /had not reached/);
    assert.equal(after.body, e.body, 'the signed body is kept');
    assert.not.ok(
      q.list().some((x) => x.status === 'pending' || x.status === 'sent'),
      'nothing left for the flusher to poll',
    );
    const refused = (await q.resign(e.id, async () => e.body).catch((x: unknown) => x)) as QueueError;
    assert.is(refused.code, 'UNCERTAIN', 're-signing needs --force');
  } finally {
    await q.close();
    await backend.close();
    await chain.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test.run();
