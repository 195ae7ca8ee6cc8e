// An app that queues without end (a session grant lets it sign unattended; its DMCS is down, or a
// hostile one answers every push with something unusable) fills only its own share of the offline
// queue — entries and push-body bytes — and hears APP_FULL (limit-exceeded); every other app's
// push is still kept, and nothing already queued is dropped to make room. Before, one app took all
// 10,000 entries (up to 4 MiB each, all held in memory and in the log) and every other app's push
// while offline was refused FULL (repro: /tmp/audit-queue/repro-queue-flood.mjs).
// Real files and a real loopback socket (a port nobody listens on: UNREACHABLE, so the submitter queues).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpBackend } from '../../../runtime/dispatch/index.js';
import { OfflineQueue, QueueError, TransactionSubmitter, queueLimits } from '../../../runtime/offline-queue/index.js';
import { toBridgeError, BridgeError } from '../../../runtime/host-bridge/bridge-error.js';
import { IsaErrorCode } from '../../../abi/boundary-errors.js';
import { TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';
import { signedTransfer } from '../../fixtures/test-transactions.js';

const root = mkdtempSync(join(tmpdir(), 'peeros-queue-share-'));
let n = 0;
const tx = (dataBytes?: number) => signedTransfer(TEST_CHAIN_ID, { n: ++n, ...(dataBytes ? { dataBytes } : {}) });
const quiet = { onWarning: () => {} };

/** A loopback URL nobody answers: a port taken and released. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
}

test.after(() => rmSync(root, { recursive: true, force: true }));

test('the shares are named limits', () => {
  assert.is(queueLimits.MAX_APP_LIVE_ENTRIES, 1_000);
  assert.is(queueLimits.MAX_APP_LIVE_BYTES, 32 * 1024 * 1024);
  assert.is(queueLimits.MAX_LIVE_BYTES, 256 * 1024 * 1024);
  assert.ok(queueLimits.MAX_APP_LIVE_ENTRIES < queueLimits.MAX_LIVE_ENTRIES);
  assert.ok(queueLimits.MAX_APP_LIVE_BYTES < queueLimits.MAX_LIVE_BYTES);
});

test('an app pushing without end through the submitter fills its share only; another app still queues', async () => {
  const home = mkdtempSync(join(root, 'h-'));
  const q = await OfflineQueue.open({ home, ...quiet, maxLiveEntries: 40, maxAppLiveEntries: 5 });
  const backend = new HttpBackend(await deadUrl(), { timeoutMs: 2000 });
  const submitter = new TransactionSubmitter({ queue: q });
  let kept = 0;
  let refused: unknown;
  for (let i = 0; i < 60 && !refused; i++) {
    try {
      const r = await submitter.submit(tx(), { app: 'flood', dmcs: null, backend });
      assert.is(r.status, 'queued');
      kept++;
    } catch (err) {
      refused = err;
    }
  }
  assert.is(kept, 5, 'the flooding app keeps its share, no more');
  assert.instance(refused, QueueError);
  assert.is((refused as QueueError).code, 'APP_FULL');
  assert.match((refused as QueueError).message, /app "flood" holds 5 unfinished transactions/);
  const asIsa = toBridgeError(refused);
  assert.instance(asIsa, BridgeError);
  assert.is((asIsa as BridgeError).isaCode, IsaErrorCode.LIMIT_EXCEEDED, 'the app hears limit-exceeded');
  // the victim's push is still kept, fsynced before it hears "queued"
  const victim = await submitter.submit(tx(), { app: 'dpay', dmcs: null, backend });
  assert.is(victim.status, 'queued');
  assert.ok(OfflineQueue.snapshot({ home }).some((e) => e.id === victim.transactionId && e.app === 'dpay'));
  assert.is(q.list().filter((e) => e.app === 'flood').length, 5, 'nothing the flooder queued was dropped');
  await backend.close();
  await q.close();
});

test("large bodies: one app's bytes are capped, the log stays within its share, others still fit", async () => {
  const home = mkdtempSync(join(root, 'h-'));
  const share = 256 * 1024;
  const q = await OfflineQueue.open({ home, ...quiet, maxAppLiveBytes: share, maxLiveBytes: 4 * share });
  let kept = 0;
  let refused: unknown;
  for (let i = 0; i < 40 && !refused; i++) {
    await q.enqueue(tx(32 * 1024), { app: 'flood' }).then(
      () => kept++,
      (err: unknown) => {
        refused = err;
      },
    );
  }
  assert.is((refused as QueueError)?.code, 'APP_FULL');
  assert.ok(kept >= 3 && kept <= 4, `kept ${kept} bodies of 64 KiB of hex in a 256 KiB share`);
  assert.ok(statSync(join(home, 'queue', 'queue.log')).size < share + 16 * 1024, 'the log holds about the share');
  await q.enqueue(tx(32 * 1024), { app: 'dpay' });
  await q.close();
  // reopened: the caps hold over what the log replays
  const again = await OfflineQueue.open({ home, ...quiet, maxAppLiveBytes: share, maxLiveBytes: 4 * share });
  const e = (await again.enqueue(tx(32 * 1024), { app: 'flood' }).catch((x: unknown) => x)) as QueueError;
  assert.is(e.code, 'APP_FULL');
  await again.close();
});

test('the whole queue is capped in bytes too (FULL), whichever apps fill it', async () => {
  const home = mkdtempSync(join(root, 'h-'));
  const q = await OfflineQueue.open({ home, ...quiet, maxAppLiveBytes: 200 * 1024, maxLiveBytes: 300 * 1024 });
  let refused: unknown;
  for (let i = 0; i < 40 && !refused; i++) {
    await q.enqueue(tx(32 * 1024), { app: `app${i % 8}` }).catch((err: unknown) => {
      refused = err;
    });
  }
  assert.is((refused as QueueError)?.code, 'FULL');
  assert.match((refused as QueueError).message, /at most \d+ \(307200 bytes\)/);
  await q.close();
});

test.run();
