// Dispatch, the offline queue and the hybrid cache against the real embedded node (dmcs/) over its
// HTTP chain API, the one transport the host uses for it (docs/ARCHITECTURE.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { BlockId, EOSIO_ABI, PackedTransaction, Transaction, signingDigest } from '../../../abi/antelope/index.js';
import { Dispatcher, DmcsRegistry, type DmcsError, HttpBackend, type PushTransactionBody } from '../../../runtime/dispatch/index.js';
import { OfflineQueue } from '../../../runtime/offline-queue/index.js';
import { CacheStore, HybridApi } from '../../../runtime/hybrid-cache/index.js';
import { DEV_KEY } from '../../fixtures/test-transactions.js';

const root = mkdtempSync(join(tmpdir(), 'peeros-embedded-'));
let node: EmbeddedNode;

async function newAccount(name: string): Promise<PushTransactionBody> {
  const info = node.getInfo() as { head_block_num: number; head_block_id: string };
  const pub = DEV_KEY.toPublic().toString();
  const auth = { threshold: 1, keys: [{ key: pub, weight: 1 }], accounts: [], waits: [] };
  const trx = Transaction.from(
    {
      expiration: new Date(Math.floor(Date.now() / 1000) * 1000 + 300_000),
      ...BlockId.from(info.head_block_id).tapos,
      actions: [
        {
          account: 'eosio',
          name: 'newaccount',
          authorization: [{ actor: 'eosio', permission: 'active' }],
          data: { creator: 'eosio', name, owner: auth, active: auth },
        },
      ],
    },
    EOSIO_ABI,
  );
  const sig = DEV_KEY.sign(signingDigest(node.chainId, trx.toBinary()));
  return PackedTransaction.fromSigned(trx, [sig]).toJSON() as PushTransactionBody;
}

test.before(async () => {
  node = await startNode({ dev: true, dataDir: join(root, 'node'), http: '127.0.0.1:0', autoProduce: false });
});
test.after(async () => {
  await node.close();
  rmSync(root, { recursive: true, force: true });
});

test('registry probes the node over HTTP; the queue flushes through the dispatcher', async () => {
  const home = join(root, 'home');
  const reg = new DmcsRegistry(home);
  const entry = await reg.add('embedded', node.endpoint!);
  assert.is(entry.chainId, node.chainId);
  const d = new Dispatcher(reg);
  const q = await OfflineQueue.open({ home });
  const body = await newAccount('hybridbob');
  const e = await q.enqueue(body, { app: 'settings' });
  const r1 = await q.flush((x) => d.backendFor({ dmcs: x.dmcs }));
  assert.equal(r1.sent, [e.id], JSON.stringify(q.get(e.id)));
  assert.is(q.get(e.id).status, 'sent', 'acknowledged, its block not produced yet');
  await node.produceBlock();
  const r2 = await q.flush((x) => d.backendFor({ dmcs: x.dmcs }));
  assert.equal(r2.done, [e.id], JSON.stringify(q.get(e.id)));
  assert.match(q.get(e.id).note!, /^in block/);

  // The same transaction again: the real node says tx_duplicate.
  const http = new HttpBackend(node.endpoint!);
  const dup = (await http.pushTransaction(body).catch((x: unknown) => x)) as DmcsError;
  assert.is(dup.code, 'REJECTED');
  assert.is(dup.antelopeName, 'tx_duplicate');
  await q.close();
  await d.close();
});

test('every read of the backend interface over HTTP gives what the node itself answers', async () => {
  const x = new HttpBackend(node.endpoint!);
  const a = {
    abi: await x.getAbi('eosio'),
    raw: await x.getRawAbi('eosio'),
    block: await x.getBlock(2),
    blockInfo: await x.getBlockInfo(2),
    account: await x.getAccount('hybridbob'),
  };
  const b = JSON.parse(
    JSON.stringify({
      abi: node.getAbi('eosio'),
      raw: node.getRawAbi('eosio'),
      block: await node.getBlock(2),
      blockInfo: await node.getBlockInfo(2),
      account: node.getAccount('hybridbob'),
    }),
  );
  assert.equal(a, b);
  assert.is((a!.abi as { account_name: string }).account_name, 'eosio');
  assert.is((a!.block as { block_num: number }).block_num, 2);
  assert.is((a!.blockInfo as { block_num: number }).block_num, 2);
});

test('real refusals come back by Antelope name', async () => {
  const body = await newAccount('hybridbob'); // exists already
  const http = new HttpBackend(node.endpoint!);
  const e1 = (await http.pushTransaction(body).catch((x: unknown) => x)) as DmcsError;
  assert.is(e1.code, 'REJECTED');
  assert.is(e1.antelopeName, 'account_name_exists_exception');
});

test('hybrid reads from the node: fresh, then stale once it is closed', async () => {
  const b = new HttpBackend(node.endpoint!);
  const h = new HybridApi(b, new CacheStore(), { chainId: node.chainId, persistDelayMs: 0, infoReuseMs: 0 });
  const acct = await h.getAccount('hybridbob');
  assert.is(acct.stale, false);
  assert.is((acct.value as { account_name: string }).account_name, 'hybridbob');
  const missing = (await h
    .getTableRows({ code: 'eosio', scope: 'eosio', table: 'nothing', json: true })
    .catch((x: unknown) => x)) as DmcsError;
  assert.is(missing.antelopeName, 'contract_table_query_exception', 'a refusal, not a stale answer');
  const info = await h.getInfo();
  assert.is(info.value.chain_id, node.chainId);
  await node.close();
  const stale = await h.getAccount('hybridbob');
  assert.is(stale.stale, true);
  assert.equal(stale.value, acct.value);
  assert.is((await h.getInfo()).stale, true);
  const e = (await b.getInfo().catch((x: unknown) => x)) as DmcsError;
  assert.is(e.code, 'UNREACHABLE');
});

test.run();
