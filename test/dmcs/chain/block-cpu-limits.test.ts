// The chain's CPU limits, as Leap bills them (a transaction's metered units, 1,000 a µs, and at
// least min_transaction_cpu_usage): a push that would take the pending block past
// max_block_cpu_usage is refused (block_cpu_usage_exceeded) and fits in the next block; one past
// max_transaction_cpu_usage is tx_cpu_usage_exceeded; a block holds at most the limit over the
// minimum of cheap transactions; a peer's block past the limit is refused whole, and validating it
// runs no more than the limit (before, a producer could fill a block with transactions that each
// ran to the transaction limit, and every validator ran them all). The chain here has a block
// limit of 20 ms, a transaction limit of 15 ms and a minimum of 1 ms (20 transactions a block);
// each heavy push runs about 8 ms. A fork switch that hands back two blocks' worth (a popped block
// and a full pending one) keeps what does not fit waiting (journaled) for the next blocks instead of
// dropping it, up to a cap past which the newest are dropped and reported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, PublicKey } from '../../../abi/antelope/index.js';
import { newGenesis } from '../../../dmcs/chain/genesis.js';
import { CPU_UNITS_PER_US } from '../../../dmcs/chain/transaction-executor.js';
import type { SignedBlock } from '../../../dmcs/block.js';
import { AcceptedJournal, ACCEPTED_JOURNAL_FILE } from '../../../dmcs/block/accepted-journal.js';
import { decodePackedTrx, packedTrxFromJson } from '../../../dmcs/packed-transaction.js';
import { loopsHex, spinWasm } from './spin-contract.js';
import {
  buildSigned,
  DEV_KEY,
  errorName,
  newAccountAction,
  countExecutions,
  refusalCode,
  restartCarrying,
  startDevNode,
  tempDir,
  transact,
  type DevNode,
  setcodeAction,
} from '../helpers.js';

const BLOCK_CPU_US = 20_000;
const TRX_CPU_US = 15_000;
const MIN_CPU_US = 1_000;
const BUDGET_UNITS = BLOCK_CPU_US * CPU_UNITS_PER_US;
const HEAVY_US = 8_000;
const open: DevNode[] = [];
test.after(async () => {
  for (const n of open) await n.close();
});

const pub = DEV_KEY.toPublic().toString();

function smallGenesis(dir: string): void {
  const g = newGenesis(PublicKey.from(pub));
  g.initial_configuration = {
    ...g.initial_configuration,
    max_block_cpu_usage: BLOCK_CPU_US,
    max_transaction_cpu_usage: TRX_CPU_US,
    min_transaction_cpu_usage: MIN_CPU_US,
  };
  writeFileSync(join(dir, 'genesis.json'), JSON.stringify(g));
}

/** How many loops of `spin` run about `us` µs of metered CPU on this node (measured on a small run). */
let loopsPerUs = 0;

/** A dev node on the small-budget chain with `spin` deployed (a second node shares the first's genesis). */
async function smallChain(opts: { genesisFrom?: DevNode; autoProduce?: boolean } = {}): Promise<DevNode> {
  const dir = tempDir();
  if (opts.genesisFrom) copyFileSync(join(opts.genesisFrom.dir, 'genesis.json'), join(dir, 'genesis.json'));
  else smallGenesis(dir);
  const n = await startDevNode(dir, { autoProduce: opts.autoProduce ?? false });
  open.push(n);
  if (opts.genesisFrom) return n;
  await transact(n.client, [newAccountAction('spin', pub)]);
  await transact(n.client, [setcodeAction('spin', spinWasm())]);
  if (!loopsPerUs) {
    const r = await spinFor(n, 0, 200_000);
    loopsPerUs = 200_000 / r.processed.receipt.cpu_usage_us;
  }
  return n;
}

