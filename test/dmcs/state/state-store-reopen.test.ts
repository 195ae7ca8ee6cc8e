// The state store as the persistent home of the state: a state caching 4 accounts and 4 tables runs
// seeded blocks of writes (accounts, resource limits, rows, secondary index entries of every kind;
// a fifth of the blocks rolled back), committing at every safe point. Reopened from the same folder
// with only what a commit record carries (the digest's sum and count, the global sequence, the
// producer schedules), it has the same digest, a full recompute over the store agrees, and every
// account, limit, table and index reads back as an all-in-memory twin holds it. A change made after
// the last commit is not in the reopened state; `resetStore` empties the store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { OrderedStore } from '../../../dmcs/state/ordered-store.js';
import type { SecondaryKind } from '../../../dmcs/vm/contract-host.js';
import { singleKeyAuthority } from '../../../dmcs/authority.js';
import { PrivateKey, bytesToHex } from '../../../abi/antelope/index.js';
import { blockEnd } from './block-end.js';
import { accountFields } from './account-fields.js';
import { rng } from './seeded-random.js';
import { indexDump } from './state-dumps.js';

const hex = bytesToHex;
const auth = singleKeyAuthority(PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3').toPublic());
const KINDS: SecondaryKind[] = ['idx64', 'idx128', 'idx256', 'idx_double'];

const nameOf = (i: number) => `acct${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`;

/** One seeded write (the same on both twins); returns the accounts created so far. */
function write(st: ChainState, rand: () => number, created: number): number {
  const x = rand();
  if (x < 0.15 || created === 0) {
    st.createAccount(nameOf(created), auth, auth, created);
    return created + 1;
  }
  const a = st.getAccount(nameOf(Math.floor(rand() * created)));
  if (x < 0.3) {
    if (a) st.nextRecvSequence(a);
  } else if (x < 0.4) {
    if (a)
      st.resourceLimits.set(a.name, { ramBytes: BigInt(Math.floor(rand() * 9000)), netWeight: 1n, cpuWeight: rand() < 0.3 ? -1n : 2n });
  } else if (x < 0.7) {
    const scope = BigInt(Math.floor(rand() * 20));
    const primary = BigInt(Math.floor(rand() * 6));
    const t = st.tables.findTable(9n, scope, 3n);
    const row = t?.find(primary);
    const value = new Uint8Array([Math.floor(rand() * 256)]);
    if (!t) st.tables.createTable(9n, scope, 3n, 5n).store(5n, primary, value);
    else if (!row) t.store(5n, primary, value);
    else if (rand() < 0.5) t.update(row, 5n, value);
    else t.remove(row);
  } else {
    const kind = KINDS[Math.floor(rand() * KINDS.length)]!;
    const scope = BigInt(Math.floor(rand() * 4));
    const primary = BigInt(Math.floor(rand() * 8));
    const secondary =
      kind === 'idx_double' ? Math.floor(rand() * 1000) / 7 - 50 : BigInt(Math.floor(rand() * 1e9)) << (kind === 'idx64' ? 30n : 64n); // within the kind's width
    const ix = st.tables.findIndex(kind, 9n, scope, 4n) ?? st.tables.createIndex(kind, 9n, scope, 4n, 5n);
    const e = ix.findPrimary(primary);
    if (!e) ix.store(5n, primary, secondary);
    else if (rand() < 0.5) ix.update(e, 5n, secondary);
    else ix.remove(e);
  }
  return created;
}

const tableDump = (st: ChainState) =>
  [...st.tables.allTables()].map((t) => `${t.scope}=${[...t.rowsInOrder()].map((r) => `${r.primary}:${hex(r.value)}`).join(',')}`).sort();

test('a state reopened from its store at the last commit is the state of that commit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-store-reopen-'));
  const st = new ChainState({ store: new OrderedStore(dir), accountCache: 4, tableCache: 4 });
  const mem = new ChainState();
  const r1 = rng(5);
  const r2 = rng(5);
  let c1 = 0;
  let c2 = 0;
  let commits = 0;
  try {
    for (let block = 0; block < 120; block++) {
      const m1 = st.undo.checkpoint();
      const m2 = mem.undo.checkpoint();
      for (let i = 0; i < 8; i++) {
        c1 = write(st, r1, c1);
        c2 = write(mem, r2, c2);
        st.nextGlobalSequence();
        mem.nextGlobalSequence();
      }
      if (block % 5 === 4) {
        st.undo.rollback(m1);
        mem.undo.rollback(m2);
        while (c1 > 0 && !st.getAccount(nameOf(c1 - 1))) c1--;
        while (c2 > 0 && !mem.getAccount(nameOf(c2 - 1))) c2--;
      } else {
        st.undo.commit(m1);
        mem.undo.commit(m2);
      }
      // a due commit starts (none in flight); so does an over-budget one at the next block, whatever
      // the writer thread's speed (the count below must not depend on it); the third block's may not
      if (block % 3 !== 2) await st.settle();
      await blockEnd(st, {
        due: block % 3 === 0,
        writes: () => {
          commits++;
          return [];
        },
      });
    }
    // the last commit: what a commit record carries
    await st.settle();
    st.atSafePoint({ due: true, writes: () => [] });
    const committed = {
      digest: hex(st.digest()),
      ...st.recordSum,
      globalSequence: st.globalSequence,
      producers: { active: st.producers.active, proposed: st.producers.proposed },
    };
    assert.is(committed.digest, hex(mem.digest()), 'the twins agree');
    assert.ok(commits >= 70, `${commits} commits: the 40 due and the over-budget ones`);
    assert.ok(mem.tables.indexes.size >= 8, `${mem.tables.indexes.size} indexes`);
    // a change after the last commit stays out of the store
    const mark = st.undo.checkpoint();
    st.createAccount('notcommitted', auth, auth, 1);
    st.undo.commit(mark);
    await st.close();

    const reopened = new ChainState({ store: new OrderedStore(dir), accountCache: 4, tableCache: 4 });
    try {
      reopened.openAtCommit({ recordSum: committed.sum, recordCount: committed.count, ...committed });
      assert.is(reopened.tables.indexes.size, 0, 'no index read at open');
      assert.is(hex(reopened.digest()), committed.digest, 'reopened digest');
      assert.is(hex(reopened.recomputeDigest()), committed.digest, 'recomputed over the store');
      assert.is(reopened.getAccount('notcommitted'), undefined);
      assert.equal(indexDump(reopened), indexDump(mem), 'indexes');
      assert.equal(tableDump(reopened), tableDump(mem), 'tables');
      for (let i = 0; i < c2; i++) {
        const a = reopened.getAccount(nameOf(i))!;
        const b = mem.getAccount(nameOf(i))!;
        assert.equal(accountFields(a), accountFields(b), nameOf(i));
        assert.equal(reopened.resourceLimits.get(a.name), mem.resourceLimits.get(b.name), `limits of ${a.name}`);
      }
      // and it goes on: a write after reopening keeps the digest right (an account's old hash read back)
      const m = reopened.undo.checkpoint();
      reopened.nextRecvSequence(reopened.getAccount(nameOf(0))!);
      reopened.tables.findIndex('idx64', 9n, 0n, 4n)?.store(5n, 99n, 1n);
      reopened.undo.commit(m);
      assert.is(hex(reopened.digest()), hex(reopened.recomputeDigest()));
      reopened.resetStore();
      assert.is([...reopened.accounts.keys()].filter((n) => n !== nameOf(0)).length, 0, 'resetStore empties the store');
    } finally {
      await reopened.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
