// Block-log replication: a replica follows a producing node's hypercore over TCP, applies its
// blocks (Leap's producer signature rule and merkle roots checked, and each transaction's
// signatures, authorities and inputs), reaches the identical state, refuses pushes, catches up
// after being offline, and refuses a block its producer forged, live and on restart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APIClient } from '@wharfkit/antelope';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { tempDir, removeDir, transact, newAccountAction, testKey, errorName, buildSigned } from '../helpers.js';

const k = testKey('replication');
const wdir = tempDir('writer');
const rdir = tempDir('replica');
let writer: EmbeddedNode;
let wclient: APIClient;

const digest = (n: EmbeddedNode) =>
  n.api.peerosEndpoints.get_state_digest!({}) as { state_digest: string; head_block_num: number; head_block_id: string };

async function caughtUp(replica: EmbeddedNode, timeoutMs = 60_000): Promise<void> {
  const want = writer.chain.head.num;
  const until = Date.now() + timeoutMs;
  while (replica.chain.head.num < want) {
    if (Date.now() > until) throw new Error(`replica at ${replica.chain.head.num}, writer at ${want}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test.before(async () => {
  writer = await startNode({ dev: true, dataDir: wdir, http: '127.0.0.1:0', replicate: '127.0.0.1:0', autoProduce: false });
  wclient = new APIClient({ url: writer.endpoint! });
});
test.after(async () => {
  await writer.close();
  removeDir(wdir);
  removeDir(rdir);
});

test('a replica downloads the log and reaches the identical state', async () => {
  await transact(wclient, [newAccountAction('repl1', String(k.toPublic()))]);
  await writer.produceBlock();
  const replica = await startNode({ dataDir: rdir, follow: writer.endpoint!, http: '127.0.0.1:0' });
  assert.is(replica.chainId, writer.chainId);
  await caughtUp(replica);
  assert.is(digest(replica).state_digest, digest(writer).state_digest);
  // the followed blocks' transactions were checked with keys recovered ahead on the replica's pool
  assert.ok(replica.chain.recovery.hits >= 1, `${replica.chain.recovery.hits} keys recovered ahead`);
  // GET /v1/peeros/state_digest answers the same on both, with Leap's LIB (the block before the head)
  const stateDigest = async (n: EmbeddedNode) =>
    (await (await fetch(`${n.endpoint}/v1/peeros/state_digest`)).json()) as Record<string, number>;
  const [w, r] = [await stateDigest(writer), await stateDigest(replica)];
  assert.equal(r, w);
  assert.equal(Object.keys(w).sort(), [
    'head_block_id',
    'head_block_num',
    'last_irreversible_block_num',
    'pending_transactions',
    'state_digest',
  ]);
  assert.is(w.last_irreversible_block_num, w.head_block_num! - 1);
  // new blocks keep flowing
  await transact(wclient, [newAccountAction('repl2', String(k.toPublic()))]);
  await writer.produceBlock();
  await caughtUp(replica);
  assert.is(digest(replica).head_block_id, digest(writer).head_block_id);
  assert.is(digest(replica).state_digest, digest(writer).state_digest);
  const rclient = new APIClient({ url: replica.endpoint! });
  assert.is(String((await rclient.v1.chain.get_account('repl2')).account_name), 'repl2');
  // pushes to a replica are relayed to the producer, refusals come back by name
  const { packed } = await buildSigned(rclient, [newAccountAction('repl3', String(k.toPublic()))]);
  const relayed = await rclient.v1.chain.push_transaction(packed);
  assert.ok(relayed.transaction_id);
  assert.is(await errorName(rclient.v1.chain.push_transaction(packed)), 'tx_duplicate');
  await writer.produceBlock();
  await caughtUp(replica);
  assert.is(String((await rclient.v1.chain.get_account('repl3')).account_name), 'repl3');
  // the in-process push path of a replica refuses (only its HTTP API relays)
  assert.throws(() => replica.pushTransaction(JSON.parse(JSON.stringify(packed))), /read-only replica/);
  await replica.close();
});

test('a replica that was offline catches up on restart', async () => {
  for (let i = 0; i < 3; i++) {
    await transact(wclient, [newAccountAction(`offline${i + 1}`, String(k.toPublic()))]);
    await writer.produceBlock();
  }
  const replica = await startNode({ dataDir: rdir, follow: writer.endpoint! });
  await caughtUp(replica);
  assert.is(digest(replica).state_digest, digest(writer).state_digest);
  await replica.close();
});

test('GET state_digest with a transaction pending on the producer: its digest includes it and says so; once sealed, the replica has the same', async () => {
  const replica = await startNode({ dataDir: rdir, follow: writer.endpoint!, http: '127.0.0.1:0' });
  try {
    await caughtUp(replica);
    const stateDigest = async (n: EmbeddedNode) =>
      (await (await fetch(`${n.endpoint}/v1/peeros/state_digest`)).json()) as {
        head_block_id: string;
        state_digest: string;
        pending_transactions: number;
      };
    const [w0, r0] = [await stateDigest(writer), await stateDigest(replica)];
    assert.equal(r0, w0, 'no transaction pending: the same answer');
    assert.is(w0.pending_transactions, 0);
    // the writer makes no block by itself here (autoProduce off): the transaction stays pending
    await transact(wclient, [newAccountAction('pending1', String(k.toPublic()))]);
    const w1 = await stateDigest(writer);
    assert.is(w1.pending_transactions, 1, 'the producer says it has a pending transaction');
    assert.is(w1.head_block_id, w0.head_block_id, 'same head');
    assert.is.not(w1.state_digest, w0.state_digest, "the digest is the state with the pending transaction, not the head block's");
    const r1 = await stateDigest(replica);
    assert.equal(r1, r0, 'a replica never has pending transactions: it still answers the head block state');
    await writer.produceBlock();
    await caughtUp(replica);
    const [w2, r2] = [await stateDigest(writer), await stateDigest(replica)];
    assert.equal(r2, w2, 'sealed: equal again');
    assert.is(w2.pending_transactions, 0);
    assert.is(w2.state_digest, w1.state_digest, 'sealing the block changed no state the pending digest did not already have');
  } finally {
    await replica.close();
  }
});

test('following a node that does not replicate is a clear error', async () => {
  const pdir = tempDir('plain');
  const odir = tempDir('orphan');
  const plain = await startNode({ dev: true, dataDir: pdir, http: '127.0.0.1:0', autoProduce: false });
  try {
    await startNode({ dataDir: odir, follow: plain.endpoint! });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /does not serve its block log/);
  } finally {
    await plain.close();
    removeDir(pdir);
    removeDir(odir);
  }
});

// Last: the writer turns into a producer running modified software (its authority checks gone) and
// signs a block with a transaction alice never signed. A replica refuses it (it stops following and
// says why) and stays at the block before; its copy of the log still holds the block, and a restart
// replays that copy with the same checks, so the block is refused again (the replica does not start,
// and says which block and why), never applied.
test("a replica refuses a block whose transaction lacks its authorizer's signature, also when it replays its copy", async () => {
  const alice = testKey('replication alice');
  const fdir = tempDir('replica-forged');
  await transact(wclient, [newAccountAction('alice', String(alice.toPublic()))]);
  await writer.produceBlock();
  const errors: string[] = [];
  const replica = await startNode({ dataDir: fdir, follow: writer.endpoint!, onError: (e) => errors.push(e.message) });
  try {
    await caughtUp(replica);
    const good = digest(replica);

    (writer.chain as unknown as { auth: unknown }).auth = { check() {} };
    const auth = { threshold: 1, keys: [{ key: String(k.toPublic()), weight: 1 }], accounts: [], waits: [] };
    await transact(wclient, [
      {
        account: 'eosio',
        name: 'updateauth',
        authorization: 'alice@owner',
        data: { account: 'alice', permission: 'owner', parent: '', auth },
      },
    ]);
    const forged = await writer.produceBlock();
    const until = Date.now() + 30_000;
    while (errors.length === 0) {
      if (Date.now() > until) throw new Error('the replica did not refuse the block');
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.match(errors.join('\n'), /stopped following \S+: block \d+: transaction [0-9a-f]{64}: transaction declares authority/);
    assert.equal(digest(replica), good, 'the replica stayed at the block before, with its state');
    await replica.close();

    try {
      const restarted = await startNode({ dataDir: fdir, follow: writer.endpoint! });
      await restarted.close();
      assert.unreachable('the restart replayed the forged block');
    } catch (e) {
      assert.match((e as Error).message, new RegExp(`^block ${forged.num}: transaction [0-9a-f]{64}: transaction declares authority`));
      assert.is((e as { code?: string }).code, 'unsatisfied_authorization');
    }
  } finally {
    await replica.close();
    removeDir(fdir);
  }
});

test.run();
