// The state's bounded caches drop the least recently used first: accounts and tables read again
// after they were loaded outlive those loaded after them and not read since, whatever the order
// they were loaded in (a cache in load order would keep the wrong ones). A cache hit costs no
// store read; the stamps behind the order (use-stamps.ts) pick exactly the oldest at a trim.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { TRIM_TO } from '../../../dmcs/state/account-store.js';
import { oldestCut } from '../../../dmcs/state/use-stamps.js';
import { singleKeyAuthority } from '../../../dmcs/authority.js';
import { PrivateKey } from '../../../abi/antelope/index.js';
import { blockEnd } from './block-end.js';
import { countingStore } from './counting-store.js';

const auth = singleKeyAuthority(PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3').toPublic());
const BUDGET = 8;
const KEEP = Math.floor(BUDGET * TRIM_TO); // 6
const nameOf = (i: number) => `acct${String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26))}`;

/** A state over a fresh store whose reads are counted. */
function counted(): { st: ChainState; reads: () => number; done: () => Promise<void> } {
  const { store, dir, reads } = countingStore('peeros-cache-recency-');
  const st = new ChainState({ store, accountCache: BUDGET, tableCache: BUDGET });
  return { st, reads, done: () => st.close().then(() => rmSync(dir, { recursive: true, force: true })) };
}

/** Loads 10..17, reads 10, 11, 12 again, loads 18 and 19, trims: the 6 used last are 19, 18, 12, 11, 10, 17. */
const USED_LAST = [10, 11, 12, 17, 18, 19];
const NOT_USED_SINCE = [13, 14, 15, 16];

async function touchAndTrim(st: ChainState, use: (i: number) => unknown): Promise<void> {
  for (let i = 10; i < 18; i++) assert.ok(use(i), `${i} exists`);
  for (const i of [10, 11, 12]) use(i);
  for (const i of [18, 19]) use(i);
  await blockEnd(st, undefined, true);
}

test('accounts read since they were loaded outlive the ones loaded after them', async () => {
  const { st, reads, done } = counted();
  try {
    const mark = st.undo.checkpoint();
    for (let i = 0; i < 40; i++) st.createAccount(nameOf(i), auth, auth, 0);
    st.undo.commit(mark);
    await blockEnd(st, { due: true, writes: () => [] }, true);
    assert.ok(st.accounts.cached <= BUDGET, `${st.accounts.cached} cached`);
    await touchAndTrim(st, (i) => st.getAccount(nameOf(i)));
    assert.is(st.accounts.cached, KEEP);
    const before = reads();
    for (const i of USED_LAST) assert.ok(st.getAccount(nameOf(i)), nameOf(i));
    assert.is(reads() - before, 0, 'the accounts used last are cached');
    for (const i of NOT_USED_SINCE) assert.ok(st.getAccount(nameOf(i)), nameOf(i));
    assert.is(reads() - before, NOT_USED_SINCE.length, 'the others were dropped');
  } finally {
    await done();
  }
});

test('tables read since they were loaded outlive the ones loaded after them', async () => {
  const { st, reads, done } = counted();
  const CODE = 11n;
  try {
    const mark = st.undo.checkpoint();
    for (let i = 0; i < 40; i++) st.tables.createTable(CODE, BigInt(i), 7n, 5n).store(5n, 1n, new Uint8Array([i]));
    st.undo.commit(mark);
    await blockEnd(st, { due: true, writes: () => [] }, true);
    assert.ok(st.tables.cached <= BUDGET, `${st.tables.cached} cached`);
    await touchAndTrim(st, (i) => st.tables.findTable(CODE, BigInt(i), 7n));
    assert.is(st.tables.cached, KEEP);
    const before = reads();
    for (const i of USED_LAST) assert.ok(st.tables.findTable(CODE, BigInt(i), 7n), `table ${i}`);
    assert.is(reads() - before, 0, 'the tables used last are cached');
    for (const i of NOT_USED_SINCE) assert.is(st.tables.findTable(CODE, BigInt(i), 7n)?.find(1n)?.value[0], i);
    assert.is(reads() - before, NOT_USED_SINCE.length, 'the others were dropped');
  } finally {
    await done();
  }
});

test('oldestCut: exactly the oldest stamps at or below it, all or none at the edges', () => {
  const stamps = [9, 3, 14, 1, 7, 12, 5];
  for (let excess = -1; excess <= stamps.length + 1; excess++) {
    const cut = oldestCut(Float64Array.from(stamps), excess);
    const below = stamps.filter((s) => s <= cut).sort((a, b) => a - b);
    const want = [...stamps].sort((a, b) => a - b).slice(0, Math.max(0, excess));
    assert.equal(below, want, `excess ${excess}`);
  }
  // shuffled, sorted and reversed runs of distinct stamps: the cut is the excess-th smallest
  let seed = 1;
  const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (const n of [2, 3, 10, 1000, 4097]) {
    const sorted = Array.from({ length: n }, (_, i) => i * 3 + 1);
    const shuffled = [...sorted].sort(() => rand() - 0.5);
    for (const order of [sorted, [...sorted].reverse(), shuffled])
      for (const excess of [1, Math.floor(n / 4), n - 1])
        if (excess > 0) assert.is(oldestCut(Float64Array.from(order), excess), sorted[excess - 1], `n ${n}, excess ${excess}`);
  }
});

test.run();
