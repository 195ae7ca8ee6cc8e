// Contract tables behind the on-disk store with a bounded cache: a state caching 8 tables runs the
// same seeded row writes (stores, updates, removals that empty and drop tables; a fifth of the
// blocks rolled back) as an all-in-memory twin, dropping tables at every safe point: equal digests
// (and full recomputes), the cache within its budget, every table reading back with the same rows
// in order, `tablesOf` and get_table_by_scope's pages agreeing (with Leap's walk); a table whose removal landed and that a rollback puts back is
// listed again (its directory entry rewritten); and a snapshot taken from the store with writes
// between its slices loads to the state at its block.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { OrderedStore } from '../../../dmcs/state/ordered-store.js';
import { StateSnapshot, parseSnapshot } from '../../../dmcs/state/state-snapshot.js';
import { bytesToHex } from '../../../abi/antelope/index.js';
import { blockEnd } from './block-end.js';
import { rng } from './seeded-random.js';
import { dump, rowsOf, tableId } from './state-dumps.js';
import { leapScopePage } from './leap-scope-page.js';

const hex = bytesToHex;
const BUDGET = 8;
const CODES = [11n, 12n];

/** One seeded row write on `st` (the same on both twins). */
function write(st: ChainState, rand: () => number): void {
  const code = CODES[Math.floor(rand() * CODES.length)]!;
  const scope = BigInt(Math.floor(rand() * 60));
  const name = rand() < 0.3 ? 9n : 7n; // two tables in some scopes
  const primary = BigInt(Math.floor(rand() * 12));
  const value = new Uint8Array([Math.floor(rand() * 256), 1, 2]);
  const t = st.tables.findTable(code, scope, name);
  const row = t?.find(primary);
  const x = rand();
  if (!t) st.tables.createTable(code, scope, name, 5n).store(5n, primary, value);
  else if (!row) t.store(5n, primary, value);
  else if (x < 0.5) t.update(row, x < 0.1 ? 6n : row.payer, value);
  else t.remove(row);
}

