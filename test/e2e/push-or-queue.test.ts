// The one push-or-queue policy on the production path (TransactionService.push → TransactionSubmitter
// → HttpBackend) against a real dev node behind a loopback HTTP relay that can spoil its replies:
// a reply the host cannot trust queues the signed transaction (fsynced) instead of losing it, and
// the flush then executes it exactly once; a transaction the chain refuses is answered, not queued.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DmcsRegistry } from '../../runtime/dispatch/index.js';
import { OfflineQueue } from '../../runtime/offline-queue/index.js';
import { installSigningGrant, type PushRequest } from '../../runtime/transaction-service/index.js';
import type { Grants } from '../../runtime/capabilities.js';
import { startWorld, newAccount, deployToken, loginAs, balanceOf, type World } from './world.js';

/** How the relay answers push_transaction: pass it on, run it on the node and answer a non-JSON 200,
 * or answer 404 like a web server that is not a node (the node never sees it). */
type RelayMode = 'pass' | 'garble-after-executing' | 'not-a-node';

let w: World;
let relay: Server;
let mode: RelayMode = 'pass';
const grants: Grants = { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] } } };
const req = (quantity: string, memo: string): PushRequest => ({
  app: { name: 'dpay', version: '0.1.0', publisher: 'peeros' },
  manifest: { dmcs: 'relayed' },
  grants,
  actions: [{ account: 'dpay.token', name: 'transfer', data: { from: 'alice', to: 'bob', quantity, memo } }],
});
const plus = (balance: string, amount: number) =>
  `${(Math.round(Number(balance.split(' ')[0]) * 10_000) / 10_000 + amount).toFixed(4)} RSN`;

function startRelay(target: string): Promise<string> {
  relay = createServer(async (rq, rs) => {
    const chunks: Buffer[] = [];
    for await (const c of rq) chunks.push(c as Buffer);
    const isPush = rq.url === '/v1/chain/push_transaction';
    if (isPush && mode === 'not-a-node') {
      rs.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const upstream = await fetch(target + rq.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat(chunks),
    });
    const text = await upstream.text();
    if (isPush && mode === 'garble-after-executing') {
      rs.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>');
      return;
    }
    rs.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
  });
  return new Promise((resolve) => relay.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(relay.address() as AddressInfo).port}`)));
}

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await newAccount(w, 'bob');
  await deployToken(w, ['alice']);
  await installSigningGrant(w.vault, 'dpay', grants, [w.backend.chainId]);
  await loginAs(w, 'alice');
  await new DmcsRegistry(w.home).add('relayed', await startRelay(w.node.endpoint!));
});
test.after(async () => {
  await new Promise((r) => relay.close(r));
  await w.close();
});
test.before.each(() => {
  mode = 'pass';
});

test('a bad reply after the node executed the push: queued (on disk, uncertain), and the flush meets tx_duplicate — it ran once', async () => {
  const before = await balanceOf(w, 'bob');
  mode = 'garble-after-executing';
  const out = await w.services.transactions.push(req('1.0000 RSN', 'garbled reply'));
  assert.is(out.status, 'queued');
  const e = OfflineQueue.snapshot({ home: w.home }).find((x) => x.id === out.id);
  assert.ok(e, 'the entry is in the log file before the app hears "queued"');
  assert.is(e!.status, 'pending');
  assert.is(e!.uncertain, true, 'the node may have run it');
  mode = 'pass';
  await w.node.produceBlock();
  const r = await w.services.flush();
  assert.ok(r.done.includes(out.id), JSON.stringify(r));
  assert.is(w.services.queue.get(out.id).status, 'done');
  assert.is(await balanceOf(w, 'bob'), plus(before, 1), 'executed exactly once');
});

test('a bad reply from something that is not a node: queued, not lost; the flush executes it', async () => {
  const before = await balanceOf(w, 'bob');
  mode = 'not-a-node';
  const out = await w.services.transactions.push(req('2.0000 RSN', 'not a node'));
  assert.is(out.status, 'queued');
  assert.is(await balanceOf(w, 'bob'), before, 'the node never saw it');
  mode = 'pass';
  const r = await w.services.flush();
  assert.ok(r.sent.includes(out.id) || r.done.includes(out.id), JSON.stringify(r));
  await w.node.produceBlock();
  assert.is(await balanceOf(w, 'bob'), plus(before, 2));
});

test('a transaction the chain refuses is the answer: failed, with the exception, and not queued', async () => {
  const queuedBefore = w.services.queue.list().length;
  const out = await w.services.transactions.push(req('999999.0000 RSN', 'overdrawn'));
  assert.is(out.status, 'failed');
  assert.match(out.error!, /eosio_assert_message_exception|overdrawn/);
  assert.is(w.services.queue.list().length, queuedBefore);
  assert.not.ok(OfflineQueue.snapshot({ home: w.home }).some((x) => x.id === out.id));
});

test.run();
