// When a restart does not use the state store, and says why: a node whose state lives in its store
// (a cache of 8 accounts) restarts from the store's last commit, also when the log lacks that
// commit's block (a kill between the commit and the append: the block comes from the commit
// record, as it keeps it until the log has it); then the store is damaged (its
// commit record's bytes flipped), replaced by another chain's store, and left behind a newer
// snapshot (a run without the store); each time the restart refuses it with that reason on its
// log, empties it, rebuilds the state from the snapshot or the log, and reaches the digest of the
// state it was stopped at. Real node, real LMDB store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { APIClient, Serializer } from '@wharfkit/antelope';
import { startNode, type EmbeddedNode, type NodeOptions } from '../../dmcs/index.js';
import { STATE_STORE_DIR } from '../../dmcs/node.js';
import { OrderedStore } from '../../dmcs/state/ordered-store.js';
import { COMMIT_KEY, STATE_COMMIT_BLOCKS, decodeCommit, encodeCommit } from '../../dmcs/state/store-commit.js';
import { BlockLog } from '../../dmcs/block/block-log.js';
import { blockId, decodeBlock } from '../../dmcs/block.js';
import { bytesToHex } from '../../abi/antelope/index.js';
import { buildSigned, newAccountAction, removeDir, tempDir, testKey } from './helpers.js';
import { digestOf } from './crash-child.js';

const k = testKey('state-store-restart');
const dirs: string[] = [];
test.after(() => {
  for (const d of dirs) removeDir(d);
});

let seq = 0;
const letters = 'abcdefghijklmnopqrstuvwxyz';

/** Starts a node on `dir`; its log notes go to `notes`. */
function start(dir: string, notes: string[], opts: Partial<NodeOptions> & { inMemory?: boolean } = {}): Promise<EmbeddedNode> {
  const { inMemory, ...rest } = opts;
  return startNode({
    dev: true,
    dataDir: dir,
    http: '127.0.0.1:0',
    autoProduce: false,
    snapshotEvery: 3,
    recoveryWorkers: 0,
    ...(inMemory ? {} : { stateCache: 8 }),
    onError: (e) => notes.push(e.message),
    ...rest,
  });
}

/** `blocks` blocks of two new accounts each; returns the transactions pushed (as pushed). */
async function grow(node: EmbeddedNode, blocks: number): Promise<object[]> {
  const client = new APIClient({ url: node.endpoint! });
  const pushed: object[] = [];
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < 2; i++) {
      const n = seq++;
      const name = `rest${letters[Math.floor(n / 676) % 26]}${letters[Math.floor(n / 26) % 26]}${letters[n % 26]}`;
      const { packed } = await buildSigned(client, [newAccountAction(name, String(k.toPublic()))]);
      pushed.push(Serializer.objectify(packed));
      node.pushTransaction(pushed[pushed.length - 1]!);
    }
    await node.produceBlock();
  }
  return pushed;
}

