// Leap's abort_block and popping blocks, on a real node: the pending block's changes are undone
// exactly (the incremental state digest comes back bit for bit) and its transactions come back as
// "unapplied transactions" that can be re-applied on the next head; a reversible block can be
// popped the same way; a producing node drops its pending block, applies a peer's block for the
// same slot and then re-applies its own transactions on top of it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex } from '../../../abi/antelope/index.js';
import { removeDir, startDevNode, tempDir, transact, newAccountAction, DEV_KEY, type DevNode } from '../helpers.js';

const pub = DEV_KEY.toPublic().toString();
const open: DevNode[] = [];
test.after(async () => {
  for (const n of open) await n.close();
});

const digestOf = (n: DevNode) => bytesToHex(n.node.chain.state.digest());

test('abortBlock undoes the pending block and hands its transactions back; reapply runs them again', async () => {
  const a = await startDevNode();
  open.push(a);
  await a.node.produceBlock();
  const before = digestOf(a);
  await transact(a.client, [newAccountAction('alice', pub)]);
  await transact(a.client, [newAccountAction('bob', pub)]);
  const withBoth = digestOf(a);
  const withBothTime = a.node.chain.pendingBlockTime();
  assert.is.not(withBoth, before);
  const unapplied = a.node.chain.abortBlock();
  assert.is(unapplied.length, 2);
  assert.is(a.node.chain.pendingCount, 0);
  assert.is(digestOf(a), before, 'the state is exactly what it was before the pending block');
  assert.not.ok(a.node.chain.state.getAccount('alice'));
  assert.is(bytesToHex(a.node.chain.state.recomputeDigest()), before, 'the incremental digest agrees with one from scratch');
  assert.is(a.node.chain.reapply(unapplied), 2);
  assert.ok(a.node.chain.state.getAccount('alice') && a.node.chain.state.getAccount('bob'));
  // the same state as before the abort unless the pending block's time moved meanwhile (creation times differ)
  if (a.node.chain.pendingBlockTime() === withBothTime) assert.is(digestOf(a), withBoth);
  assert.is(bytesToHex(a.node.chain.state.recomputeDigest()), digestOf(a));
  const { num } = await a.node.produceBlock();
  assert.is((await a.node.chain.getBlock(num))!.block.transactions.length, 2);
  assert.is(a.node.chain.abortBlock().length, 0, 'nothing pending after sealing');
});

test('popBlock undoes a reversible block; its transactions can be applied again', async () => {
  const a = open[0]!;
  const before = digestOf(a);
  const headBefore = a.node.chain.head.num;
  await transact(a.client, [newAccountAction('carol', pub)]);
  await a.node.produceBlock();
  const popped = a.node.chain.popBlock();
  assert.is(popped.num, headBefore + 1);
  assert.is(a.node.chain.head.num, headBefore);
  assert.is(digestOf(a), before);
  assert.not.ok(a.node.chain.state.getAccount('carol'));
  // the popped transaction is not a duplicate any more
  assert.is(a.node.chain.reapply(popped.block.transactions.map((r) => r.trx)), 1);
  assert.ok(a.node.chain.state.getAccount('carol'));
  a.node.chain.abortBlock();
});

test("a producing node drops its pending block, applies a peer's block for the same slot, and re-applies its own", async () => {
  const a = await startDevNode();
  open.push(a);
  const bdir = tempDir();
  copyFileSync(join(a.dir, 'genesis.json'), join(bdir, 'genesis.json'));
  const b = await startDevNode(bdir);
  open.push(b);
  assert.is(b.node.chain.chainIdHex, a.node.chain.chainIdHex);
  // both at the same head
  await a.node.produceBlock();
  b.node.chain.applyBlock((await a.node.chain.getBlock(2))!.block);
  assert.is(bytesToHex(b.node.chain.head.id), bytesToHex(a.node.chain.head.id));

  await transact(a.client, [newAccountAction('dave', pub)]);
  await transact(b.client, [newAccountAction('erin', pub)]);
  await a.node.produceBlock();
  const peerBlock = (await a.node.chain.getBlock(3))!.block;
  const unapplied = b.node.chain.abortBlock();
  b.node.chain.applyBlock(peerBlock);
  assert.is(bytesToHex(b.node.chain.head.id), bytesToHex(a.node.chain.head.id));
  assert.is(digestOf(b), digestOf(a), 'same state as the peer after its block');
  assert.is(b.node.chain.reapply(unapplied), 1);
  assert.ok(b.node.chain.state.getAccount('erin'));
  assert.ok(b.node.chain.state.getAccount('dave'));
  removeDir(bdir);
});

test.run();
