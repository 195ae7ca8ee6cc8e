// The state's bounded caches keep what is used again: an account, a table or an index read back from the store
// and used again in a later block stays, and among those the least recently used go first at a
// trim, whatever the order they were loaded in (a cache in load order would keep the wrong ones).
// One read back and not used again goes at the next safe point where the store holds it as it is
// (probation.ts), so a run of one-time reads does not push out the entries used again (a plain
// least-recently-used cache drops those first). A cache hit costs no store read; the stamps behind
// the order (use-stamps.ts) pick exactly the oldest at a trim.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { oldestCut } from '../../../dmcs/state/use-stamps.js';
import { singleKeyAuthority } from '../../../dmcs/authority.js';
import { PrivateKey } from '../../../abi/antelope/index.js';
import { blockEnd } from './block-end.js';
import { countingStore } from './counting-store.js';

const auth = singleKeyAuthority(PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3').toPublic());
const BUDGET = 8;
const nameOf = (i: number) => `acct${String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26))}`;
const CODE = 11n;

/** A state over a fresh store whose reads are counted, holding 40 accounts, 40 tables and 40 indexes, committed and trimmed. */
async function counted(): Promise<{ st: ChainState; reads: () => number; done: () => Promise<void> }> {
  const { store, dir, reads } = countingStore('peeros-cache-recency-');
  const st = new ChainState({ store, accountCache: BUDGET, tableCache: BUDGET });
  const mark = st.undo.checkpoint();
  for (let i = 0; i < 40; i++) {
    st.createAccount(nameOf(i), auth, auth, 0);
    st.tables.createTable(CODE, BigInt(i), 7n, 5n).store(5n, 1n, new Uint8Array([i]));
    st.tables.createIndex('idx64', CODE, BigInt(i), 7n, 5n).store(5n, 1n, BigInt(i));
  }
  st.undo.commit(mark);
  await blockEnd(st, { due: true, writes: () => [] }, true);
  assert.ok(st.accounts.cached <= BUDGET, `${st.accounts.cached} accounts cached`);
  assert.ok(st.tables.cached <= BUDGET, `${st.tables.cached} tables cached`);
  assert.ok(st.tables.indexesCached <= BUDGET, `${st.tables.indexesCached} indexes cached`);
  return { st, reads, done: () => st.close().then(() => rmSync(dir, { recursive: true, force: true })) };
}

const kinds = {
  accounts: (st: ChainState, i: number) => st.getAccount(nameOf(i))?.name === nameOf(i),
  tables: (st: ChainState, i: number) => st.tables.findTable(CODE, BigInt(i), 7n)?.find(1n)?.value[0] === i,
  indexes: (st: ChainState, i: number) => st.tables.findIndex('idx64', CODE, BigInt(i), 7n)?.findPrimary(1n)?.secondary === BigInt(i),
};
const cachedOf = (st: ChainState, kind: keyof typeof kinds) =>
  kind === 'accounts' ? st.accounts.cached : kind === 'tables' ? st.tables.cached : st.tables.indexesCached;

/** Reads each of `ids` (all exist) and returns how many store reads that cost. */
function readAll(st: ChainState, kind: keyof typeof kinds, reads: () => number, ids: number[]): number {
  const before = reads();
  for (const i of ids) assert.ok(kinds[kind](st, i), `${kind} ${i}`);
  return reads() - before;
}

for (const kind of ['accounts', 'tables', 'indexes'] as const) {
  test(`${kind} used again in a later block: the least recently used of them go first`, async () => {
    const { st, reads, done } = await counted();
    try {
      // 10-15 read back in one block and used again in the next (those that left probation unused
      // meanwhile come back as entries as any other): all cached from then on
      readAll(st, kind, reads, [10, 11, 12, 13, 14, 15]);
      await blockEnd(st);
      readAll(st, kind, reads, [10, 11, 12, 13, 14, 15]);
      await blockEnd(st);
      assert.is(readAll(st, kind, reads, [10, 11, 12, 13, 14, 15]), 0, 'cached once used again');
      await blockEnd(st);
      assert.is(cachedOf(st, kind), 6);
      // 10-12 used again and 16, 17 read back; in the next block 16, 17 used again and 18, 19 read
      // back: two over the budget, so a trim leaves three quarters of it, the least recently used
      // (13-15, then 10) gone
      readAll(st, kind, reads, [10, 11, 12, 16, 17]);
      await blockEnd(st);
      assert.is(readAll(st, kind, reads, [16, 17]), 0);
      assert.is(readAll(st, kind, reads, [18, 19]), 2);
      await blockEnd(st);
      assert.is(cachedOf(st, kind), 6);
      assert.is(readAll(st, kind, reads, [11, 12, 16, 17, 18, 19]), 0, 'the ones used last are cached');
      assert.is(readAll(st, kind, reads, [10, 13, 14, 15]), 4, 'the others were dropped');
    } finally {
      await done();
    }
  });

  test(`${kind}: one-time reads go at the next safe points and do not push out the ones used again`, async () => {
    const { st, reads, done } = await counted();
    try {
      const used = [10, 11, 12, 13, 14, 15];
      readAll(st, kind, reads, used);
      await blockEnd(st);
      readAll(st, kind, reads, used);
      await blockEnd(st);
      // 20 one-time reads, 5 a block, with the cache over its budget at each block's end
      for (let b = 0; b < 4; b++) {
        assert.is(
          readAll(
            st,
            kind,
            reads,
            [20, 21, 22, 23, 24].map((i) => i + 5 * b),
          ),
          5,
          'read back',
        );
        await blockEnd(st);
        assert.ok(cachedOf(st, kind) <= BUDGET, `${cachedOf(st, kind)} cached after block ${b}`);
      }
      // a block with no reads: the last one-time reads go too (their block is over, unused since)
      await blockEnd(st);
      await blockEnd(st);
      assert.is(cachedOf(st, kind), used.length, 'only the entries used again are cached');
      assert.is(readAll(st, kind, reads, used), 0, 'the entries used again are all still cached');
      // read back again soon after it left unused: kept as any other entry this time
      assert.is(readAll(st, kind, reads, [39]), 1);
      await blockEnd(st);
      await blockEnd(st);
      assert.is(readAll(st, kind, reads, [39]), 0, 'a second read back soon after the first stays');
    } finally {
      await done();
    }
  });
}

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
