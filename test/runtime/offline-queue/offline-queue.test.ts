// The offline queue: durable enqueue, flush with acknowledgements, idempotency by transaction id
// (tx_duplicate → done, nothing executed twice), refusals, confirmation in a block, expiry and
// re-signing through a callback, torn and corrupt log records, the lock, and backoff.
// CHAIN DOUBLE: the chain here is test/fixtures/fake-chain.ts, a scripted HTTP double of the chain API
// (it counts executions itself), not the node; real-node counterparts (executed once, counted by the node): test/e2e/offline.test.ts and test/e2e/crash.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, appendFileSync, writeFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpBackend } from '../../../runtime/dispatch/index.js';
import {
  OfflineQueue,
  QueueFlusher,
  Backoff,
  type QueueError,
  TransactionSubmitter,
  createResigner,
  inspectSignedTransaction,
  encodeFrame,
  scanLog,
  LOG_MAGIC,
  type FlushReport,
} from '../../../runtime/offline-queue/index.js';
import { Signature, signingDigest, PackedTransaction } from '../../../abi/antelope/index.js';
import { FakeChain, TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';
import { signedTransfer, testSigner, DEV_KEY } from '../../fixtures/test-transactions.js';

const root = mkdtempSync(join(tmpdir(), 'peeros-queue-'));
process.env.PEEROS_HOME = root;
const chain = new FakeChain();
let backend: HttpBackend;
let n = 0;
const tx = (o: { expiresIn?: number; compression?: 'none' | 'zlib' } = {}) => signedTransfer(TEST_CHAIN_ID, { n: ++n, ...o });
const fresh = () => mkdtempSync(join(root, 'h-'));
const _quiet = { onWarning: () => {} };

test.before(async () => {
  await chain.start();
  backend = new HttpBackend(chain.url, { timeoutMs: 5000 });
});
test.after(async () => {
  await chain.stop();
  rmSync(root, { recursive: true, force: true });
});
test.before.each(() => {
  chain.up();
  chain.autoProduce = true;
  chain.onExecuted = undefined;
  chain.blocksWithoutTransactions = false;
});

test('enqueue is durable before it resolves, and idempotent by transaction id', async () => {
  const home = fresh();
  const q = await OfflineQueue.open({ home });
  const body = tx();
  const e = await q.enqueue(body, { app: 'dpay' });
  assert.is(e.id, inspectSignedTransaction(body).id);
  assert.is(e.status, 'pending');
  assert.is(e.app, 'dpay');
  assert.is(e.attempts, 0);
  // Already in the file, readable by another reader, before anything else happens.
  const onDisk = OfflineQueue.snapshot({ home });
  assert.equal(
    onDisk.map((x) => x.id),
    [e.id],
  );
  const again = await q.enqueue(body, { app: 'dpay' });
  assert.is(again.createdAt, e.createdAt);
  assert.is(q.list().length, 1);
  await q.close();
  const reopened = await OfflineQueue.open({ home });
  assert.equal(
    reopened.list().map((x) => x.id),
    [e.id],
  );
  assert.equal(reopened.list()[0]!.body, e.body);
  await reopened.close();
});

test('bad push bodies are refused with a reason', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  const bad = async (b: unknown) => (await q.enqueue(b as never, { app: 'x' }).catch((e: unknown) => e)) as QueueError;
  assert.match((await bad({})).message, /signatures must be a non-empty list/);
  assert.match((await bad({ ...tx(), packed_trx: 'zz' })).message, /packed_trx must be hex/);
  assert.match((await bad({ ...tx(), compression: 'lz4' })).message, /compression must be/);
  assert.match((await bad({ ...tx(), packed_trx: '0011' })).message, /packed_trx does not decode as a transaction/);
  assert.is((await bad({ ...tx(), compression: 1 })).code, 'BAD_TRANSACTION', 'not zlib data');
  await q.close();
});

