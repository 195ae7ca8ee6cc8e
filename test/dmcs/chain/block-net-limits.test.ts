// Leap's objective net limits, from the chain's configuration (its genesis): a transaction of more
// than max_transaction_net_usage bytes is refused (tx_net_usage_exceeded); a push that would take
// the pending block past max_block_net_usage is refused (block_net_usage_exceeded) and fits in the
// next block; a peer's block past the limit is refused as a whole, nothing applied. The chain here
// has small limits (4 KiB a block, 2 KiB a transaction) so a few accounts fill a block.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, PublicKey } from '../../../abi/antelope/index.js';
import { newGenesis } from '../../../dmcs/chain/genesis.js';
import type { SignedBlock } from '../../../dmcs/block.js';
import {
  DEV_KEY,
  errorName,
  newAccountAction,
  refusalCode,
  restartCarrying,
  startDevNode,
  tempDir,
  testKey,
  transact,
  type DevNode,
} from '../helpers.js';

const BLOCK_BYTES = 4096;
const TRX_BYTES = 2048;
const open: DevNode[] = [];
test.after(async () => {
  for (const n of open) await n.close();
});

/** A dev node on a chain whose genesis sets the small limits (both nodes of a pair share it). */
async function smallChain(genesisFrom?: DevNode): Promise<DevNode> {
  const dir = tempDir();
  if (genesisFrom) copyFileSync(join(genesisFrom.dir, 'genesis.json'), join(dir, 'genesis.json'));
  else {
    const g = newGenesis(PublicKey.from(DEV_KEY.toPublic().toString()));
    g.initial_configuration = { ...g.initial_configuration, max_block_net_usage: BLOCK_BYTES, max_transaction_net_usage: TRX_BYTES };
    writeFileSync(join(dir, 'genesis.json'), JSON.stringify(g));
  }
  const n = await startDevNode(dir);
  open.push(n);
  return n;
}

const pub = DEV_KEY.toPublic().toString();
const letters = 'abcdefghijklmnopqrstuvwxyz';
const account = (i: number) => `netacct${letters[Math.floor(i / 26)]}${letters[i % 26]}`;

test('a transaction over max_transaction_net_usage is tx_net_usage_exceeded', async () => {
  const a = await smallChain();
  const keys = Array.from({ length: 80 }, (_, i) => testKey(`net ${i}`).toPublic().toString()).sort();
  const auth = { threshold: 1, keys: keys.map((key) => ({ key, weight: 1 })), accounts: [], waits: [] };
  const big = {
    account: 'eosio',
    name: 'newaccount',
    authorization: 'eosio@active',
    data: { creator: 'eosio', name: 'bignet', owner: auth, active: auth },
  };
  assert.is(await errorName(transact(a.client, [big])), 'tx_net_usage_exceeded');
  assert.not.ok(a.node.chain.state.getAccount('bignet'));
});

test('a push that would take the pending block past max_block_net_usage is refused, and fits in the next block', async () => {
  const a = await smallChain();
  let i = 0;
  let refused = '';
  for (; i < 200 && !refused; i++) {
    try {
      await transact(a.client, [newAccountAction(account(i), pub)]);
    } catch (e) {
      refused = (e as { error?: { name?: string } }).error?.name ?? String(e);
    }
  }
  assert.is(refused, 'block_net_usage_exceeded');
  const inBlock = a.node.chain.pendingCount;
  assert.ok(inBlock >= 5, `${inBlock} transactions fit`);
  await a.node.produceBlock();
  const sealed = (await a.node.chain.getBlock(a.node.chain.head.num))!.block;
  const words = sealed.transactions.reduce((n, r) => n + r.netUsageWords, 0);
  assert.ok(words * 8 <= BLOCK_BYTES, `${words * 8} bytes in the block`);
  // the refused one goes into the next block
  await transact(a.client, [newAccountAction(account(i - 1), pub)]);
  assert.is(a.node.chain.pendingCount, 1);
});

test('on a node that seals its own blocks, pushes that meet a full block wait for the next: all land, no block over the limit', async () => {
  const dir = tempDir();
  const g = newGenesis(PublicKey.from(DEV_KEY.toPublic().toString()));
  g.initial_configuration = { ...g.initial_configuration, max_block_net_usage: BLOCK_BYTES, max_transaction_net_usage: TRX_BYTES };
  writeFileSync(join(dir, 'genesis.json'), JSON.stringify(g));
  const a = await startDevNode(dir, { autoProduce: true });
  open.push(a);
  const head0 = a.node.chain.head.num;
  const n = 45;
  const replies = await Promise.all(Array.from({ length: n }, (_, i) => transact(a.client, [newAccountAction(account(i), pub)])));
  assert.is(replies.length, n);
  await a.node.produceBlock();
  let landed = 0;
  for (let num = head0 + 1; num <= a.node.chain.head.num; num++) {
    const b = (await a.node.chain.getBlock(num))!.block;
    assert.ok(b.transactions.reduce((w, r) => w + r.netUsageWords, 0) * 8 <= BLOCK_BYTES, `block ${num} within the limit`);
    landed += b.transactions.length;
  }
  assert.is(landed, n, 'every push is in a block');
  assert.ok(a.node.chain.head.num - head0 >= 2, 'they took more than one block');
});

test("acknowledged transactions the journal carries past one block's limit all land on restart, in blocks within it", async () => {
  const a = await smallChain();
  const n = 45;
  const {
    node: again,
    headBefore: head0,
    notes,
  } = await restartCarrying(
    a,
    Array.from({ length: n }, (_, i) => [newAccountAction(account(i), pub)]),
  );
  try {
    assert.equal(again.recovered, { carried: n, reapplied: n, alreadyInBlock: 0, failed: 0 }, notes.join(' | '));
    for (let i = 0; i < n; i++) assert.ok(again.chain.state.getAccount(account(i)), account(i));
    let landed = 0;
    for (let num = head0 + 1; num <= again.chain.head.num; num++) {
      const b = (await again.chain.getBlock(num))!.block;
      assert.ok(b.transactions.reduce((w, r) => w + r.netUsageWords, 0) * 8 <= BLOCK_BYTES, `block ${num} within the limit`);
      landed += b.transactions.length;
    }
    assert.is(landed, n);
    assert.ok(again.chain.head.num - head0 >= 2, 'more than one block');
  } finally {
    await again.close();
  }
});

test("a peer's block past max_block_net_usage is refused whole", async () => {
  const a = await smallChain();
  const b = await smallChain(a);
  await a.node.produceBlock();
  assert.is(await b.node.chain.acceptBlock((await a.node.chain.getBlock(2))!.block), 'applied');
  // the producer's modified software does not count the block's net usage
  (a.node.chain as unknown as Record<string, unknown>).checkNetUsage = () => {};
  for (let i = 0; i < 40; i++) await transact(a.client, [newAccountAction(account(i), pub)]);
  const made = await a.node.produceBlock();
  const block: SignedBlock = (await a.node.chain.getBlock(made.num))!.block;
  assert.ok(block.transactions.reduce((n, r) => n + r.netUsageWords, 0) * 8 > BLOCK_BYTES);
  const before = { head: bytesToHex(b.node.chain.head.id), digest: bytesToHex(b.node.chain.state.digest()) };
  assert.is(await refusalCode(b.node.chain.acceptBlock(block)), 'block_net_usage_exceeded');
  assert.equal({ head: bytesToHex(b.node.chain.head.id), digest: bytesToHex(b.node.chain.state.digest()) }, before);
});

test.run();
