// Forks between two producing nodes, applied through Chain.acceptBlock (what the relay calls):
// two blocks for one slot by one producer are reported as double signing; the first seen stays
// head on a tie; a longer branch wins (Leap's legacy rule: highest LIB, then block number) and
// the node switches to it: its own block is popped, its transactions come back as pending, and
// its block log is cut back and rewritten, so a restart replays the new branch. A block that does
// not link, or whose signature does not match, is refused with its Antelope name and nothing moves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex } from '../../../abi/antelope/index.js';
import type { SignedBlock } from '../../../dmcs/block.js';
import type { DoubleSign } from '../../../dmcs/block/fork-database.js';
import { startNode } from '../../../dmcs/index.js';
import { DEV_KEY, newAccountAction, refusalCode, removeDir, startDevNode, tempDir, transact, type DevNode } from '../helpers.js';

const pub = DEV_KEY.toPublic().toString();
const open: DevNode[] = [];
test.after(async () => {
  for (const n of open) await n.close();
});

const idOf = (n: DevNode) => bytesToHex(n.node.chain.head.id);
const blockAt = async (n: DevNode, num: number): Promise<SignedBlock> => (await n.node.chain.getBlock(num))!.block;

test('a double-signed slot is reported, the longer branch wins, the loser pops its block and keeps its transaction', async () => {
  const a = await startDevNode();
  const bdir = tempDir();
  copyFileSync(join(a.dir, 'genesis.json'), join(bdir, 'genesis.json'));
  const b = await startDevNode(bdir);
  open.push(a, b);
  const doubles: DoubleSign[] = [];
  (b.node.chain as unknown as { events: { doubleSigned?: (d: DoubleSign) => void } }).events.doubleSigned = (d) => doubles.push(d);

  await a.node.produceBlock();
  assert.is(await b.node.chain.acceptBlock(await blockAt(a, 2)), 'applied');
  const slot = a.node.chain.head.timestamp + 1;

  // both produce block 3 for the same slot (both hold eosio's key), with different transactions
  await transact(a.client, [newAccountAction('alice', pub)]);
  await transact(b.client, [newAccountAction('bob', pub)]);
  const a3 = await a.node.chain.produceSlot(slot);
  const b3made = await b.node.chain.produceSlot(slot);
  assert.equal([a3?.num, b3made?.num], [3, 3]);
  assert.equal([a.node.chain.head.timestamp, b.node.chain.head.timestamp], [slot, slot], 'both blocks 3 are for one slot');
  assert.is.not(idOf(a), idOf(b));
  const b3 = idOf(b);

  assert.is(await b.node.chain.acceptBlock(await blockAt(a, 3)), 'stored', 'a tie keeps the head seen first');
  assert.is(idOf(b), b3);
  assert.is(doubles.length, 1);
  assert.is(doubles[0]!.producer, 'eosio');
  assert.is(doubles[0]!.slot, slot);
  assert.is(await b.node.chain.acceptBlock(await blockAt(a, 3)), 'known');

  assert.is((await a.node.chain.produceSlot(a.node.chain.head.timestamp + 1))?.num, 4);
  assert.is(await b.node.chain.acceptBlock(await blockAt(a, 4)), 'applied', 'the longer branch wins');
  assert.is(idOf(b), idOf(a));
  assert.ok(b.node.chain.state.getAccount('alice'));
  assert.is(b.node.chain.pendingCount, 1, "b's own transaction is pending again");
  assert.ok(b.node.chain.state.getAccount('bob'));
  b.node.chain.abortBlock();
  assert.is(bytesToHex(b.node.chain.state.digest()), bytesToHex(a.node.chain.state.digest()));
  assert.is(
    bytesToHex((await b.node.chain.getBlock(3))!.id),
    bytesToHex((await a.node.chain.getBlock(3))!.id),
    'the log holds the winning block 3',
  );

  // refused blocks move nothing
  const before = idOf(b);
  const made: Array<number | undefined> = [];
  for (let i = 0; i < 2; i++) made.push((await a.node.chain.produceSlot(a.node.chain.head.timestamp + 1))?.num);
  assert.equal(made, [5, 6]);
  assert.is(await refusalCode(b.node.chain.acceptBlock(await blockAt(a, 6))), 'unlinkable_block_exception');
  const forged = { ...(await blockAt(a, 5)), actionMroot: new Uint8Array(32).fill(7) };
  assert.is(await refusalCode(b.node.chain.acceptBlock(forged)), 'wrong_signing_key');
  assert.is(idOf(b), before);
  assert.is(await b.node.chain.acceptBlock(await blockAt(a, 5)), 'applied');
  assert.is(await b.node.chain.acceptBlock(await blockAt(a, 6)), 'applied');
  assert.is(idOf(b), idOf(a));

  // a restart replays the rewritten log to the same head and state
  const digest = bytesToHex(b.node.chain.state.digest());
  await b.node.close();
  open.splice(open.indexOf(b), 1);
  const again = await startNode({ dev: true, dataDir: bdir, autoProduce: false });
  try {
    assert.is(bytesToHex(again.chain.head.id), idOf(a));
    assert.is(bytesToHex(again.chain.state.digest()), digest);
  } finally {
    await again.close();
    removeDir(bdir);
  }
});

test('get_transaction_status says FORKED_OUT for a transaction whose block lost a fork and could not apply again', async () => {
  const a = await startDevNode();
  const bdir = tempDir();
  copyFileSync(join(a.dir, 'genesis.json'), join(bdir, 'genesis.json'));
  const b = await startDevNode(bdir);
  open.push(a, b);
  const status = async (n: DevNode, id: string) => (await n.client.v1.chain.get_transaction_status(id)).state;
  await a.node.produceBlock();
  assert.is(await b.node.chain.acceptBlock(await blockAt(a, 2)), 'applied');
  const slot = a.node.chain.head.timestamp + 1;

  // both create "carol" in block 3 for one slot: b's transaction cannot apply after a's branch wins
  const ta = await transact(a.client, [newAccountAction('carol', pub)]);
  const tb = await transact(b.client, [newAccountAction('carol', pub)], { expireSeconds: 90 });
  assert.is.not(String(ta.transaction_id), String(tb.transaction_id));
  await a.node.chain.produceSlot(slot);
  await b.node.chain.produceSlot(slot);
  // (one producer: its own blocks count as irreversible at once, as in the first test)
  assert.ok(['IN_BLOCK', 'IRREVERSIBLE'].includes(await status(b, String(tb.transaction_id))));
  assert.is(await b.node.chain.acceptBlock(await blockAt(a, 3)), 'stored');
  await a.node.chain.produceSlot(a.node.chain.head.timestamp + 1);
  assert.is(await b.node.chain.acceptBlock(await blockAt(a, 4)), 'applied');
  assert.is(idOf(b), idOf(a));

  assert.is(await status(b, String(tb.transaction_id)), 'FORKED_OUT');
  assert.ok(['IN_BLOCK', 'IRREVERSIBLE'].includes(await status(b, String(ta.transaction_id))));
});

test.run();