test('flush pushes, records the acknowledgement and confirms the block; each id executes once', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await q.enqueue(tx({ compression: i % 2 ? 'zlib' : 'none' }), { app: 'dpay' })).id);
  const r = await q.flush(() => backend);
  assert.equal(r.sent, ids);
  assert.equal(r.done, ids, 'blocks produced at once → confirmed in the same flush');
  assert.is(r.unreachable, false);
  for (const e of q.list()) {
    assert.is(e.status, 'done');
    assert.is(e.attempts, 1);
    assert.is(e.uncertain, false);
    assert.ok(e.ackBlockNum! > 1);
    assert.match(e.note!, /^in block \d+/);
    assert.is(chain.executions.get(e.id), 1);
  }
  const again = await q.flush(() => backend);
  assert.equal([again.sent, again.done, again.waiting], [[], [], []], 'done entries are never re-sent');
  await q.close();
});

test('sent waits for its block: nothing is done before the node shows it', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  chain.autoProduce = false;
  const { id } = await q.enqueue(tx(), { app: 'dpay' });
  const r1 = await q.flush(() => backend);
  assert.equal(r1.sent, [id]);
  assert.equal(r1.waiting, [id]);
  assert.is(q.get(id).status, 'sent');
  chain.produce();
  const r2 = await q.flush(() => backend);
  assert.equal(r2.done, [id]);
  assert.is(q.get(id).status, 'done');
  assert.is(chain.executions.get(id), 1);
  await q.close();
});

test('an acknowledged id missing from its block goes back to pending; the re-push is tx_duplicate → done', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  chain.autoProduce = false;
  const { id } = await q.enqueue(tx(), { app: 'dpay' });
  await q.flush(() => backend);
  chain.produce();
  chain.blockTx.set(chain.head, []); // the block came out without it (a fork, a dropped transaction)
  const r = await q.flush(() => backend);
  assert.equal(r.waiting, [id]);
  assert.is(q.get(id).status, 'pending');
  assert.match(q.get(id).note!, /not found in block/);
  const r2 = await q.flush(() => backend);
  assert.equal(r2.done, [id], 'the node still knows it: tx_duplicate');
  assert.match(q.get(id).note!, /tx_duplicate/);
  assert.is(chain.executions.get(id), 1, 'executed exactly once');
  assert.is(q.get(id).attempts, 2);
  await q.close();
});

test('a node that lists no transactions in get_block: done once its head reaches the block', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  chain.blocksWithoutTransactions = true;
  const { id } = await q.enqueue(tx(), { app: 'dpay' });
  const r = await q.flush(() => backend);
  assert.equal(r.done, [id]);
  await q.close();
});

test('already executed (tx_duplicate) is done and never counted twice', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  const body = tx();
  await backend.pushTransaction(body); // someone else already pushed it
  const { id } = await q.enqueue(body, { app: 'dpay' });
  const r = await q.flush(() => backend);
  assert.equal(r.done, [id]);
  assert.equal(r.sent, []);
  assert.is(chain.executions.get(id), 1);
  await q.close();
});

test('a chain refusal marks the entry failed with the Antelope name; others go on', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  const a = await q.enqueue(tx(), { app: 'dpay' });
  const b = await q.enqueue(tx(), { app: 'dpay' });
  chain.rejectOnce.set(a.id, 'eosio_assert_message_exception');
  const r = await q.flush(() => backend);
  assert.equal(r.failed, [a.id]);
  assert.equal(r.done, [b.id]);
  const e = q.get(a.id);
  assert.is(e.status, 'failed');
  assert.is(e.error!.antelopeName, 'eosio_assert_message_exception');
  assert.is(e.uncertain, false);
  assert.is(chain.executions.has(a.id), false);
  await q.close();
});

