// What get_transaction_status keeps (dmcs/chain/transaction-status.ts): a transaction applied into
// the pending block is LOCALLY_APPLIED until that block is sealed or applied; `included` marks only
// the transactions of its own block (re-applied ones move to their new block); the count is capped
// at MAX_TRACKED_TRANSACTIONS, oldest first; and a block's transactions are forgotten once they are
// STATUS_RETENTION_MS older than the newest block.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_TRACKED_TRANSACTIONS, STATUS_RETENTION_MS, TransactionStatus } from '../../../dmcs/chain/transaction-status.js';

const blockId = (n: number) => new Uint8Array(32).fill(n);

test('included marks its own block only; a re-applied transaction follows its new block', () => {
  const s = new TransactionStatus();
  s.applied('a', 100, 5);
  s.applied('b', 100, 5);
  s.applied('c', 100, 6);
  s.included(5, blockId(5), 1_000);
  assert.equal(s.get('a')?.block?.id, blockId(5));
  assert.equal(s.get('b')?.block?.timeMs, 1_000);
  assert.is(s.get('c')?.block, undefined);
  assert.is(s.earliestBlock(), 5);
  // 'c' was in an abandoned pending block 6 and is re-applied into 7
  s.applied('c', 100, 7);
  s.included(6, blockId(6), 1_500);
  assert.is(s.get('c')?.block, undefined);
  assert.is(s.get('c')?.blockNum, 7);
  s.included(7, blockId(7), 2_000);
  assert.equal(s.get('c')?.block?.id, blockId(7));
  // a replayed block names its transactions: they move to it, marked at once
  s.included(8, blockId(8), 2_500, [
    ['a', 100],
    ['d', 100],
  ]);
  assert.is(s.get('a')?.blockNum, 8);
  assert.equal(s.get('a')?.block?.id, blockId(8));
  assert.equal(s.get('d')?.block?.id, blockId(8));
  assert.is(s.get('b')?.blockNum, 5);
});

test('retention forgets old blocks oldest first, and stops at a transaction not yet in a block', () => {
  const s = new TransactionStatus();
  s.applied('old', 100, 1);
  s.included(1, blockId(1), 0);
  s.applied('waiting', 100, 2);
  s.applied('later', 100, 3);
  s.included(3, blockId(3), STATUS_RETENTION_MS + 1);
  assert.is(s.get('old'), undefined);
  assert.ok(s.get('waiting'));
  assert.is(s.earliestBlock(), 3);
  s.included(2, blockId(2), STATUS_RETENTION_MS + 2);
  assert.equal(s.get('waiting')?.block?.id, blockId(2));
});

test(`at most MAX_TRACKED_TRANSACTIONS (${MAX_TRACKED_TRANSACTIONS}) are tracked; the evicted leave their block's set`, () => {
  const s = new TransactionStatus();
  for (let i = 0; i < MAX_TRACKED_TRANSACTIONS + 10; i++) s.applied(`t${i}`, 100, 1 + (i % 2));
  for (let i = 0; i < 10; i++) assert.is(s.get(`t${i}`), undefined);
  assert.ok(s.get(`t${MAX_TRACKED_TRANSACTIONS + 9}`));
  s.included(1, blockId(1), 1);
  s.included(2, blockId(2), 1);
  let marked = 0;
  for (let i = 10; i < MAX_TRACKED_TRANSACTIONS + 10; i++) if (s.get(`t${i}`)?.block) marked++;
  assert.is(marked, MAX_TRACKED_TRANSACTIONS);
  // evicted ids applied again are tracked afresh
  s.applied('t0', 100, 3);
  assert.is(s.get('t0')?.blockNum, 3);
  assert.is(s.get('t10'), undefined);
});

test('an id applied again becomes the newest; many applications again keep the order and the cap', () => {
  const s = new TransactionStatus();
  s.applied('first', 100, 1);
  for (let i = 0; i < MAX_TRACKED_TRANSACTIONS - 1; i++) s.applied(`t${i}`, 100, 1);
  // 'first' applied again 5,000 times (a stale queue entry each): it is the newest, t0 the oldest
  for (let i = 0; i < 5_000; i++) s.applied('first', 100, 2);
  s.applied('next', 100, 2);
  assert.is(s.get('t0'), undefined, 'the oldest went');
  assert.ok(s.get('t1'));
  assert.is(s.get('first')?.blockNum, 2);
  s.included(1, blockId(1), 1);
  s.included(2, blockId(2), 2);
  assert.is(s.earliestBlock(), 1);
  // retention past block 1's time: block 1's transactions go, oldest first, 'first' and 'next' stay
  s.included(3, blockId(3), STATUS_RETENTION_MS + 1.5);
  assert.is(s.get('t1'), undefined);
  assert.ok(s.get('first') && s.get('next'));
  assert.is(s.earliestBlock(), 2);
});

test.run();
