// `peeros queue drop`: an app whose queued pushes all expired held its whole share of the queue
// (expired entries are not finished: they can be re-signed) and heard APP_FULL until the user
// re-signed each one; nothing could discard them (repro: /tmp/audit-queue/repro-expired-lockout.mjs:
// 1,000 expired entries, every new push of the app refused APP_FULL). Dropping marks them
// `dropped`, durably (the record log, fsynced; restart and compaction keep it), and refuses what
// would still be sent or may still land. Through the real CLI (main) and the queue API, real files.
// CHAIN DOUBLE: test/fixtures/fake-chain.ts (a scripted HTTP double of the chain API), for sent and
// failed entries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../runtime/cli/main.js';
import type { CliIO } from '../../../runtime/cli/command.js';
import { HttpBackend } from '../../../runtime/dispatch/index.js';
import { OfflineQueue, type QueueError, scanLog } from '../../../runtime/offline-queue/index.js';
import { FakeChain, TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';
import { signedTransfer } from '../../fixtures/test-transactions.js';

const root = mkdtempSync(join(tmpdir(), 'peeros-qdrop-'));
const chain = new FakeChain();
let backend: HttpBackend;
let n = 70_000;
const quiet = { onWarning: () => {} };
const tx = (expiresIn = 600) => signedTransfer(TEST_CHAIN_ID, { n: ++n, expiresIn });
const fresh = () => mkdtempSync(join(root, 'h-'));
const logOf = (home: string) => join(home, 'queue', 'queue.log');

function cli(home: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { ...process.env, PEEROS_HOME: home },
    readStdin: async () => '',
    confirm: async () => false,
  };
  return { out, err, run: (...argv: string[]) => main(argv, io) };
}

async function refusal(p: Promise<unknown>): Promise<QueueError> {
  return (await p.then(
    () => assert.unreachable('expected a refusal'),
    (e: unknown) => e,
  )) as QueueError;
}

test.before(async () => {
  await chain.start();
  backend = new HttpBackend(chain.url, { timeoutMs: 5000 });
});
test.after(async () => {
  await backend.close();
  await chain.stop();
  rmSync(root, { recursive: true, force: true });
});

test('an app at APP_FULL with expired entries queues again after `queue drop --expired --app`; restart keeps it', async () => {
  const home = fresh();
  const caps = { ...quiet, maxAppLiveEntries: 5 };
  const q = await OfflineQueue.open({ home, ...caps });
  const flooded: string[] = [];
  for (let i = 0; i < 5; i++) flooded.push((await q.enqueue(tx(-5), { app: 'dpay' })).id);
  const other = (await q.enqueue(tx(-5), { app: 'dsocial' })).id;
  await q.markExpired();
  const locked = await refusal(q.enqueue(tx(), { app: 'dpay' }));
  assert.is(locked.code, 'APP_FULL', 'expired entries hold the share');
  assert.match(locked.message, /peeros queue drop --expired --app dpay/);
  await q.close();

  const c = cli(home);
  assert.is(await c.run('queue', 'drop', '--expired', '--app', 'dpay', '--json'), 0, c.err.join('\n'));
  const printed = JSON.parse(c.out.pop()!) as { dropped: Array<{ id: string; app: string; from: string; uncertain: boolean }> };
  assert.equal(printed.dropped.map((d) => d.id).sort(), [...flooded].sort());
  assert.ok(printed.dropped.every((d) => d.app === 'dpay' && d.from === 'expired' && d.uncertain === false));

  // a new process: the drop was in the log, the other app's expired entry was not touched
  const again = await OfflineQueue.open({ home, ...caps });
  for (const id of flooded) assert.is(again.get(id).status, 'dropped');
  assert.is(again.get(other).status, 'expired');
  const queued = await again.enqueue(tx(), { app: 'dpay' });
  assert.is(queued.status, 'pending', 'the app can queue again');
  await again.close();
  assert.is(await c.run('queue', 'list'), 0);
  assert.ok(c.out.some((l) => l.startsWith(flooded[0]!.slice(0, 12)) && /dropped\s+dpay.*dropped while expired/.test(l)));
  // running it again finds nothing more to drop
  assert.is(await c.run('queue', 'drop', '--expired', '--app', 'dpay'), 0);
  assert.equal(c.out.pop(), 'no expired transactions of app dpay to drop');
});