test('a finished entry keeps no transaction bytes, in memory, in the log and after reopening', async () => {
  const home = fresh();
  const q = await OfflineQueue.open({ home });
  // what an app whose DMCS refuses what it queued leaves behind: big bodies, finished
  const a = await q.enqueue(signedTransfer(TEST_CHAIN_ID, { n: ++n, dataBytes: 256 * 1024 }), { app: 'dpay' });
  const b = await q.enqueue(signedTransfer(TEST_CHAIN_ID, { n: ++n, dataBytes: 256 * 1024 }), { app: 'dpay' });
  chain.rejectOnce.set(a.id, 'eosio_assert_message_exception');
  const r = await q.flush(() => backend);
  assert.equal(r.failed, [a.id]);
  assert.equal(r.done, [b.id]);
  for (const id of [a.id, b.id]) {
    assert.is(q.get(id).body.packed_trx, '', `${id} in memory`);
    assert.is(q.get(id).body.signatures.length, 1, 'its signatures stay');
  }
  await q.close();
  const again = await OfflineQueue.open({ home });
  assert.is(again.get(a.id).status, 'failed');
  assert.is(again.get(a.id).body.packed_trx, '', 'as the log keeps it');
  await again.close();
});

test('DMCS down: entries stay pending (uncertain), nothing marked sent; flushed when it is back', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  const a = await q.enqueue(tx(), { app: 'dpay' });
  const b = await q.enqueue(tx(), { app: 'dpay' });
  chain.down('bad-gateway');
  const r = await q.flush(() => backend);
  assert.is(r.unreachable, true);
  assert.equal(r.sent, []);
  assert.equal(r.waiting, [a.id, b.id]);
  assert.is(q.get(a.id).status, 'pending');
  assert.is(q.get(a.id).uncertain, true);
  assert.is(q.get(a.id).error!.code, 'UNREACHABLE');
  assert.is(q.get(b.id).attempts, 0, 'stops at the first unreachable push');
  chain.up();
  const r2 = await q.flush(() => backend);
  assert.equal(r2.done, [a.id, b.id]);
  assert.is(q.get(a.id).uncertain, false);
  assert.is(q.get(a.id).error, undefined);
  await q.close();
});

test('a push that executed but whose answer was lost: the retry gets tx_duplicate → done, executed once', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  const { id } = await q.enqueue(tx(), { app: 'dpay' });
  chain.onExecuted = () => 'hold';
  const slow = new HttpBackend(chain.url, { timeoutMs: 200 });
  const r = await q.flush(() => slow);
  assert.is(r.unreachable, true);
  assert.is(q.get(id).status, 'pending', 'no answer → not sent');
  assert.is(q.get(id).uncertain, true);
  chain.onExecuted = undefined;
  const r2 = await q.flush(() => backend);
  assert.equal(r2.done, [id]);
  assert.is(chain.executions.get(id), 1);
  await q.close();
});

test('expired entries are marked, listed, never pushed, and re-signed through the callback', async () => {
  const home = fresh();
  const q = await OfflineQueue.open({ home });
  const old = await q.enqueue(tx({ expiresIn: -10 }), { app: 'dpay' });
  const live = await q.enqueue(tx(), { app: 'dpay' });
  assert.is(OfflineQueue.snapshot({ home }).find((e) => e.id === old.id)!.status, 'expired', 'list shows it expired');
  const r = await q.flush(() => backend);
  assert.equal(r.expired, [old.id]);
  assert.equal(r.done, [live.id]);
  assert.is(chain.executions.has(old.id), false, 'an expired entry is never pushed');
  assert.is(q.get(old.id).status, 'expired');

  testSigner.calls = 0;
  const resign = createResigner({ chainId: TEST_CHAIN_ID, backend, signer: testSigner });
  const renewed = await q.resign(old.id.slice(0, 10), resign);
  assert.is(testSigner.calls, 1);
  assert.is(renewed.status, 'pending');
  assert.is(renewed.replaces, old.id);
  assert.is(q.get(old.id).replacedBy, renewed.id);
  assert.ok(Date.parse(renewed.expiration) > Date.now() + 3000_000, 'a fresh expiration');
  // Same actions, new header, signed by the same key, TaPoS from the node's head block.
  const before = PackedTransaction.from(old.body).getTransaction();
  const after = PackedTransaction.from(renewed.body).getTransaction();
  assert.equal(
    after.actions.map((a) => a.toJSON()),
    before.actions.map((a) => a.toJSON()),
  );
  assert.is(after.ref_block_num, chain.head & 0xffff);
  const digest = signingDigest(TEST_CHAIN_ID, PackedTransaction.from(renewed.body).rawTransaction);
  assert.is(Signature.from(renewed.body.signatures[0]!).recover(digest).toString(), DEV_KEY.toPublic().toString());

  const r2 = await q.flush(() => backend);
  assert.equal(r2.done, [renewed.id]);
  assert.is(chain.executions.get(renewed.id), 1);
  const again = (await q.resign(old.id, resign).catch((e: unknown) => e)) as QueueError;
  assert.is(again.code, 'WRONG_STATUS');
  assert.match(again.message, /already re-signed/);
  const notExpired = (await q.resign(live.id, resign).catch((e: unknown) => e)) as QueueError;
  assert.is(notExpired.code, 'WRONG_STATUS');
  await q.close();
});