/** A `spin` push of `loops` loops (plus `salt`, so equal pushes are distinct transactions). */
function spinFor(n: DevNode, salt: number, loops: number) {
  return transact(n.client, [{ account: 'spin', name: 'go', authorization: 'spin@active', data: loopsHex(loops + salt) }]);
}
const heavy = (n: DevNode, salt: number) => spinFor(n, salt, Math.round(HEAVY_US * loopsPerUs));

/** The metered CPU of block `num`'s transactions, from their receipts (µs, rounded up each). */
async function blockCpuUs(n: DevNode, num: number): Promise<number> {
  const b = (await n.node.chain.getBlock(num))!.block;
  return b.transactions.reduce((us, r) => us + r.cpuUsageUs, 0);
}

test('a push past the block CPU budget is block_cpu_usage_exceeded, and fits in the next block', async () => {
  const a = await smallChain();
  await a.node.produceBlock();
  await heavy(a, 1);
  await heavy(a, 2);
  assert.is(await errorName(heavy(a, 3)), 'block_cpu_usage_exceeded');
  assert.is(a.node.chain.pendingCount, 2);
  const made = await a.node.produceBlock();
  assert.ok((await blockCpuUs(a, made.num)) <= BLOCK_CPU_US, 'the block is within its limit');
  await heavy(a, 3);
  assert.is(a.node.chain.pendingCount, 1);
});

test("a transaction past the chain's max_transaction_cpu_usage is tx_cpu_usage_exceeded, in an empty block too", async () => {
  const a = await smallChain();
  await a.node.produceBlock();
  assert.is(await errorName(spinFor(a, 0, Math.round(TRX_CPU_US * 1.2 * loopsPerUs))), 'tx_cpu_usage_exceeded');
  assert.is(a.node.chain.pendingCount, 0);
  await spinFor(a, 0, Math.round(TRX_CPU_US * 0.9 * loopsPerUs));
});

test('a block holds at most max_block_cpu_usage / min_transaction_cpu_usage transactions, however cheap', async () => {
  const a = await smallChain();
  await a.node.produceBlock();
  const fit = BLOCK_CPU_US / MIN_CPU_US;
  for (let i = 0; i < fit; i++) await spinFor(a, i, 1);
  assert.is(await errorName(spinFor(a, fit, 1)), 'block_cpu_usage_exceeded');
  const made = await a.node.produceBlock();
  assert.is((await a.node.chain.getBlock(made.num))!.block.transactions.length, fit);
  assert.is(await blockCpuUs(a, made.num), BLOCK_CPU_US, 'each billed the minimum');
});

test('on a node that seals its own blocks, heavy pushes that meet a full block wait for the next: all land, each block within the budget', async () => {
  const a = await smallChain({ autoProduce: true });
  await a.node.produceBlock(); // the set-up's pushes
  const head0 = a.node.chain.head.num;
  const n = 6;
  const replies = await Promise.all(Array.from({ length: n }, (_, i) => heavy(a, 10 + i)));
  assert.is(replies.length, n);
  await a.node.produceBlock();
  let landed = 0;
  for (let num = head0 + 1; num <= a.node.chain.head.num; num++) {
    assert.ok((await blockCpuUs(a, num)) <= BLOCK_CPU_US, `block ${num} within the limit`);
    landed += (await a.node.chain.getBlock(num))!.block.transactions.length;
  }
  assert.is(landed, n, 'every push is in a block');
  assert.ok(a.node.chain.head.num - head0 >= 3, 'they took three blocks or more');
});

test("acknowledged heavy transactions the journal carries past one block's budget all land on restart", async () => {
  const a = await smallChain();
  await a.node.produceBlock();
  const n = 5;
  const loops = Math.round(HEAVY_US * loopsPerUs);
  const {
    node: again,
    headBefore: head0,
    notes,
  } = await restartCarrying(
    a,
    Array.from({ length: n }, (_, i) => [{ account: 'spin', name: 'go', authorization: 'spin@active', data: loopsHex(loops + 20 + i) }]),
  );
  try {
    assert.equal(again.recovered, { carried: n, reapplied: n, alreadyInBlock: 0, failed: 0 }, notes.join(' | '));
    assert.ok(again.chain.head.num - head0 >= 3, 'three blocks or more');
  } finally {
    await again.close();
  }
});