test("a damaged store, another chain's store, a store older than the snapshot: refused with the reason, the state rebuilt", async () => {
  const dir = tempDir('state-store-restart');
  dirs.push(dir);
  const notes: string[] = [];
  let node = await start(dir, notes);
  const pushed = await grow(node, 7);
  const stopped = digestOf(node);
  const chainId = node.chainId;
  await node.close();

  // the clean stop committed the head: the restart opens there and replays nothing, and the
  // unexpired transaction ids came back from the store (each pushed again is a duplicate)
  node = await start(dir, notes);
  assert.is(node.chain.startedFromStore, stopped.head_block_num);
  assert.is(node.chain.replayedBlocks, 0);
  assert.is(digestOf(node).state_digest, stopped.state_digest);
  try {
    for (const p of [pushed[0]!, pushed[pushed.length - 1]!])
      assert.throws(
        () => node.pushTransaction(p),
        (e: unknown) => (e as { code?: string }).code === 'tx_duplicate',
      );
  } finally {
    await node.close();
  }

  // the log one block short of the store's commit, as a kill right after the commit leaves it: the
  // commit record keeps the block then, and the restart appends it
  {
    const log = await BlockLog.open(dir);
    const last = (await log.get(log.length - 1))!;
    const before = decodeBlock((await log.get(log.length - 2))!);
    await log.truncate(log.length - 1, bytesToHex(blockId(before)));
    await log.close();
    const s = new OrderedStore(join(dir, STATE_STORE_DIR));
    const c = decodeCommit(s.get(COMMIT_KEY)!);
    assert.is(c.blockNum, stopped.head_block_num);
    assert.is(c.headBlock, null, 'a clean stop commits a block the log has');
    s.commit([[COMMIT_KEY, encodeCommit({ ...c, headBlock: last })]]);
    await s.close();
  }
  notes.length = 0;
  node = await start(dir, notes);
  assert.ok(
    notes.includes(
      `state store: its last commit is of block ${stopped.head_block_num}, which the block log lacked (a stop before the append completed): appended it from the store`,
    ),
    notes.join('\n'),
  );
  assert.is(node.chain.startedFromStore, stopped.head_block_num);
  assert.is(digestOf(node).state_digest, stopped.state_digest);
  await node.close();

  // damaged: one byte of the commit record flipped
  const store = new OrderedStore(join(dir, STATE_STORE_DIR));
  const record = store.get(COMMIT_KEY)!;
  record[40] = record[40]! ^ 0xff;
  store.commit([[COMMIT_KEY, record]]);
  await store.close();
  notes.length = 0;
  node = await start(dir, notes);
  assert.ok(
    notes.includes(
      'state store: commit record damaged (checksum mismatch); building the state from the snapshot if sound, else the whole block log',
    ),
    notes.join('\n'),
  );
  assert.is(node.chain.startedFromStore, 0);
  assert.ok(node.chain.startedFromSnapshot > 0, 'from the snapshot');
  assert.is(digestOf(node).state_digest, stopped.state_digest);
  await node.close();

  // another chain's store
  const other = tempDir('state-store-other');
  dirs.push(other);
  const o = await start(other, []);
  await grow(o, 1);
  assert.is.not(o.chainId, chainId, 'two chains');
  await o.close();
  rmSync(join(dir, STATE_STORE_DIR), { recursive: true, force: true });
  cpSync(join(other, STATE_STORE_DIR), join(dir, STATE_STORE_DIR), { recursive: true });
  notes.length = 0;
  node = await start(dir, notes);
  assert.ok(
    notes.some((n) => n.startsWith('state store: holds another chain')),
    notes.join('\n'),
  );
  assert.is(node.chain.startedFromStore, 0);
  assert.is(digestOf(node).state_digest, stopped.state_digest);
  await node.close();

  // a run without the store moves the snapshot past the store's commit
  node = await start(dir, notes, { inMemory: true });
  await grow(node, 4);
  const later = digestOf(node);
  await node.close();
  notes.length = 0;
  node = await start(dir, notes);
  assert.ok(
    notes.some((n) =>
      n.startsWith(`state store: at block ${stopped.head_block_num}, older than the snapshot (block ${later.head_block_num})`),
    ),
    notes.join('\n'),
  );
  assert.is(node.chain.startedFromSnapshot, later.head_block_num);
  assert.is(digestOf(node).state_digest, later.state_digest);
  await node.close();

  // and the store written by that start is used again
  node = await start(dir, notes, { verifyStateStore: true });
  assert.is(node.chain.startedFromStore, later.head_block_num);
  assert.is(digestOf(node).state_digest, later.state_digest);
  await node.close();
});

test('with a cache no block fills, the state commits every STATE_COMMIT_BLOCKS blocks, and not before', async () => {
  const dir = tempDir('state-store-every');
  dirs.push(dir);
  const node = await start(dir, [], { stateCache: 100_000, snapshotEvery: 0 });
  try {
    // no commit yet in this run: the first is due at block STATE_COMMIT_BLOCKS
    while (node.chain.head.num < STATE_COMMIT_BLOCKS - 1) {
      await node.produceBlock();
      assert.is(node.chain.stateCommittedAt, 0, `no commit at block ${node.chain.head.num}`);
    }
    await node.produceBlock();
    assert.is(node.chain.stateCommittedAt, STATE_COMMIT_BLOCKS);
    for (let i = 0; i < 2 * STATE_COMMIT_BLOCKS + 5; i++) {
      await node.produceBlock();
      // a due commit waits (owed) only while the one before it has not landed
      const lag = node.chain.head.num - node.chain.stateCommittedAt;
      assert.ok(lag < STATE_COMMIT_BLOCKS || node.chain.state.commitsInFlight > 0, `block ${node.chain.head.num}`);
    }
    // the commit due at 3 × STATE_COMMIT_BLOCKS started there, or, owed while the one before was
    // still landing (a slow fsync on a loaded machine), at the first block after that landed: at the
    // latest the block after this wait
    await node.chain.state.settle();
    await node.produceBlock();
    const at = node.chain.stateCommittedAt;
    assert.ok(at >= 3 * STATE_COMMIT_BLOCKS && at <= node.chain.head.num, `committed at ${at}, head ${node.chain.head.num}`);
    assert.ok(node.chain.head.num - at < STATE_COMMIT_BLOCKS, 'no commit owed for a whole interval');
  } finally {
    await node.close();
  }
});

test.run();