test('the node saying expired_tx_exception marks the entry expired', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  const { id } = await q.enqueue(tx({ expiresIn: 20 }), { app: 'dpay' });
  chain.now = () => Date.now() + 60_000; // the node's clock is ahead
  try {
    const r = await q.flush(() => backend);
    assert.equal(r.expired, [id]);
    assert.is(q.get(id).error!.antelopeName, 'expired_tx_exception');
  } finally {
    chain.now = Date.now;
  }
  await q.close();
});

test('an expired entry that may have executed is not re-signed without force', async () => {
  let now = Date.now();
  const q = await OfflineQueue.open({ home: fresh(), now: () => now });
  const { id } = await q.enqueue(tx({ expiresIn: 30 }), { app: 'dpay' });
  chain.down('reset');
  await q.flush(() => backend);
  chain.up();
  now += 60_000;
  const resign = createResigner({ chainId: TEST_CHAIN_ID, backend, signer: testSigner, now: () => now });
  const e = (await q.resign(id, resign).catch((x: unknown) => x)) as QueueError;
  assert.is(e.code, 'UNCERTAIN');
  assert.match(e.message, /may have executed/);
  const renewed = await q.resign(id, resign, { force: true });
  assert.is(renewed.replaces, id);
  await q.close();
});

test('a torn last record (crash mid-append) is dropped, kept aside; earlier records survive', async () => {
  const home = fresh();
  const q = await OfflineQueue.open({ home });
  const a = await q.enqueue(tx(), { app: 'dpay' });
  const b = await q.enqueue(tx(), { app: 'dpay' });
  await q.close();
  const log = join(home, 'queue', 'queue.log');
  const frame = encodeFrame({ t: 'put', e: { ...a, id: 'c'.repeat(64) } });
  appendFileSync(log, frame.subarray(0, frame.length - 7)); // the crash cut the write short
  const warnings: string[] = [];
  const q2 = await OfflineQueue.open({ home, onWarning: (m) => warnings.push(m) });
  assert.equal(
    q2.list().map((e) => e.id),
    [a.id, b.id],
  );
  assert.is(warnings.length, 1);
  assert.match(warnings[0]!, /dropped \d+ bytes.*incomplete frame payload.*2 records kept/);
  const aside = readdirSync(join(home, 'queue')).filter((f) => f.includes('.dropped-'));
  assert.is(aside.length, 1, 'the torn bytes are saved, not destroyed');
  // The log was cut back to whole records, so new appends are readable.
  const c = await q2.enqueue(tx(), { app: 'dpay' });
  await q2.close();
  const q3 = await OfflineQueue.open({ home, onWarning: (m) => warnings.push(m) });
  assert.equal(
    q3.list().map((e) => e.id),
    [a.id, b.id, c.id],
  );
  assert.is(warnings.length, 1, 'clean after the repair');
  await q3.close();
});

