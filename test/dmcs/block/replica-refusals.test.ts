// A replica follows a producer's block log; the producer runs modified software and signs a block
// with a transaction its authorizer never signed. The replica refuses the block (it stops following
// and says why) and its state stays at the block before. Its copy of the log still holds the block:
// a restart replays that copy with the same checks, so the block is refused again, never applied.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APIClient } from '@wharfkit/antelope';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { DEV_KEY, newAccountAction, removeDir, tempDir, testKey, transact } from '../helpers.js';

const alice = testKey('replica-refusals alice');
const wdir = tempDir('writer');
const rdir = tempDir('replica');
let writer: EmbeddedNode;
let wclient: APIClient;

test.before(async () => {
  writer = await startNode({ dev: true, dataDir: wdir, http: '127.0.0.1:0', replicate: '127.0.0.1:0', autoProduce: false });
  wclient = new APIClient({ url: writer.endpoint! });
});
test.after(async () => {
  await writer.close();
  removeDir(wdir);
  removeDir(rdir);
});

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("a replica refuses a block whose transaction lacks its authorizer's signature, also when it replays its copy", async () => {
  await transact(wclient, [newAccountAction('alice', alice.toPublic().toString())]);
  await writer.produceBlock();
  const errors: string[] = [];
  const replica = await startNode({ dataDir: rdir, follow: writer.endpoint!, onError: (e) => errors.push(e.message) });
  await until('the replica to reach the writer', () => replica.chain.head.num === writer.chain.head.num);
  const good = { num: replica.chain.head.num, digest: replica.chain.state.digest().join() };

  // the writer's modified software takes alice's account: eosio's signature only
  (writer.chain as unknown as { auth: unknown }).auth = { check() {} };
  const pub = DEV_KEY.toPublic().toString();
  const auth = { threshold: 1, keys: [{ key: pub, weight: 1 }], accounts: [], waits: [] };
  await transact(wclient, [
    {
      account: 'eosio',
      name: 'updateauth',
      authorization: 'alice@owner',
      data: { account: 'alice', permission: 'owner', parent: '', auth },
    },
  ]);
  const forged = await writer.produceBlock();
  await until('the replica to refuse the block', () => errors.length > 0);
  assert.match(errors.join('\n'), /unsatisfied_authorization|declares authority/);
  assert.is(replica.chain.head.num, good.num);
  assert.is(replica.chain.state.digest().join(), good.digest);
  await replica.close();

  // the copy of the log holds the forged block: the restart replays it checked, and refuses to start
  try {
    const restarted = await startNode({ dataDir: rdir, follow: writer.endpoint! });
    await restarted.close();
    assert.unreachable('the restart replayed the forged block');
  } catch (e) {
    assert.match((e as Error).message, new RegExp(`^block ${forged.num}: transaction [0-9a-f]{64}: transaction declares authority`));
    assert.is((e as { code?: string }).code, 'unsatisfied_authorization');
  }
});

test.run();