test('the drop survives compaction, and is written in batches, not one fsync per entry', async () => {
  const home = fresh();
  const q = await OfflineQueue.open({ home, ...quiet, maxAppLiveEntries: 150 });
  const ids: string[] = [];
  for (let i = 0; i < 150; i++) ids.push((await q.enqueue(tx(-5), { app: 'dpay' })).id);
  assert.is((await refusal(q.enqueue(tx(), { app: 'dpay' }))).code, 'APP_FULL');
  const before = scanLog(readFileSync(logOf(home))).records.length;
  const dropped = await q.dropExpired();
  assert.is(dropped.length, 150);
  // 150 marked expired, then 150 dropped
  assert.is(scanLog(readFileSync(logOf(home))).records.length, before + 300);
  // 450 records for 150 entries: the next flush compacts (nothing pending, so no DMCS is asked)
  const sizeBefore = statSync(logOf(home)).size;
  await q.flush(() => assert.unreachable('nothing to send') as never);
  assert.ok(statSync(logOf(home)).size < sizeBefore / 2, 'compacted');
  assert.is(scanLog(readFileSync(logOf(home))).records.length, 150);
  await q.close();
  const again = await OfflineQueue.open({ home, ...quiet, maxAppLiveEntries: 150 });
  assert.ok(ids.every((id) => again.get(id).status === 'dropped'));
  assert.is(again.get(ids[0]!).body.packed_trx, '', 'a dropped entry keeps no transaction bytes');
  await again.enqueue(tx(), { app: 'dpay' });
  await again.close();
});

test('a pending entry is refused (it would be sent), a sent one too (it may land); failed and uncertain ones drop', async () => {
  const home = fresh();
  const q = await OfflineQueue.open({ home, ...quiet });
  const pending = await q.enqueue(tx(), { app: 'dpay' });
  const uncertain = await q.enqueue(tx(-5), { app: 'dpay', uncertain: true });
  await q.close();

  const c = cli(home);
  assert.is(await c.run('queue', 'drop', pending.id.slice(0, 12)), 1);
  assert.match(c.err.pop()!, /is pending and will be sent; only expired or failed transactions can be dropped/);
  assert.is(await c.run('queue', 'drop', uncertain.id.slice(0, 10)), 0, c.err.join('\n'));
  assert.match(c.out.join('\n'), new RegExp(`dropped ${uncertain.id.slice(0, 12)} \\(expired, app dpay\\)`));
  assert.match(c.out.pop()!, /may have executed .*dropping only forgets the local record, it cannot undo/);
  // idempotent: the same drop again changes nothing, not even the log
  const size = statSync(logOf(home)).size;
  assert.is(await c.run('queue', 'drop', uncertain.id), 0);
  assert.is(statSync(logOf(home)).size, size);
  assert.is(await c.run('queue', 'drop', 'deadbeefdeadbeef'), 1);
  assert.match(c.err.pop()!, /no queued transaction with id deadbeefdeadbeef/);
  assert.is(await c.run('queue', 'drop'), 2, 'an ID or --expired');
  assert.is(await c.run('queue', 'drop', pending.id, '--app', 'dpay'), 2, '--app goes with --expired');

  const q2 = await OfflineQueue.open({ home, ...quiet });
  assert.is(q2.get(pending.id).status, 'pending', 'the refused entry is untouched');
  assert.is(q2.get(uncertain.id).uncertain, true, 'the dropped entry still says it may have run');
  // sent: acknowledged, its block not produced yet
  chain.autoProduce = false;
  const refused = await q2.enqueue(tx(), { app: 'dpay' });
  chain.rejectOnce.set(refused.id, 'eosio_assert_message_exception');
  try {
    await q2.flush(() => backend);
  } finally {
    chain.autoProduce = true;
  }
  assert.is(q2.get(pending.id).status, 'sent');
  const sent = await refusal(q2.drop(pending.id));
  assert.is(sent.code, 'WRONG_STATUS');
  assert.match(sent.message, /acknowledged by the node and may still land in a block/);
  assert.is(q2.get(refused.id).status, 'failed');
  const dropped = await q2.drop(refused.id);
  assert.is(dropped.status, 'dropped');
  assert.is(dropped.droppedFrom, 'failed');
  assert.is(dropped.error?.antelopeName, 'eosio_assert_message_exception', 'why it failed stays');
  await q2.close();
});

test.run();