test('a record with a bad checksum ends the log there (and is reported)', async () => {
  const home = fresh();
  const q = await OfflineQueue.open({ home });
  const a = await q.enqueue(tx(), { app: 'dpay' });
  await q.enqueue(tx(), { app: 'dpay' });
  await q.close();
  const log = join(home, 'queue', 'queue.log');
  const data = readFileSync(log);
  data[data.length - 5]! ^= 0xff; // flip a byte inside the last record (the log is longer than 5 bytes)
  writeFileSync(log, data);
  const warnings: string[] = [];
  const q2 = await OfflineQueue.open({ home, onWarning: (m) => warnings.push(m) });
  assert.equal(
    q2.list().map((e) => e.id),
    [a.id],
  );
  assert.match(warnings[0]!, /checksum mismatch/);
  await q2.close();
  const scan = scanLog(Buffer.concat([LOG_MAGIC, encodeFrame({ x: 1 }), Buffer.from([1, 2, 3])]));
  assert.equal(scan.records, [{ x: 1 }]);
  assert.is(scan.droppedBytes, 3);
  assert.is(scan.reason, 'incomplete frame header');
});

test('one owner at a time; a lock left by a dead process is taken over', async () => {
  const home = fresh();
  const q = await OfflineQueue.open({ home });
  const e = (await OfflineQueue.open({ home }).catch((x: unknown) => x)) as QueueError;
  assert.is(e.code, 'LOCKED');
  assert.match(e.message, new RegExp(`in use by process ${process.pid}`));
  await q.close();
  writeFileSync(join(home, 'queue', 'queue.lock'), '2147483646\n'); // no such process
  const q2 = await OfflineQueue.open({ home });
  await q2.close();
  const closed = (await q2.enqueue(tx(), { app: 'x' }).catch((x: unknown) => x)) as QueueError;
  assert.is(closed.code, 'CLOSED');
});

test('compaction keeps the log short and every live entry', async () => {
  const home = fresh();
  const q = await OfflineQueue.open({ home });
  const ids: string[] = [];
  for (let i = 0; i < 100; i++) ids.push((await q.enqueue(tx(), { app: 'dpay' })).id);
  await q.flush(() => backend); // 100 entries × 3 records (attempt, sent, done) + 100 → compacts
  const size = statSync(join(home, 'queue', 'queue.log')).size;
  await q.close();
  const q2 = await OfflineQueue.open({ home });
  assert.is(q2.list().length, 100);
  assert.ok(q2.list().every((e) => e.status === 'done'));
  assert.ok(size < 100 * 2 * 1200, `log compacted (${size} bytes)`);
  await q2.close();
});

test('a push queued while a flush compacts the log is in the compacted log (not lost by the rewrite)', async () => {
  const home = fresh();
  let now = Date.now();
  const q = await OfflineQueue.open({ home, now: () => now });
  // 150 entries, expired then dropped: 450 records for 150 entries, so the next flush compacts.
  for (let i = 0; i < 150; i++) await q.enqueue(tx({ expiresIn: 30 }), { app: 'dpay' });
  now += 60_000;
  assert.is((await q.dropExpired({ app: 'dpay' })).length, 150);
  // The app's push arrives in the same tick as the flush: its append is still being synced when the
  // flush's compaction reads the entries to keep.
  const flushing = q.flush(() => backend);
  const late = q.enqueue(tx(), { app: 'other' });
  const [, entry] = await Promise.all([flushing, late]);
  assert.is(q.get(entry.id).status, 'pending');
  await q.close();
  const q2 = await OfflineQueue.open({ home });
  assert.ok(
    q2.list().some((e) => e.id === entry.id),
    'the acknowledged enqueue survives a restart',
  );
  await q2.close();
});

test('a refused connection never delivered the push: not uncertain (re-signing stays allowed)', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  const { id } = await q.enqueue(tx(), { app: 'dpay' });
  await chain.stop();
  try {
    const r = await q.flush(() => new HttpBackend(chain.url));
    assert.is(r.unreachable, true);
    assert.match(q.get(id).error!.message, /ECONNREFUSED/);
    assert.is(q.get(id).uncertain, false);
    assert.is(q.get(id).attempts, 1);
  } finally {
    await chain.start();
  }
  await q.close();
});