test('a cache of 8 tables over the store keeps the digest and rows of an all-in-memory twin', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-table-spill-'));
  const spill = new ChainState({ store: new OrderedStore(dir), tableCache: BUDGET });
  const mem = new ChainState();
  const r1 = rng(19);
  const r2 = rng(19);
  let dropped = 0;
  try {
    for (let block = 0; block < 150; block++) {
      const m1 = spill.undo.checkpoint();
      const m2 = mem.undo.checkpoint();
      for (let i = 0; i < 12; i++) {
        write(spill, r1);
        write(mem, r2);
      }
      if (block % 5 === 4) {
        spill.undo.rollback(m1);
        mem.undo.rollback(m2);
      } else {
        spill.undo.commit(m1);
        mem.undo.commit(m2);
      }
      // every third block waits for the commits in flight: the cache is then within its budget; the
      // other blocks go on with a commit in flight (its tables pinned, read from memory)
      const settle = block % 3 === 0;
      dropped += await blockEnd(spill, undefined, settle);
      if (settle) assert.ok(spill.tables.cached <= BUDGET, `cache ${spill.tables.cached} after block ${block}`);
      if (block % 10 === 9) {
        assert.is(hex(spill.digest()), hex(mem.digest()), `block ${block}`);
        assert.is(hex(spill.recomputeDigest()), hex(mem.digest()));
      }
    }
    assert.ok(dropped > 100, `only ${dropped} tables dropped`);
    const all = dump(mem.tables.allTables());
    assert.ok(all.length > 50, `${all.length} tables`);
    assert.equal(dump(spill.tables.allTables()), all);
    for (const code of CODES) assert.equal(dump(spill.tables.tablesOf(code)), dump(mem.tables.tablesOf(code)));
    // get_table_by_scope's pages: the store's directory walk merged with the tables changed since
    // the last landed commit, and the in-memory walk of the code's tables in order, both give
    // Leap's page (its walk over every table: `leap-scope-page.ts`), with a commit in flight and
    // with changes not committed
    const pages = rng(5);
    type Query = Parameters<ChainState['tables']['tablePage']>[1];
    const pageOf = (st: ChainState, q: Query) => {
      const p = st.tables.tablePage(11n, q);
      return { tables: p.tables.map((t) => `${tableId(t)}=${rowsOf(t)}`), more: p.more };
    };
    const check = (label: string) => {
      for (let i = 0; i < 40; i++) {
        const lower = BigInt(Math.floor(pages() * 40));
        const q = {
          lower,
          upper: lower + BigInt(Math.floor(pages() * 30)),
          table: [7n, 9n, null, null, 8n][Math.floor(pages() * 5)]!,
          limit: Math.floor(pages() * 12),
          reverse: pages() < 0.5,
        };
        const what = `${label}: ${JSON.stringify(q, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`;
        const leap = leapScopePage(mem.tables.tablesOf(11n), q);
        const expected = { tables: leap.tables.map((t) => `${tableId(t)}=${rowsOf(t)}`), more: leap.more };
        assert.equal(pageOf(mem, q), expected, `all in memory, ${what}`);
        assert.equal(pageOf(spill, q), expected, `over the store, ${what}`);
      }
    };
    check('settled');
    for (const reverse of [false, true])
      assert.equal(pageOf(spill, { lower: 30n, upper: 10n, table: null, limit: 5, reverse }), { tables: [], more: null });
    for (let i = 0; i < 12; i++) {
      write(spill, r1);
      write(mem, r2);
    }
    check('changed since the last commit');
    spill.atSafePoint({ due: true, writes: () => [] });
    check('a commit in flight');
    await spill.settle();
    // point reads through the cache, including tables dropped from it
    for (let scope = 0n; scope < 60n; scope++) {
      const a = spill.tables.findTable(11n, scope, 7n);
      const b = mem.tables.findTable(11n, scope, 7n);
      assert.is(a ? rowsOf(a) : null, b ? rowsOf(b) : null, `scope ${scope}`);
      if (a && b) assert.is(a.lowerbound(5n)?.primary, b.lowerbound(5n)?.primary);
    }
  } finally {
    await spill.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a table removed by a landed commit and put back by a rollback is listed again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-table-spill-'));
  const st = new ChainState({ store: new OrderedStore(dir), tableCache: BUDGET });
  const due = { due: true, writes: () => [] };
  try {
    st.tables.createTable(11n, 1n, 7n, 5n).store(5n, 0n, new Uint8Array([1]));
    st.tables.createTable(11n, 2n, 7n, 5n).store(5n, 0n, new Uint8Array([2]));
    await blockEnd(st, due, true); // both tables and their directory entries are in the store
    const reversible = st.undo.checkpoint(); // a block not irreversible yet
    const t = st.tables.findTable(11n, 1n, 7n)!;
    t.remove(t.find(0n)!); // the table empties and is dropped
    await blockEnd(st, due, true); // its removal landed
    assert.equal(dump(st.tables.tablesOf(11n)), ['11/2/7/5=0:5:02']);
    st.undo.rollback(reversible); // a fork switch pops the block: the same table object is back
    await blockEnd(st, due, true);
    assert.equal(dump(st.tables.tablesOf(11n)), ['11/1/7/5=0:5:01', '11/2/7/5=0:5:02']);
    assert.is(hex(st.recomputeDigest()), hex(st.digest()));
  } finally {
    await st.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a snapshot of tables over the store is the state at its block, whatever happens between slices', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-table-spill-'));
  const st = new ChainState({ store: new OrderedStore(dir), tableCache: BUDGET });
  try {
    for (let scope = 0n; scope < 300n; scope++) {
      const t = st.tables.createTable(11n, scope, 7n, 5n);
      for (let k = 0n; k < 3n; k++) t.store(5n, k, new Uint8Array([Number(scope & 0xffn), Number(k)]));
    }
    st.atSafePoint();
    const atBlock = hex(st.digest());
    const meta = { blockNum: 9, blockId: new Uint8Array(32), stateDigest: st.digest(), globalSequence: 0, recent: [], summaries: [] };
    const snap = new StateSnapshot(meta, st, st.beginCapture()!);
    const parts: Uint8Array[] = [];
    let slice = 0;
    let droppedMeanwhile = 0;
    const flushesBefore = st.work.flushes;
    for await (const part of snap.chunks(1024)) {
      parts.push(part);
      const mark = st.undo.checkpoint();
      const t = st.tables.findTable(11n, BigInt((slice * 7) % 300), 7n);
      if (t) {
        const row = t.find(1n);
        if (row) t.update(row, 5n, new Uint8Array([9]));
        const gone = t.find(0n);
        if (gone) t.remove(gone);
      }
      st.tables.createTable(12n, BigInt(slice), 7n, 5n).store(5n, 1n, new Uint8Array([1]));
      if (slice % 2 === 0) st.undo.rollback(mark);
      else st.undo.commit(mark);
      // commits and trims go on while the writer reads the store through its view of the block
      droppedMeanwhile += await blockEnd(st, undefined, slice % 2 === 0);
      if (slice % 2 === 0) assert.ok(st.tables.cached <= BUDGET, `cache ${st.tables.cached} over budget while a capture is open`);
      slice++;
    }
    assert.ok(slice > 10, `only ${slice} slices`);
    assert.ok(st.work.flushes - flushesBefore > 0, 'commits while the snapshot was written');
    assert.ok(droppedMeanwhile > 0, 'trims while the snapshot was written');
    const restored = new ChainState();
    parseSnapshot(new Uint8Array(Buffer.concat(parts))).loadInto(restored);
    assert.is(hex(restored.digest()), atBlock);
    assert.is(hex(restored.recomputeDigest()), atBlock);
    assert.is([...restored.tables.tablesOf(12n)].length, 0);
    assert.is(hex(st.recomputeDigest()), hex(st.digest()));
  } finally {
    await st.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
