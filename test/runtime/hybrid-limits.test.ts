// Each named limit of the hybrid layers, hit: request and reply sizes, inflated transaction size,
// log record size, unfinished queue entries, registry file size.
// CHAIN DOUBLE: the chain here is test/fixtures/fake-chain.ts, a scripted HTTP double of the chain API
// (it counts executions itself), not the node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { HttpBackend, DmcsRegistry, type DmcsError, dispatchLimits } from '../../runtime/dispatch/index.js';
import {
  OfflineQueue,
  QueueError,
  inspectSignedTransaction,
  encodeFrame,
  scanLog,
  LOG_MAGIC,
  queueLimits,
} from '../../runtime/offline-queue/index.js';
import { FakeChain, TEST_CHAIN_ID } from '../fixtures/fake-chain.js';
import { signedTransfer } from '../fixtures/test-transactions.js';

const root = mkdtempSync(join(tmpdir(), 'peeros-limits-'));
const chain = new FakeChain();
test.before(async () => {
  await chain.start();
});
test.after(async () => {
  await chain.stop();
  rmSync(root, { recursive: true, force: true });
});

test('MAX_REQUEST_BYTES: an oversize push is refused before it is sent', async () => {
  const b = new HttpBackend(chain.url);
  const before = chain.requests.length;
  const huge = {
    ...signedTransfer(TEST_CHAIN_ID, { n: 1 }),
    packed_context_free_data: '00'.repeat(dispatchLimits.MAX_REQUEST_BYTES / 2 + 1),
  };
  const e = (await b.pushTransaction(huge).catch((x: unknown) => x)) as DmcsError;
  assert.is(e.code, 'BAD_ARGUMENT');
  assert.match(e.message, /the limit is 4194304/);
  assert.is(chain.requests.length, before, 'nothing went out');
});

test('MAX_REPLY_BYTES is the default reply cap', () => {
  assert.is(dispatchLimits.MAX_REPLY_BYTES, 16 * 1024 * 1024);
});

test('MAX_INFLATED_TRX_BYTES: a zlib bomb in a queued body is refused', () => {
  const bomb = deflateSync(Buffer.alloc(queueLimits.MAX_INFLATED_TRX_BYTES + 1));
  const body = { ...signedTransfer(TEST_CHAIN_ID, { n: 2 }), compression: 1, packed_trx: bomb.toString('hex') };
  assert.throws(
    () => inspectSignedTransaction(body),
    (e: unknown) => e instanceof QueueError && /does not inflate with zlib within 1048576 bytes/.test(e.message),
  );
  // A real zlib body inflates and gets the same id as its uncompressed form.
  const plain = signedTransfer(TEST_CHAIN_ID, { n: 3, now: 1_900_000_000_000 });
  const zipped = signedTransfer(TEST_CHAIN_ID, { n: 3, now: 1_900_000_000_000, compression: 'zlib' });
  assert.is(inspectSignedTransaction(zipped).id, inspectSignedTransaction(plain).id);
  assert.is(inspectSignedTransaction(plain).expiration, '2030-03-17T17:56:40Z');
});

test('a push body larger than a DMCS request is refused at enqueue', () => {
  const body = { ...signedTransfer(TEST_CHAIN_ID, { n: 4 }), packed_context_free_data: '00'.repeat(dispatchLimits.MAX_REQUEST_BYTES / 2) };
  assert.throws(
    () => inspectSignedTransaction(body),
    (e: unknown) => e instanceof QueueError && /a DMCS request may carry at most 4194304/.test(e.message),
  );
});

test('MAX_RECORD_BYTES: oversize records are neither written nor read', () => {
  assert.throws(() => encodeFrame({ x: 'y'.repeat(queueLimits.MAX_RECORD_BYTES) }), /queue record is \d+ bytes; the limit is 5242880/);
  const forged = Buffer.alloc(8);
  forged.writeUInt32LE(queueLimits.MAX_RECORD_BYTES + 1, 0);
  const scan = scanLog(Buffer.concat([LOG_MAGIC, encodeFrame({ ok: 1 }), forged]));
  assert.equal(scan.records, [{ ok: 1 }]);
  assert.match(scan.reason!, /frame length 5242881 exceeds 5242880/);
});

test('MAX_LIVE_ENTRIES: a full queue refuses more, by name, until entries finish', async () => {
  assert.is(queueLimits.MAX_LIVE_ENTRIES, 10_000);
  const q = await OfflineQueue.open({ home: mkdtempSync(join(root, 'q-')), maxLiveEntries: 3 });
  for (let i = 0; i < 3; i++) await q.enqueue(signedTransfer(TEST_CHAIN_ID, { n: 10 + i }), { app: 'dpay' });
  const e = (await q.enqueue(signedTransfer(TEST_CHAIN_ID, { n: 20 }), { app: 'dpay' }).catch((x: unknown) => x)) as QueueError;
  assert.is(e.code, 'FULL');
  assert.match(e.message, /holds 3 unfinished transactions/);
  await q.flush(() => new HttpBackend(chain.url));
  await q.enqueue(signedTransfer(TEST_CHAIN_ID, { n: 20 }), { app: 'dpay' });
  await q.close();
});

test('MAX_REGISTRY_FILE_BYTES: an oversize registry file is refused as not ours', async () => {
  const reg = new DmcsRegistry(mkdtempSync(join(root, 'r-')));
  writeFileSync(reg.path, ' '.repeat(dispatchLimits.MAX_REGISTRY_FILE_BYTES + 1));
  const e = (await reg.list().catch((x: unknown) => x)) as DmcsError;
  assert.is(e.code, 'REGISTRY_CORRUPT');
  assert.match(e.message, /larger than 1048576 bytes/);
});

test.run();