test('an entry whose DMCS cannot be resolved waits with the reason; the others go on', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  const a = await q.enqueue(tx(), { app: 'dpay', dmcs: 'gone' });
  const b = await q.enqueue(tx(), { app: 'dpay' });
  const r = await q.flush((e) => {
    if (e.dmcs === 'gone') throw new Error("no DMCS named 'gone'");
    return backend;
  });
  assert.equal(r.waiting, [a.id]);
  assert.equal(r.done, [b.id]);
  assert.match(q.get(a.id).error!.message, /no DMCS named 'gone'/);
  assert.is(q.get(a.id).attempts, 0);
  await q.close();
});

test('submit: sent when reachable; queued (fsynced) when not, or when the reply cannot be trusted; a refusal is the answer, not queued', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  const queued: string[] = [];
  const s = new TransactionSubmitter({ queue: q, onQueued: (e) => queued.push(e.id) });
  const ok = await s.submit(tx(), { app: 'dpay', dmcs: null, backend });
  assert.is(ok.status, 'sent');
  assert.is(chain.executions.get(ok.transactionId), 1);
  assert.is(q.list().length, 0);

  chain.down('reset');
  const later = await s.submit(tx(), { app: 'dpay', dmcs: 'local', backend });
  assert.is(later.status, 'queued');
  assert.equal(queued, [later.transactionId]);
  const e = q.get(later.transactionId);
  assert.is(e.dmcs, 'local');
  assert.is(e.uncertain, true, 'a reset connection may have delivered it');
  chain.up();

  // executed, but answered with a body that is not JSON: kept, uncertain, never run twice
  chain.onExecuted = () => 'garble';
  const garbled = await s.submit(tx(), { app: 'dpay', dmcs: 'local', backend });
  chain.onExecuted = undefined;
  assert.is(garbled.status, 'queued');
  assert.is(q.get(garbled.transactionId).uncertain, true);
  assert.is(chain.executions.get(garbled.transactionId), 1);

  const refused = tx();
  chain.rejectOnce.set(inspectSignedTransaction(refused).id, 'unsatisfied_authorization');
  const err = (await s.submit(refused, { app: 'dpay', dmcs: null, backend }).catch((x: unknown) => x)) as { antelopeName?: string };
  assert.is(err.antelopeName, 'unsatisfied_authorization');
  assert.is(q.list().length, 2, 'the refused transaction is not queued');
  const r = await q.flush(() => backend);
  assert.equal(r.done.sort(), [later.transactionId, garbled.transactionId].sort());
  assert.is(chain.executions.get(garbled.transactionId), 1, 'the re-push met tx_duplicate');
  await q.close();
});

test('backoff doubles up to the maximum, with jitter in [0.5, 1]', () => {
  const b = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.999999 });
  assert.equal([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 800, 1000, 1000]);
  b.reset();
  assert.is(b.next(), 100);
  const low = new Backoff({ baseMs: 100, random: () => 0 });
  assert.is(low.next(), 50);
  assert.throws(() => new Backoff({ baseMs: 0 }), /baseMs must be > 0/);
});

test('the flusher retries with backoff while down and flushes on reconnect', async () => {
  const q = await OfflineQueue.open({ home: fresh() });
  const { id } = await q.enqueue(tx(), { app: 'dpay' });
  chain.down('bad-gateway');
  const rounds: Array<{ report: FlushReport; delay: number | undefined }> = [];
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  const flusher = new QueueFlusher(q, () => backend, {
    baseMs: 20,
    maxMs: 1000,
    random: () => 0.999999,
    confirmPollMs: 10,
    onFlush: (report, delay) => {
      rounds.push({ report, delay });
      if (rounds.length === 4) chain.up();
      if (report.done.includes(id)) resolveDone();
    },
  });
  flusher.start();
  await done;
  await flusher.stop();
  assert.equal(
    rounds.slice(0, 4).map((r) => r.delay),
    [20, 40, 80, 160],
    'exponential while unreachable',
  );
  assert.ok(rounds.slice(0, 4).every((r) => r.report.unreachable));
  const last = rounds[rounds.length - 1]!;
  assert.is(last.report.unreachable, false);
  assert.is(last.delay, undefined, 'idle once everything is done');
  assert.is(q.get(id).status, 'done');
  assert.is(chain.executions.get(id), 1);
  await q.close();
});

test.run();
