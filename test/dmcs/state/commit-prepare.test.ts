// Work done ahead of a commit (chain-state.ts `prepare`): at a safe point that starts no commit the
// state rehashes the accounts changed since the last one and encodes the changed accounts and
// tables for the next commit; a later change drops an encoding. An attacker's order of changes —
// a record changed, prepared, changed again, removed, recreated before the commit — must still
// leave the store holding each record as it is at the commit: checked against an all-in-memory
// twin after every record was evicted and read back from the store (real LMDB), and by the digest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { OrderedStore } from '../../../dmcs/state/ordered-store.js';
import { PREPARE_ROWS_MAX } from '../../../dmcs/state/table-store.js';
import { singleKeyAuthority } from '../../../dmcs/authority.js';
import { Name, PrivateKey, bytesToHex } from '../../../abi/antelope/index.js';
import { accountFields } from './account-fields.js';
import { blockEnd } from './block-end.js';
import { countingStore } from './counting-store.js';

const auth = singleKeyAuthority(PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3').toPublic());
const n = (s: string) => Name.from(s).value;
const CODE = n('tok');
const ROWS = n('accounts');
const NAMES = ['prepa', 'prepb', 'prepc', 'prepd'];
const bytes = (...b: number[]) => new Uint8Array(b);

/** One block's changes, applied the same way to both states (journalled like a transaction). */
function block(states: ChainState[], fn: (s: ChainState) => void): void {
  for (const s of states) {
    const mark = s.undo.checkpoint();
    fn(s);
    s.undo.commit(mark);
  }
}

/** Every row of scope `scope`'s table, or null when it has none. */
function rows(s: ChainState, scope: string): Array<[bigint, string]> | null {
  const t = s.tables.findTable(CODE, n(scope), ROWS);
  if (!t) return null;
  const out: Array<[bigint, string]> = [];
  for (const k of t.keys()) out.push([k, bytesToHex(t.find(k)!.value)]);
  return out;
}

test('records prepared, then changed, removed or recreated before the commit are stored as they are at the commit', async () => {
  // within a cache of 16 no safe point below commits on its own; after the last commit, reading
  // 40 other accounts and tables evicts the records under test, so they are read back from the store
  const { store, dir, reads } = countingStore('peeros-commit-prepare-');
  const st = new ChainState({ store, accountCache: 16, tableCache: 16 });
  const mem = new ChainState();
  const filler = (i: number) => `fill${String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26))}`;
  const both = [st, mem];
  const none = { due: false, writes: () => [] };
  try {
    block(both, (s) => {
      for (const name of NAMES) s.createAccount(name, auth, auth, 0);
      for (const scope of NAMES) s.tables.createTable(CODE, n(scope), ROWS, n(scope)).store(n(scope), 1n, bytes(1));
    });
    await blockEnd(st, { due: true, writes: () => [] }, true);
    block(both, (s) => {
      for (let i = 0; i < 40; i++) {
        s.createAccount(filler(i), auth, auth, 0);
        s.tables.createTable(CODE, n(filler(i)), ROWS, CODE).store(CODE, 1n, bytes(0));
      }
    });
    await blockEnd(st, { due: true, writes: () => [] }, true);

    // block 1: every record changes; the safe point starts no commit and prepares them
    block(both, (s) => {
      for (const name of NAMES) s.setAbi(s.getAccount(name)!, bytes(1, 1));
      for (const scope of NAMES) {
        const t = s.tables.findTable(CODE, n(scope), ROWS)!;
        t.update(t.find(1n)!, n(scope), bytes(2));
      }
    });
    const prepared = st.work.prepared;
    const flushes = st.work.flushes;
    await blockEnd(st, none);
    assert.is(st.work.flushes, flushes, 'no commit at this safe point');
    assert.ok(st.work.prepared - prepared >= 2 * NAMES.length, `${st.work.prepared - prepared} prepared`);

    // block 2, before the commit: prepa changed again, prepb removed from the table, prepc's table
    // gains a row, prepd's row removed and stored anew; a new account and table appear
    block(both, (s) => {
      s.setAbi(s.getAccount('prepa')!, bytes(2, 2, 2));
      const tb = s.tables.findTable(CODE, n('prepb'), ROWS)!;
      tb.remove(tb.find(1n)!);
      s.tables.findTable(CODE, n('prepc'), ROWS)!.store(n('prepc'), 2n, bytes(3));
      const td = s.tables.findTable(CODE, n('prepd'), ROWS)!;
      td.remove(td.find(1n)!); // its last row: the table goes, and a store makes a new one (as the contract host does)
      (s.tables.findTable(CODE, n('prepd'), ROWS) ?? s.tables.createTable(CODE, n('prepd'), ROWS, n('prepd'))).store(
        n('prepd'),
        1n,
        bytes(4),
      );
      s.createAccount('prepe', auth, auth, 0);
      s.tables.createTable(CODE, n('prepe'), ROWS, n('prepe')).store(n('prepe'), 9n, bytes(5));
    });
    await blockEnd(st, none);
    // block 3, whose safe point commits: changes undone inside the block (a failed transaction)
    // leave prepared encodings valid; prepb's account and prepc's table, prepared at block 2's safe
    // point, change again in this block, so their encodings must be made anew
    for (const s of both) {
      const mark = s.undo.checkpoint();
      s.setAbi(s.getAccount('prepc')!, bytes(9));
      s.tables.findTable(CODE, n('prepa'), ROWS)!.store(n('prepa'), 7n, bytes(9));
      s.undo.rollback(mark);
    }
    block(both, (s) => {
      s.setAbi(s.getAccount('prepb')!, bytes(6, 6));
      const tc = s.tables.findTable(CODE, n('prepc'), ROWS)!;
      tc.update(tc.find(2n)!, n('prepc'), bytes(7, 7));
    });
    await blockEnd(st, { due: true, writes: () => [] }, true);
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 40; i++) {
        st.getAccount(filler(i));
        st.tables.findTable(CODE, n(filler(i)), ROWS);
      }
      await blockEnd(st, none, true); // the trims drop the least recently used: the records under test
    }
    const readsBefore = reads();
    for (const name of [...NAMES, 'prepe']) assert.equal(accountFields(st.getAccount(name)!), accountFields(mem.getAccount(name)!), name);
    for (const scope of [...NAMES, 'prepe']) assert.equal(rows(st, scope), rows(mem, scope), scope);
    const storeReads = reads() - readsBefore;
    assert.ok(storeReads >= 2 * (NAMES.length + 1), `${storeReads} store reads: the records were read back from the store`);
    assert.is(rows(st, 'prepb'), null, 'the emptied table is gone');
    assert.is(bytesToHex(st.digest()), bytesToHex(mem.digest()));
    assert.is(bytesToHex(st.recomputeDigest()), bytesToHex(mem.digest()));
  } finally {
    await st.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a record changed in block after block is prepared once per commit, then left to the commit', async () => {
  const { store, dir } = countingStore('peeros-commit-prepare-');
  const st = new ChainState({ store, accountCache: 16, tableCache: 16 });
  const mem = new ChainState();
  try {
    block([st, mem], (s) => {
      s.createAccount('hota', auth, auth, 0);
      s.tables.createTable(CODE, n('hota'), ROWS, n('hota')).store(n('hota'), 1n, bytes(0));
    });
    await blockEnd(st, { due: true, writes: () => [] }, true);
    const prepared = st.work.prepared;
    for (let b = 1; b <= 5; b++) {
      block([st, mem], (s) => {
        s.setAbi(s.getAccount('hota')!, bytes(b));
        const t = s.tables.findTable(CODE, n('hota'), ROWS)!;
        t.update(t.find(1n)!, n('hota'), bytes(b));
      });
      await blockEnd(st, { due: false, writes: () => [] });
    }
    assert.is(st.work.prepared - prepared, 2, 'the account and its table, each prepared once');
    await blockEnd(st, { due: true, writes: () => [] }, true);
    assert.equal(accountFields(st.getAccount('hota')!), accountFields(mem.getAccount('hota')!));
    assert.is(bytesToHex(st.digest()), bytesToHex(mem.digest()));
    assert.is(bytesToHex(st.recomputeDigest()), bytesToHex(mem.digest()));
  } finally {
    await st.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a table larger than PREPARE_ROWS_MAX is encoded once, at the commit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-commit-prepare-'));
  const st = new ChainState({ store: new OrderedStore(dir), accountCache: 2, tableCache: 2 });
  try {
    const mark = st.undo.checkpoint();
    const big = st.tables.createTable(CODE, CODE, ROWS, CODE);
    for (let i = 0; i <= PREPARE_ROWS_MAX; i++) big.store(CODE, BigInt(i), bytes(i & 255));
    st.undo.commit(mark);
    const prepared = st.work.prepared;
    st.atSafePoint({ due: false, writes: () => [] });
    assert.is(st.work.prepared, prepared, 'the big table waits for the commit');
    await blockEnd(st, { due: true, writes: () => [] }, true);
    await blockEnd(st, { due: false, writes: () => [] }, true);
    assert.is(st.tables.findTable(CODE, CODE, ROWS)!.size, PREPARE_ROWS_MAX + 1);
  } finally {
    await st.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