test('a fork switch that hands back more transactions than a block holds keeps the rest waiting, journaled, until each lands', async () => {
  const a = await smallChain();
  const b = await smallChain({ genesisFrom: a });
  await a.node.produceBlock();
  for (let num = b.node.chain.head.num + 1; num <= a.node.chain.head.num; num++)
    assert.is(await b.node.chain.acceptBlock((await a.node.chain.getBlock(num))!.block), 'applied');
  const fit = BLOCK_CPU_US / MIN_CPU_US;
  const fork = a.node.chain.head.num;
  const slot = a.node.chain.head.timestamp + 1;
  // b fills a block of its own and its pending block; a makes two empty blocks for the same slots: a's branch is longer
  const ids: string[] = [];
  const push = async (n: number) => {
    for (let i = 0; i < fit; i++) ids.push(String((await spinFor(b, 200 + n * fit + i, 1)).transaction_id));
  };
  // a's two blocks first, before b's pushes give a's head time to move on (under load it did)
  for (const k of [0, 1]) assert.is((await a.node.chain.produceSlot(slot + k))?.num, fork + 1 + k);
  await push(0);
  assert.is((await b.node.chain.produceSlot(slot))?.num, fork + 1);
  await push(1);
  assert.is(b.node.chain.pendingCount, fit);
  const outcomes = [];
  for (let num = fork + 1; num <= fork + 2; num++) outcomes.push(await b.node.chain.acceptBlock((await a.node.chain.getBlock(num))!.block));
  assert.equal(outcomes, ['stored', 'applied']);
  assert.is(bytesToHex(b.node.chain.head.id), bytesToHex(a.node.chain.head.id), "b is on a's branch");
  assert.is(b.node.chain.pendingCount, fit, 'one block of them pending again');
  assert.is(b.node.chain.waitingCount, fit, 'the other block of them waiting (before, dropped)');

  // the journal holds them all past the head: a crash now loses none of the acknowledged transactions
  await new Promise((r) => setTimeout(r, 100)); // the journal's group sync
  const copy = join(tempDir(), 'accepted.log');
  copyFileSync(join(b.dir, ACCEPTED_JOURNAL_FILE), copy);
  const { journal, carried } = await AcceptedJournal.open(copy, { durable: b.node.chain.head.num });
  await journal.close();
  assert.equal(new Set(carried.map((t) => decodePackedTrx(t).idHex)), new Set(ids), 'every one of them is carried by a restart');

  // the waiting enter the next block first, and every one lands, each block within the limit
  const first = await b.node.produceBlock();
  assert.is(b.node.chain.waitingCount, 0);
  assert.is(b.node.chain.pendingCount, fit);
  await b.node.produceBlock();
  const landed = new Set<string>();
  for (let num = first.num; num <= b.node.chain.head.num; num++) {
    assert.ok((await blockCpuUs(b, num)) <= BLOCK_CPU_US, `block ${num} within the limit`);
    for (const r of (await b.node.chain.getBlock(num))!.block.transactions) landed.add(decodePackedTrx(r.trx).idHex);
  }
  assert.equal(landed, new Set(ids));
});

