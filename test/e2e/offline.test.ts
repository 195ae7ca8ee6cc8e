// Offline: with the DMCS down an app's push is signed and queued (fsynced before "queued"), the
// flush after the DMCS comes back executes it exactly once (a second flush sends nothing), and an
// entry that expired while queued is listed as expired, never pushed, and can be re-signed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OfflineQueue, createResigner } from '../../runtime/offline-queue/index.js';
import { TransactionService, installSigningGrant, type PushRequest } from '../../runtime/transaction-service/index.js';
import type { Grants } from '../../runtime/capabilities.js';
import { startWorld, newAccount, deployToken, loginAs, balanceOf, type World } from './world.js';

let w: World;
const grants: Grants = { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] } } };
const req = (quantity: string): PushRequest => ({
  app: { name: 'dpay', version: '0.1.0', publisher: 'peeros' },
  manifest: {},
  grants,
  actions: [{ account: 'dpay.token', name: 'transfer', data: { from: 'alice', to: 'bob', quantity, memo: 'offline' } }],
});

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await newAccount(w, 'bob');
  await deployToken(w, ['alice']);
  await installSigningGrant(w.vault, 'dpay', grants, [w.backend.chainId]);
  await loginAs(w, 'alice');
  // one online push: caches the ABI, the head block and alice's permissions for the offline ones
  assert.is((await w.services.transactions.push(req('0.0001 RSN'))).status, 'executed');
});
test.after(async () => {
  await w.close();
});

test('DMCS down: the push is queued, on disk, before the app hears it', async () => {
  await w.stopNode();
  const out = await w.services.transactions.push(req('2.0000 RSN'));
  assert.is(out.status, 'queued');
  const onDisk = OfflineQueue.snapshot({ home: w.home });
  const e = onDisk.find((x) => x.id === out.id);
  assert.ok(e, 'the entry is in the log file already');
  assert.is(e!.status, 'pending');
  assert.is(e!.app, 'dpay');
  const report = await w.services.flush();
  assert.ok(report.unreachable);
  assert.is(w.services.queue.get(out.id).status, 'pending', 'nothing is marked sent without an acknowledgement');
});

test('DMCS back: flush executes the queued transfer exactly once', async () => {
  await w.restartNode();
  const before = await balanceOf(w, 'bob');
  const r1 = await w.services.flush();
  assert.is(r1.sent.length, 1, JSON.stringify(r1));
  assert.not.ok(r1.unreachable);
  await w.node.produceBlock();
  const r2 = await w.services.flush();
  assert.is(r2.sent.length, 0);
  assert.is(r2.done.length + r2.waiting.length >= 0, true);
  assert.is(await balanceOf(w, 'bob'), `${(Math.round(Number(before.split(' ')[0]) * 10_000) / 10_000 + 2).toFixed(4)} RSN`);
});

test('an entry that expired in the queue is never pushed; re-signing queues a fresh one that executes', async () => {
  // A service whose clock is 20 minutes behind builds a transaction that expires 10 minutes ago.
  const late = new TransactionService({
    home: w.home,
    vault: w.vault,
    dispatcher: w.services.dispatcher,
    queue: w.services.queue,
    now: () => Date.now() - 20 * 60_000,
  });
  const warm = await late.push(req('0.0001 RSN')); // online: the node refuses it as expired, and its caches fill
  assert.is(warm.status, 'failed');
  assert.match(warm.error!, /expired/);
  await w.stopNode();
  const out = await late.push(req('3.0000 RSN'));
  assert.is(out.status, 'queued');
  await w.restartNode();
  const before = await balanceOf(w, 'bob');
  const r = await w.services.flush();
  assert.ok(r.expired.includes(out.id), JSON.stringify(r));
  assert.is(w.services.queue.get(out.id).status, 'expired');
  assert.is(await balanceOf(w, 'bob'), before, 'the expired transfer did not run');
  const resign = createResigner({
    chainId: w.backend.chainId,
    backend: w.backend,
    signer: { sign: (o) => w.vault.sign({ chainId: o.chainId, transaction: o.transaction, keys: o.keys, app: o.app }) },
  });
  const fresh = await w.services.queue.resign(out.id, resign);
  assert.is(fresh.replaces, out.id);
  const r2 = await w.services.flush();
  assert.ok(r2.sent.includes(fresh.id));
  await w.node.produceBlock();
  assert.is(await balanceOf(w, 'bob'), `${(Math.round(Number(before.split(' ')[0]) * 10_000) / 10_000 + 3).toFixed(4)} RSN`);
});

test.run();