test('past the cap of waiting transactions the newest are dropped, and the drop is reported', async () => {
  const a = await smallChain();
  await a.node.produceBlock();
  const fit = BLOCK_CPU_US / MIN_CPU_US;
  const cap = 5;
  // what a fork switch hands back: two blocks' worth of transactions, in order
  const handed = [];
  for (let i = 0; i < 2 * fit; i++) {
    const signed = await buildSigned(a.client, [
      { account: 'spin', name: 'go', authorization: 'spin@active', data: loopsHex(1 + 400 + i) },
    ]);
    handed.push(packedTrxFromJson(JSON.parse(JSON.stringify(signed.packed))));
  }
  const chain = a.node.chain as unknown as { maxWaiting: number; events: { unappliedDropped?: (n: number, cap: number) => void } };
  chain.maxWaiting = cap; // MAX_WAITING_TRANSACTIONS, lowered: 16,384 waiting would take minutes here
  const dropped: [number, number][] = [];
  const report = chain.events.unappliedDropped;
  chain.events.unappliedDropped = (n, c) => {
    dropped.push([n, c]);
    report?.(n, c);
  };
  assert.is(a.node.chain.reapply(handed), fit, 'a block of them enters the pending block');
  assert.is(a.node.chain.waitingCount, cap);
  assert.equal(dropped, [[fit - cap, cap]], 'the drop is reported once, with its count and the cap in force');
  const first = await a.node.produceBlock();
  assert.is(a.node.chain.waitingCount, 0);
  await a.node.produceBlock();
  const landed: string[] = [];
  for (let num = first.num; num <= a.node.chain.head.num; num++)
    for (const r of (await a.node.chain.getBlock(num))!.block.transactions) landed.push(decodePackedTrx(r.trx).idHex);
  assert.equal(
    landed,
    handed.slice(0, fit + cap).map((t) => decodePackedTrx(t).idHex),
    'the oldest land, in order; the newest were dropped',
  );
});

/**
 * A validator `b` at the head of producer `a`, and `a`'s next block of `push`ed transactions, made
 * by modified software that gives its blocks no CPU limit; then `b` is given that block, counting
 * the transactions it runs and their units.
 */
async function forgedBlock(push: (a: DevNode, i: number) => Promise<unknown>, n: number) {
  const a = await smallChain();
  const b = await smallChain({ genesisFrom: a });
  await a.node.produceBlock();
  for (let num = b.node.chain.head.num + 1; num <= a.node.chain.head.num; num++)
    assert.is(await b.node.chain.acceptBlock((await a.node.chain.getBlock(num))!.block), 'applied');
  (a.node.chain as unknown as Record<string, unknown>).blockCpu = () => undefined;
  for (let i = 0; i < n; i++) await push(a, i);
  const made = await a.node.produceBlock();
  const block: SignedBlock = (await a.node.chain.getBlock(made.num))!.block;
  assert.is(block.transactions.length, n);
  const billedUs = await blockCpuUs(a, made.num);

  const ran = countExecutions(b.node.chain);
  const before = { head: bytesToHex(b.node.chain.head.id), digest: bytesToHex(b.node.chain.state.digest()) };
  const code = await refusalCode(b.node.chain.acceptBlock(block));
  assert.equal({ head: bytesToHex(b.node.chain.head.id), digest: bytesToHex(b.node.chain.state.digest()) }, before, 'nothing applied');
  return { code, billedUs, ran };
}

test("a peer's block of heavy transactions past the limit is refused whole, after running no more than the limit", async () => {
  const { code, billedUs, ran } = await forgedBlock((a, i) => heavy(a, 40 + i), 8);
  assert.ok(billedUs > BLOCK_CPU_US * 3, `the block holds ${billedUs} us`);
  assert.is(code, 'block_cpu_usage_exceeded');
  assert.ok(ran.transactions <= 3, `the validator ran ${ran.transactions} of the block's 8 transactions`);
  assert.ok(ran.units <= BUDGET_UNITS, `${ran.units} units run`);
});

test("a peer's block of more cheap transactions than the limit holds is refused whole", async () => {
  const n = BLOCK_CPU_US / MIN_CPU_US + 10;
  const { code, billedUs, ran } = await forgedBlock((a, i) => spinFor(a, 100 + i, 1), n);
  assert.is(billedUs, n * MIN_CPU_US);
  assert.is(code, 'block_cpu_usage_exceeded');
  assert.is(ran.transactions, BLOCK_CPU_US / MIN_CPU_US, 'it stopped at the first transaction past the limit');
});

test.run();
