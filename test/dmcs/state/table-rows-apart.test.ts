// Big tables over the state store keep each row under a key of its own (table-store.ts
// `ROWS_APART_MIN`), so a commit writes the rows it changed, not the whole table again. A state
// caching 2 tables runs the same seeded row writes as an all-in-memory twin (tables that grow past
// the threshold and shrink back, that empty and are dropped, a fifth of the blocks rolled back),
// dropping tables at every safe point so they are read back from their rows: equal digests (and full
// recomputes over the store), every table reading back with the same rows. A commit after one row
// changed in a table of 600 rows writes a few keys, not 600; a snapshot read from the store holds the
// rows stored apart (it loads to the state at its block); a state reopened from the store reads them
// back; and a malformed stored form is refused with a clear error. Secondary indexes past the same
// size keep their entries apart: a state reopened from the store holds the twin's entries, and one
// entry removed writes one entry key. A big table read back from the store reads its header alone,
// then the rows its queries ask for, and answers every query as its twin while rows change (its
// changed rows held in memory until their commit lands). A big index the same, by its entries kept
// in its order too, through every query of the VM and get_table_rows; a malformed stored index or
// entry is refused with the index named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { OrderedStore } from '../../../dmcs/state/ordered-store.js';
import { StateSnapshot, parseSnapshot } from '../../../dmcs/state/state-snapshot.js';
import { EvictedChangeError, ROWS_APART_MIN, ROWS_PER_CACHE_UNIT, type Table } from '../../../dmcs/state/table-store.js';
import type { DbRow, SecondaryKey } from '../../../dmcs/vm/contract-host.js';
import { indexEntryKey, indexKey, indexOrderBounds, indexOrderKey, rowKey, tableKey } from '../../../dmcs/state/store-keys.js';
import type { SecondaryIndex } from '../../../dmcs/state/secondary-index.js';
import { queryTableRows } from '../../../dmcs/api/table-query.js';
import { ChainError } from '../../../dmcs/chain-error.js';
import { Name, bytesToHex } from '../../../abi/antelope/index.js';
import { blockEnd } from './block-end.js';
import { rng } from './seeded-random.js';
import { dump, entryOf, indexDump, rowsOf } from './state-dumps.js';

const hex = bytesToHex;
const CODE = 11n;
const TABLE = 7n;
const due = { due: true, writes: () => [] };

/** A state over a store, as a test holds it: `reopen` closes it and opens the store again. */
interface Stored {
  st: ChainState;
  /** Closes the state (its last commit landed) and opens its store again at that commit, as a restart does. */
  reopen(): Promise<ChainState>;
}

/**
 * Runs `body` over a state on a fresh store caching `tables` tables; then closes the state it ended
 * with (the last `reopen`'s) and removes the store's folder, whatever `body` did.
 */
async function withStored(tables: number, body: (s: Stored) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-rows-apart-'));
  let st = new ChainState({ store: new OrderedStore(dir), tableCache: tables });
  const reopen = async (): Promise<ChainState> => {
    const { sum, count } = st.recordSum;
    const committed = { recordSum: sum, recordCount: count, globalSequence: st.globalSequence, producers: st.producers };
    await st.close();
    st = new ChainState({ store: new OrderedStore(dir), tableCache: 2 });
    st.openAtCommit(committed);
    return st;
  };
  try {
    await body({ st, reopen });
  } finally {
    await st.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One seeded burst on `st` (the same on both twins): in one of three scopes, rows stored (many at a
 * time while the table is small, so it grows past the threshold), updated or removed (runs of
 * removals, so it shrinks back and sometimes empties and is dropped).
 */
function burst(st: ChainState, rand: () => number): void {
  const scope = BigInt(Math.floor(rand() * 3));
  let t = st.tables.findTable(CODE, scope, TABLE);
  const x = rand();
  const n = 1 + Math.floor(rand() * 120);
  for (let i = 0; i < n; i++) {
    const primary = BigInt(Math.floor(rand() * 700));
    const value = new Uint8Array([Math.floor(rand() * 256), i & 0xff]);
    if (!t) t = st.tables.createTable(CODE, scope, TABLE, 5n);
    const row = t.find(primary);
    if (x < 0.55) {
      if (row) t.update(row, row.payer, value);
      else t.store(primary % 5n === 0n ? 6n : 5n, primary, value);
    } else if (x < 0.7) {
      if (row) t.update(row, 6n, value);
    } else if (row) {
      t.remove(row);
      if (t.size === 0) return; // dropped with its last row
    }
  }
}

/**
 * `blocks` blocks of the same seeded `burst` on a state over the store and its all-in-memory twin,
 * a fifth rolled back, each ended with a commit, every other one waited for (then a trim drops what
 * it wrote: read back next); `after` runs after each block.
 */
async function twinBlocks(
  st: ChainState,
  mem: ChainState,
  seed: number,
  blocks: number,
  burst: (st: ChainState, rand: () => number) => void,
  after: (block: number) => void,
): Promise<void> {
  const r1 = rng(seed);
  const r2 = rng(seed);
  for (let block = 0; block < blocks; block++) {
    const m1 = st.undo.checkpoint();
    const m2 = mem.undo.checkpoint();
    burst(st, r1);
    burst(mem, r2);
    if (block % 5 === 4) {
      st.undo.rollback(m1);
      mem.undo.rollback(m2);
    } else {
      st.undo.commit(m1);
      mem.undo.commit(m2);
    }
    await blockEnd(st, due, block % 2 === 0);
    after(block);
  }
}

test('tables stored apart keep the digest and rows of an all-in-memory twin, read back after every trim', () =>
  withStored(2, async ({ st: spill }) => {
    const mem = new ChainState();
    let apart = 0;
    const bursts = (st: ChainState, rand: () => number) => {
      for (let i = 0; i < 3; i++) burst(st, rand);
    };
    await twinBlocks(spill, mem, 23, 160, bursts, (block) => {
      for (let scope = 0n; scope < 3n; scope++) {
        const t = spill.tables.findTable(CODE, scope, TABLE);
        if (t?.rowsApart) apart++;
      }
      if (block % 8 === 7) {
        assert.is(hex(spill.digest()), hex(mem.digest()), `block ${block}`);
        assert.is(hex(spill.recomputeDigest()), hex(mem.digest()), `block ${block}: recomputed over the store`);
        assert.equal(dump(spill.tables.allTables()), dump(mem.tables.allTables()), `block ${block}`);
      }
    });
    assert.ok(apart > 50, `tables stored apart seen ${apart} times`);
    await blockEnd(spill, due, true);
    for (let scope = 0n; scope < 3n; scope++) {
      const a = spill.tables.findTable(CODE, scope, TABLE);
      const b = mem.tables.findTable(CODE, scope, TABLE);
      assert.is(a ? rowsOf(a) : null, b ? rowsOf(b) : null, `scope ${scope}`);
    }
  }));

test('a commit after one row changed in a table of 600 rows writes that row, not the table', () =>
  withStored(4, async ({ st }) => {
    const t = st.tables.createTable(CODE, 1n, TABLE, 5n);
    for (let k = 0n; k < 600n; k++) t.store(5n, k, new Uint8Array(40).fill(Number(k & 0xffn)));
    await blockEnd(st, due, true);
    assert.ok(600 >= ROWS_APART_MIN && t.rowsApart, 'stored apart');
    const writes0 = st.work.flushWrites;
    const big = st.tables.findTable(CODE, 1n, TABLE)!;
    big.update(big.find(300n)!, 5n, new Uint8Array([1, 2, 3]));
    big.remove(big.find(10n)!);
    await blockEnd(st, due, true);
    const written = st.work.flushWrites - writes0;
    // the two rows and the table's own key (whole, it was one value of 600 rows)
    assert.ok(written <= 4, `${written} keys written`);
    const store = (st as unknown as { store: OrderedStore }).store;
    assert.ok(store.get(rowKey(CODE, 1n, TABLE, 300n)), 'the row updated, under its key');
    assert.is(store.get(rowKey(CODE, 1n, TABLE, 10n)), undefined, 'the row removed, removed from the store');
    // read back from the store (dropped from the cache by tables of other scopes)
    for (let s = 2n; s < 12n; s++) st.tables.createTable(CODE, s, TABLE, 5n).store(5n, 1n, new Uint8Array([1]));
    await blockEnd(st, due, true);
    await blockEnd(st, due, true);
    const back = st.tables.findTable(CODE, 1n, TABLE)!;
    assert.ok(back !== big, 'read back, not the cached object');
    assert.ok(back.rowsApart);
    assert.is(back.size, 599);
    assert.equal([...back.find(300n)!.value], [1, 2, 3]);
    assert.is(back.find(10n), undefined);
    assert.is(hex(st.recomputeDigest()), hex(st.digest()));
  }));

test('a snapshot read from the store and a reopened state hold the rows stored apart', () =>
  withStored(2, async ({ st, reopen }) => {
    const mem = new ChainState();
    for (const s of [st, mem]) {
      const t = s.tables.createTable(CODE, 1n, TABLE, 5n);
      for (let k = 0n; k < 400n; k++) t.store(k % 3n === 0n ? 6n : 5n, k * 7n, new Uint8Array([Number(k & 0xffn), 9]));
      s.tables.createTable(CODE, 2n, TABLE, 5n).store(5n, 1n, new Uint8Array([1]));
    }
    await blockEnd(st, due, true);
    const atBlock = hex(st.digest());
    assert.is(atBlock, hex(mem.digest()));
    const meta = { blockNum: 9, blockId: new Uint8Array(32), stateDigest: st.digest(), globalSequence: 0, recent: [], summaries: [] };
    const snap = new StateSnapshot(meta, st, st.beginCapture()!);
    const parts: Uint8Array[] = [];
    let slice = 0;
    for await (const part of snap.chunks(1024)) {
      parts.push(part);
      // rows of the big table change between slices: the snapshot keeps those at its block
      const t = st.tables.findTable(CODE, 1n, TABLE)!;
      const row = t.find(BigInt(slice * 7));
      if (row) t.remove(row);
      await blockEnd(st, due, slice % 2 === 0);
      slice++;
    }
    const restored = new ChainState();
    parseSnapshot(new Uint8Array(Buffer.concat(parts))).loadInto(restored);
    assert.is(hex(restored.digest()), atBlock);
    assert.is(hex(restored.recomputeDigest()), atBlock);
    assert.equal(dump(restored.tables.allTables()), dump(mem.tables.allTables()));
    await blockEnd(st, due, true);
    const digest = hex(st.digest());
    const reopened = await reopen();
    assert.is(hex(reopened.digest()), digest);
    assert.is(hex(reopened.recomputeDigest()), digest, 'recomputed over the reopened store');
    const t = reopened.tables.findTable(CODE, 1n, TABLE)!;
    assert.ok(t.rowsApart);
    assert.is(t.size, 400 - slice);
  }));

test("the cache's budget counts a big table's rows: a table of 1,000 rows takes the room of four", () =>
  withStored(8, async ({ st }) => {
    for (let scope = 0n; scope < 4n; scope++) {
      const t = st.tables.createTable(CODE, scope, TABLE, 5n);
      for (let k = 0n; k < 1000n; k++) t.store(5n, k, new Uint8Array([Number(scope), Number(k & 0xffn)]));
    }
    assert.is(1 + Math.floor(1000 / ROWS_PER_CACHE_UNIT), 4);
    assert.is(st.tables.cached, 16, 'four tables of four units each');
    await blockEnd(st, due, true);
    // a budget of 8 units: at most two of them stay in memory (counted by tables alone, all four would)
    assert.ok(st.tables.cached <= 8, `${st.tables.cached} units cached`);
    // a table's units follow its rows: one more at 1,100 rows, all of them gone once it is emptied
    const before = st.tables.cached;
    const t = st.tables.createTable(CODE, 9n, TABLE, 5n);
    for (let k = 0n; k < 1000n; k++) t.store(5n, k, new Uint8Array([1]));
    assert.is(st.tables.cached, before + 4, '1,000 rows: four units');
    for (let k = 1000n; k < 1100n; k++) t.store(5n, k, new Uint8Array([1]));
    assert.is(st.tables.cached, before + 5, '1,100 rows: one unit more');
    for (let k = 0n; k < 1100n; k++) t.remove(t.find(k)!);
    assert.is(st.tables.cached, before, 'emptied and dropped: its units went with it');
    // one read back from the store by its header counts one unit, then the rows it holds in memory
    const cold = [0n, 1n, 2n].find((scope) => st.tables.findTable(CODE, scope, TABLE)?.readByRows);
    assert.ok(cold !== undefined, 'a table read back by its header');
    const back = st.tables.findTable(CODE, cold, TABLE)!;
    assert.is(back.cacheUnits, 0, 'read back: one unit, no row in memory');
    for (let k = 2000n; k < 2000n + BigInt(ROWS_PER_CACHE_UNIT); k++) back.store(5n, k, new Uint8Array([1]));
    assert.is(back.cacheUnits, 1, 'a unit more for the rows written since');
    await blockEnd(st, due, true);
    assert.is(back.residentRows, 0, 'their commit landed: they left memory');
    assert.ok(st.tables.cached <= 8);
    assert.is(hex(st.recomputeDigest()), hex(st.digest()));
  }));

const KINDS = ['idx64', 'idx128', 'idx256', 'idx_double'] as const;

/** One seeded burst of index entries (the same on both twins): stores, updates, runs of removals. */
/** How far up each integer kind's random secondaries are shifted (30 bits of randomness). */
const SPREAD: Record<(typeof KINDS)[number], bigint> = { idx_double: 0n, idx64: 34n, idx128: 98n, idx256: 226n };

function indexBurst(st: ChainState, rand: () => number): void {
  const kind = KINDS[Math.floor(rand() * KINDS.length)]!;
  const scope = BigInt(Math.floor(rand() * 2));
  let ix = st.tables.findIndex(kind, CODE, scope, TABLE);
  const x = rand();
  const n = 1 + Math.floor(rand() * 150);
  for (let i = 0; i < n; i++) {
    const primary = BigInt(Math.floor(rand() * 600));
    // spread over each kind's whole width (its high words too), never past it
    const secondary = kind === 'idx_double' ? Math.floor(rand() * 1000) / 7 - 50 : BigInt(Math.floor(rand() * 1e9)) << SPREAD[kind];
    if (!ix) ix = st.tables.createIndex(kind, CODE, scope, TABLE, 5n);
    const e = ix.findPrimary(primary);
    if (x < 0.6) {
      if (e) ix.update(e, 6n, secondary);
      else ix.store(5n, primary, secondary);
    } else if (e) {
      ix.remove(e);
      if (ix.size === 0) return; // dropped with its last entry
    }
  }
}

test('indexes stored apart reopen to the entries of an all-in-memory twin; one entry changed writes one key', () =>
  withStored(2, async ({ st, reopen }) => {
    const mem = new ChainState();
    let apart = 0;
    let overBudget = 0;
    await twinBlocks(st, mem, 29, 120, indexBurst, (block) => {
      apart += [...st.tables.indexes.values()].filter((ix) => ix.entriesApart).length;
      // the index cache shares the tables' budget (2 units): after a block whose commits landed, the
      // trim left at most that, but for the indexes it must keep (changed since, or held by an undo)
      if (block % 2 === 0 && st.tables.indexesCached > 2) overBudget++;
    });
    assert.ok(apart > 40, `indexes stored apart seen ${apart} times`);
    assert.ok(overBudget <= 6, `the index cache over its budget after ${overBudget} of 60 settled blocks`);
    assert.ok(st.tables.indexReadBacks > 30, `indexes read back ${st.tables.indexReadBacks} times`);
    assert.is(hex(st.digest()), hex(mem.digest()));
    // one entry of a big index changed: its key and the index's, not every entry
    const id = [...st.tables.allIndexes()].find((ix) => ix.entriesApart && ix.size >= ROWS_APART_MIN);
    assert.ok(id, 'an index of more than ROWS_APART_MIN entries');
    await blockEnd(st, due, true);
    const writes0 = st.work.flushWrites;
    // found after the safe point (which may have dropped it from the cache), as the VM finds it
    const big = st.tables.findIndex(id.kind, id.code, id.scope, id.table)!;
    const twin = mem.tables.findIndex(big.kind, big.code, big.scope, big.table)!;
    const first = [...big.entries()][0]!;
    big.remove(first);
    twin.remove(twin.findPrimary(first.primary)!);
    await blockEnd(st, due, true);
    assert.ok(st.work.flushWrites - writes0 <= 3, `${st.work.flushWrites - writes0} keys written`);
    const reopened = await reopen();
    assert.equal(indexDump(reopened), indexDump(mem), 'the indexes read back');
    assert.ok([...reopened.tables.allIndexes()].some((ix) => ix.entriesApart));
    assert.is(hex(reopened.recomputeDigest()), hex(mem.digest()));
  }));

test('a reopened state reads an index at its first use, not one removed since, and snapshots those it never read', () =>
  withStored(2, async ({ st, reopen }) => {
    const mem = new ChainState();
    await twinBlocks(st, mem, 31, 60, indexBurst, () => {});
    await blockEnd(st, due, true);
    assert.ok(mem.tables.indexes.size >= 4, `${mem.tables.indexes.size} indexes`);
    const reopened = await reopen();
    assert.is(reopened.tables.indexes.size, 0, 'none read at open');
    // a snapshot through the store's view holds every index, none of them read into memory
    const meta = {
      blockNum: 9,
      blockId: new Uint8Array(32),
      stateDigest: reopened.digest(),
      globalSequence: 0,
      recent: [],
      summaries: [],
    };
    const snap = new StateSnapshot(meta, reopened, reopened.beginCapture()!);
    const parts: Uint8Array[] = [];
    for await (const part of snap.chunks(1024)) {
      parts.push(part);
      await blockEnd(reopened, due, true);
    }
    assert.is(reopened.tables.indexes.size, 0, 'the snapshot read none into memory');
    const restored = new ChainState();
    parseSnapshot(new Uint8Array(Buffer.concat(parts))).loadInto(restored);
    assert.is(hex(restored.digest()), hex(mem.digest()));
    assert.equal(indexDump(restored), indexDump(mem), 'the snapshot holds every index');
    // the first use reads one back whole, and it is the twin's
    const big = [...mem.tables.indexes.values()].sort((a, b) => b.size - a.size)[0]!;
    const back = reopened.tables.findIndex(big.kind, big.code, big.scope, big.table)!;
    assert.is(reopened.tables.indexes.size, 1);
    assert.equal([...back.entries()], [...big.entries()]);
    // emptied (so removed): not read back from the store before or after its removal lands
    for (const e of [...back.entries()]) back.remove(e);
    assert.is(reopened.tables.findIndex(big.kind, big.code, big.scope, big.table), undefined, 'removed, not committed');
    reopened.atSafePoint({ due: true, writes: () => [] });
    assert.is(reopened.tables.findIndex(big.kind, big.code, big.scope, big.table), undefined, 'removed, in a commit in flight');
    await blockEnd(reopened, due, true);
    assert.is(reopened.tables.findIndex(big.kind, big.code, big.scope, big.table), undefined, 'removed, landed');
    assert.is(hex(reopened.recomputeDigest()), hex(reopened.digest()));
  }));

test('an index that an undo closure of a reversible block refers to stays in the cache until the block is irreversible', () =>
  withStored(2, async ({ st }) => {
    const mem = new ChainState();
    for (const s of [st, mem]) s.tables.createIndex('idx64', CODE, 1n, TABLE, 5n).store(5n, 1n, 10n);
    await blockEnd(st, due, true);
    const r1 = st.undo.checkpoint(); // a block not irreversible yet
    const r2 = mem.undo.checkpoint();
    for (const s of [st, mem]) s.tables.findIndex('idx64', CODE, 1n, TABLE)!.store(5n, 2n, 20n);
    // more indexes than the cache's budget, and commits that land: the first index is the least recently used
    for (const s of [st, mem])
      for (let scope = 2n; scope < 8n; scope++) s.tables.createIndex('idx64', CODE, scope, TABLE, 5n).store(5n, 1n, scope);
    await blockEnd(st, due, true);
    await blockEnd(st, due, true);
    st.undo.rollback(r1); // a fork switch pops the block: its closures change the same index object
    mem.undo.rollback(r2);
    await blockEnd(st, due, true);
    assert.equal(indexDump(st), indexDump(mem));
    assert.is(hex(st.digest()), hex(mem.digest()));
    assert.is(hex(st.recomputeDigest()), hex(mem.digest()));
  }));

test('an index cache over its budget with only changed indexes left starts a commit, and then drops them', () =>
  withStored(2, async ({ st }) => {
    for (let scope = 0n; scope < 6n; scope++) st.tables.createIndex('idx64', CODE, scope, TABLE, 5n).store(5n, 1n, scope);
    const flushes = st.work.flushes;
    await blockEnd(st, { due: false, writes: () => [] }); // no commit due: the cache's budget asks for one
    assert.is(st.work.flushes, flushes + 1, 'a commit started');
    await blockEnd(st, { due: false, writes: () => [] }, true);
    assert.ok(st.tables.indexesCached <= 2, `${st.tables.indexesCached} units of indexes cached after it landed`);
    assert.is(hex(st.recomputeDigest()), hex(st.digest()));
  }));

test('a table or index the cache dropped refuses a change through a kept object, and the store keeps it as it was', () =>
  withStored(2, async ({ st, reopen }) => {
    const kept = st.tables.createTable(CODE, 0n, TABLE, 5n);
    kept.store(5n, 1n, new Uint8Array([1]));
    const keptIndex = st.tables.createIndex('idx64', CODE, 0n, TABLE, 5n);
    keptIndex.store(5n, 1n, 1n);
    // more tables and indexes than the cache's 2 units, committed: the first ones are dropped
    for (let scope = 1n; scope < 6n; scope++) {
      st.tables.createTable(CODE, scope, TABLE, 5n).store(5n, 1n, new Uint8Array([2]));
      st.tables.createIndex('idx64', CODE, scope, TABLE, 5n).store(5n, 1n, scope);
    }
    await blockEnd(st, due, true);
    await blockEnd(st, due, true);
    assert.ok(kept.evicted && keptIndex.evicted, 'both dropped by the cache');
    const digest = hex(st.digest());
    const refused = (f: () => unknown) =>
      assert.throws(f, (e: Error) => e instanceof EvictedChangeError && e.code === 'STATE_EVICTED_CHANGE');
    refused(() => kept.store(5n, 2n, new Uint8Array([3])));
    refused(() => kept.update(kept.find(1n)!, 5n, new Uint8Array([4])));
    refused(() => kept.remove(kept.find(1n)!));
    refused(() => keptIndex.store(5n, 2n, 2n));
    assert.is(hex(st.digest()), digest, 'nothing changed');
    // a change written as the dropped objects' removal would lose them here
    await blockEnd(st, due, true);
    const reopened = await reopen();
    assert.is(rowsOf(reopened.tables.findTable(CODE, 0n, TABLE)!), '1:5:01');
    assert.equal(
      [...reopened.tables.findIndex('idx64', CODE, 0n, TABLE)!.entries()].map((e) => [e.primary, e.secondary]),
      [[1n, 1n]],
    );
    assert.is(hex(reopened.recomputeDigest()), digest);
  }));

test('a stored table whose form is malformed is refused with the table named', () =>
  withStored(2, async ({ st }) => {
    const t = st.tables.createTable(CODE, 1n, TABLE, 5n);
    for (let k = 0n; k < 300n; k++) t.store(5n, k, new Uint8Array([1]));
    await blockEnd(st, due, true);
    const store = (st as unknown as { store: OrderedStore }).store;
    const header = store.get(tableKey(CODE, 1n, TABLE))!;
    const bad = new Uint8Array(header.length + 1);
    bad.set(header);
    new DataView(bad.buffer).setBigUint64(8, 3n, true); // the table of scope 3 (u64s little-endian, as Antelope's)
    bad[header.length] = 7; // a byte after the flag
    await store.commit([
      [tableKey(CODE, 3n, TABLE), bad],
      [rowKey(CODE, 1n, TABLE, 5n), new Uint8Array([1, 2])], // a row shorter than its payer
    ]);
    assert.throws(() => st.tables.findTable(CODE, 3n, TABLE), /table 11:3:7 has a malformed stored form/);
    for (let s = 4n; s < 10n; s++) st.tables.createTable(CODE, s, TABLE, 5n).store(5n, 1n, new Uint8Array([1]));
    await blockEnd(st, due, true);
    await blockEnd(st, due, true);
    // read back by its header, the short row is found when read
    const back = st.tables.findTable(CODE, 1n, TABLE)!;
    assert.ok(back.readByRows);
    assert.throws(() => back.find(5n), /a row of table 11:1:7 has 2 byte/);
  }));

/** Every answer of `t`'s queries (find, bounds, steps, last, size) at each of `probes`, as text. */
/** Counts `st`'s store reads from now on: single keys (`gets`), ranges opened and the records they walked (`rows`). */
function countReads(st: ChainState): { gets: number; ranges: number; rows: number } {
  const store = (st as unknown as { store: OrderedStore }).store;
  const reads = { gets: 0, ranges: 0, rows: 0 };
  const get = store.read.bind(store);
  const range = store.range.bind(store);
  store.read = ((key, decode) => {
    reads.gets++;
    return get(key, decode);
  }) as typeof store.read;
  store.range = function* (...args: Parameters<typeof store.range>) {
    reads.ranges++;
    for (const e of range(...args)) {
      reads.rows++;
      yield e;
    }
  } as typeof store.range;
  return reads;
}

/** A big table's or index's read back by its header alone: one store read, no record walked, one unit more in its cache. */
function assertHeaderOnly(reads: ReturnType<typeof countReads>, before: ReturnType<typeof countReads>, cachedMore: number): void {
  assert.is(reads.gets - before.gets, 1, 'one read: the header');
  assert.is(reads.rows - before.rows, 0, 'no record read');
  assert.is(cachedMore, 1, 'one unit in the cache, not three');
}

function answers(t: Table, probes: bigint[]): string[] {
  const row = (r: DbRow | undefined) => (r ? `${r.primary}:${r.payer}:${hex(r.value)}` : '-');
  const out = [`size ${t.size}`, `last ${row(t.last())}`];
  for (const k of probes) out.push(`${k}: ${row(t.find(k))} ${row(t.lowerbound(k))} ${row(t.upperbound(k))} ${row(t.previous(k))}`);
  return out;
}

test('a stored index whose form is malformed is refused with the index named, and so is a malformed entry', () =>
  withStored(2, async ({ st }) => {
    const ix = st.tables.createIndex('idx64', CODE, 1n, TABLE, 5n);
    for (let k = 0n; k < 300n; k++) ix.store(5n, k, k << 20n);
    await blockEnd(st, due, true);
    const store = (st as unknown as { store: OrderedStore }).store;
    const withByte = (v: Uint8Array): Uint8Array => Uint8Array.from([...v, 7]);
    const entry = store.get(indexEntryKey(0, CODE, 1n, TABLE, 5n))!;
    await store.commit([
      [indexKey(0, CODE, 3n, TABLE), withByte(store.get(indexKey(0, CODE, 1n, TABLE))!)], // a byte after the count
      [indexEntryKey(0, CODE, 1n, TABLE, 5n), withByte(entry)], // a byte after the payer, in both places
      [indexOrderKey(0, CODE, 1n, TABLE, 5n << 20n, 5n), withByte(entry)],
    ]);
    assert.throws(() => st.tables.findIndex('idx64', CODE, 3n, TABLE), /index idx64:11:3:7 has a malformed stored form/);
    for (let s = 4n; s < 10n; s++) st.tables.createIndex('idx64', CODE, s, TABLE, 5n).store(5n, 1n, 1n);
    await blockEnd(st, due, true);
    await blockEnd(st, due, true);
    // read back by its header, the long entry is refused where it is read
    const back = st.tables.findIndex('idx64', CODE, 1n, TABLE)!;
    assert.ok(back.readByEntries);
    assert.is(back.findPrimary(6n)?.secondary, 6n << 20n);
    assert.throws(() => back.findPrimary(5n), /entry 5 of index idx64:11:1:7 is malformed/);
    assert.throws(() => back.lowerbound(5n << 20n), /entry 5 of index idx64:11:1:7 is malformed/);
  }));

test('a big table read back from the store reads its header, then only the rows asked for, and answers as its twin', () =>
  withStored(2, async ({ st }) => {
    const mem = new ChainState();
    const reads = countReads(st);
    const probes = [0n, 1n, 2n, 3n, 699n, 700n, 701n, 2099n, 2100n, 2101n, 5000n, 0xffffffffffffffffn];
    for (const s of [st, mem]) {
      const t = s.tables.createTable(CODE, 1n, TABLE, 5n);
      for (let k = 0n; k < 700n; k++) t.store(5n, k * 3n, new Uint8Array([Number(k & 0xffn)]));
    }
    await blockEnd(st, due, true);
    // pushed out of the cache by one-row tables of other scopes (the twin has them too)
    for (const x of [st, mem]) for (let s = 2n; s < 12n; s++) x.tables.createTable(CODE, s, TABLE, 5n).store(5n, 1n, new Uint8Array([1]));
    await blockEnd(st, due, true);
    await blockEnd(st, due, true);
    const cachedBefore = st.tables.cached;
    const r0 = { ...reads };
    const back = st.tables.findTable(CODE, 1n, TABLE)!;
    assert.ok(back.readByRows, 'read back by its header');
    assertHeaderOnly(reads, r0, st.tables.cached - cachedBefore);
    assert.is(back.size, 700);
    const r1 = { ...reads };
    back.find(300n);
    back.upperbound(300n);
    assert.ok(
      reads.gets - r1.gets === 1 && reads.rows - r1.rows <= 2,
      `a find and a step read ${reads.gets - r1.gets} row(s) and walked ${reads.rows - r1.rows}`,
    );
    // rows written, updated and removed since it was read back, a fifth of the blocks rolled back,
    // the table found again at each block as the VM does at each action (a safe point may drop it)
    const twin = mem.tables.findTable(CODE, 1n, TABLE)!;
    const probe = rng(43);
    let readBack = 0;
    const writes = (s: ChainState, rand: () => number) => {
      const t = s.tables.findTable(CODE, 1n, TABLE)!;
      if (t.readByRows) readBack++;
      for (let i = 0; i < 40; i++) {
        const k = BigInt(Math.floor(rand() * 2100));
        const x = rand();
        const value = new Uint8Array([Math.floor(rand() * 256), i]);
        const row = t.find(k);
        if (x < 0.4) {
          if (row) t.update(row, 6n, value);
          else t.store(5n, k, value);
        } else if (row) t.remove(row);
      }
    };
    await twinBlocks(st, mem, 41, 30, writes, (block) => {
      const back = st.tables.findTable(CODE, 1n, TABLE)!;
      const keys = [...probes, ...Array.from({ length: 20 }, () => BigInt(Math.floor(probe() * 2200)))];
      assert.equal(answers(back, keys), answers(twin, keys), `block ${block}`);
      assert.is(rowsOf(back), rowsOf(twin), `block ${block}: rows in order`);
      assert.is(back.keyAt(17), twin.keyAt(17));
      assert.is(back.indexOf(1000n), twin.indexOf(1000n));
    });
    assert.ok(readBack >= 10, `read back by its header at ${readBack} blocks`);
    await blockEnd(st, due, true);
    assert.is(hex(st.digest()), hex(mem.digest()));
    assert.is(hex(st.recomputeDigest()), hex(mem.digest()));
    // read back again (the header's count, the rows the commits wrote)
    for (const x of [st, mem]) for (let s = 12n; s < 24n; s++) x.tables.createTable(CODE, s, TABLE, 5n).store(5n, 1n, new Uint8Array([1]));
    await blockEnd(st, due, true);
    await blockEnd(st, due, true);
    const again = st.tables.findTable(CODE, 1n, TABLE)!;
    assert.ok(again.readByRows);
    assert.is(rowsOf(again), rowsOf(twin));
    assert.equal(answers(again, probes), answers(twin, probes));
    assert.is(hex(st.digest()), hex(mem.digest()));
  }));

/** An index's answers to every query the VM and get_table_rows make, at `primaries` and `secondaries`. */
function indexAnswers(ix: SecondaryIndex, primaries: bigint[], secondaries: SecondaryKey[]): string[] {
  const first = ix.first();
  const last = ix.last();
  const out = [
    `size ${ix.size}`,
    `first ${entryOf(first)} ${entryOf(first && ix.next(first))}`,
    `last ${entryOf(last)} ${entryOf(last && ix.previous(last))}`,
  ];
  for (const p of primaries) out.push(`primary ${p}: ${entryOf(ix.findPrimary(p))}`);
  for (const s of secondaries) {
    const lb = ix.lowerbound(s);
    const ub = ix.upperbound(s);
    out.push(
      `${String(s)}: ${entryOf(lb)} ${entryOf(ub)} ${entryOf(lb && ix.next(lb))} ${entryOf(lb && ix.previous(lb))} ${entryOf(ub && ix.previous(ub))}`,
    );
  }
  return out;
}

/** Secondary keys of each kind drawn from a few values over the kind's whole width (many entries share one), doubles with -0, +0 and infinities. */
const SECONDARIES: Record<(typeof KINDS)[number], (rand: () => number) => SecondaryKey> = {
  idx64: (rand) => BigInt(Math.floor(rand() * 40)) * (2n ** 64n / 40n),
  idx128: (rand) => BigInt(Math.floor(rand() * 40)) * (2n ** 128n / 40n) + BigInt(Math.floor(rand() * 2)),
  idx256: (rand) => BigInt(Math.floor(rand() * 40)) * (2n ** 256n / 40n) + (BigInt(Math.floor(rand() * 2)) << 128n),
  idx_double: (rand) =>
    [-0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1e300, 5e-324][Math.floor(rand() * 12)] ?? Math.floor(rand() * 30) / 4 - 3,
};
/** get_table_rows' key_type of each kind. */
const KEY_TYPES = { idx64: 'i64', idx128: 'i128', idx256: 'sha256', idx_double: 'float64' } as const;
const IX_CODE = Name.from('ixtest').value;
const IX_SCOPE = Name.from('alice').value;
const IX_TABLE = Name.from('rows').value;

/** A get_table_rows bound for a secondary key of `kind`. */
function boundText(kind: (typeof KINDS)[number], s: SecondaryKey): string {
  return kind === 'idx64' || kind === 'idx_double' ? String(s) : `0x${(s as bigint).toString(16)}`;
}

test('a big index read back from the store reads its header, then only the entries asked for, and answers as its twin', () =>
  withStored(2, async ({ st }) => {
    const mem = new ChainState();
    const reads = countReads(st);
    const r0 = rng(51);
    // one index of each kind, 700 entries (many sharing a secondary key), over a primary table
    const seed = KINDS.map(() => Array.from({ length: 700 }, (_, i) => BigInt(i * 3)));
    for (const s of [st, mem]) {
      const rows = s.tables.createTable(IX_CODE, IX_SCOPE, IX_TABLE, 5n);
      for (let k = 0n; k < 2200n; k++) rows.store(5n, k, new Uint8Array([Number(k & 0xffn)]));
    }
    KINDS.forEach((kind, i) => {
      const values = seed[i]!.map(() => SECONDARIES[kind](r0));
      for (const s of [st, mem]) {
        const ix = s.tables.createIndex(kind, IX_CODE, IX_SCOPE, IX_TABLE | BigInt(i + 1), 5n);
        seed[i]!.forEach((primary, j) => ix.store(5n, primary, values[j]!));
      }
    });
    await blockEnd(st, due, true);
    await blockEnd(st, due, true); // the safe point after the commit landed drops them (a budget of 2 units)
    const find = (s: ChainState, i: number) => s.tables.findIndex(KINDS[i]!, IX_CODE, IX_SCOPE, IX_TABLE | BigInt(i + 1))!;
    const before = { ...reads };
    const cachedBefore = st.tables.indexesCached;
    const back = find(st, 0);
    assert.ok(back.readByEntries, 'read back by its header');
    assertHeaderOnly(reads, before, st.tables.indexesCached - cachedBefore);
    assert.is(back.size, 700);
    const b1 = { ...reads };
    const e300 = back.findPrimary(300n)!;
    back.next(e300);
    back.lowerbound(e300.secondary);
    assert.ok(
      reads.gets - b1.gets === 1 && reads.rows - b1.rows <= 4,
      `a find and two steps read ${reads.gets - b1.gets} entries and walked ${reads.rows - b1.rows}`,
    );
    // entries stored, moved (a new secondary key) and removed, a fifth of the blocks rolled back,
    // each index found again at each block as the VM does at each action
    const probe = rng(53);
    let readBack = 0;
    const writes = (s: ChainState, rand: () => number) => {
      KINDS.forEach((kind, i) => {
        const ix = find(s, i);
        if (ix.readByEntries) readBack++;
        for (let j = 0; j < 15; j++) {
          const primary = BigInt(Math.floor(rand() * 2200));
          const x = rand();
          const secondary = SECONDARIES[kind](rand);
          const e = ix.findPrimary(primary);
          if (x < 0.45) {
            if (e) ix.update(e, 6n, secondary);
            else ix.store(5n, primary, secondary);
          } else if (e) ix.remove(e);
        }
      });
    };
    const check = (what: string) => {
      KINDS.forEach((kind, i) => {
        const a = find(st, i);
        const b = find(mem, i);
        const primaries = [0n, 3n, 300n, 2199n, ...Array.from({ length: 10 }, () => BigInt(Math.floor(probe() * 2200)))];
        const secondaries = Array.from({ length: 12 }, () => SECONDARIES[kind](probe));
        assert.equal(indexAnswers(a, primaries, secondaries), indexAnswers(b, primaries, secondaries), `${what}, ${kind}`);
        assert.equal([...a.entries()].map(entryOf), [...b.entries()].map(entryOf), `${what}, ${kind}: entries in order`);
        // get_table_rows through the index, both ways, from a bound and paged
        const q = (s: ChainState, extra: Record<string, unknown>) =>
          queryTableRows(
            s.tables,
            { code: 'ixtest', scope: 'alice', table: 'rows', index_position: i + 2, key_type: KEY_TYPES[kind], limit: 7, ...extra },
            null,
          );
        const lower = boundText(kind, secondaries[0]!);
        for (const extra of [{}, { reverse: true }, { lower_bound: lower }, { upper_bound: lower, reverse: true }])
          assert.equal(q(st, extra), q(mem, extra), `${what}, ${kind}: get_table_rows ${JSON.stringify(extra)}`);
      });
    };
    check('read back');
    await twinBlocks(st, mem, 55, 30, writes, (block) => check(`block ${block}`));
    assert.ok(readBack >= 20, `read back by its header at ${readBack} index finds`);
    await blockEnd(st, due, true);
    assert.is(hex(st.digest()), hex(mem.digest()));
    assert.is(hex(st.recomputeDigest()), hex(mem.digest()));
    // the store holds one order key per entry: none left behind by an entry moved or removed
    const store = (st as unknown as { store: OrderedStore }).store;
    KINDS.forEach((kind, i) => {
      const [first, end] = indexOrderBounds(i, IX_CODE, IX_SCOPE, IX_TABLE | BigInt(i + 1));
      assert.is([...store.range(first, end)].length, find(mem, i).size, `${kind}: order keys`);
    });
    // read back again: the header's count, the entries the commits wrote
    await blockEnd(st, due, true);
    check('read back again');
    assert.ok(find(st, 1).readByEntries);
  }));

test("get_table_rows bounds outside an index kind's range are refused alike, whether the index is in memory or read back from the store", () =>
  withStored(2, async ({ st: made, reopen }) => {
    // an order key is the secondary key in its kind's width: a bound past it (a negative number, a
    // key of more bits) cannot be one, and must not reach the store's walk as it is
    const mem = new ChainState();
    const r0 = rng(57);
    for (const s of [made, mem]) {
      const rows = s.tables.createTable(IX_CODE, IX_SCOPE, IX_TABLE, 5n);
      for (let k = 0n; k < 300n; k++) rows.store(5n, k, new Uint8Array([Number(k & 0xffn)]));
    }
    KINDS.forEach((kind, i) => {
      const values = Array.from({ length: 300 }, () => SECONDARIES[kind](r0));
      for (const s of [made, mem]) {
        const ix = s.tables.createIndex(kind, IX_CODE, IX_SCOPE, IX_TABLE | BigInt(i + 1), 5n);
        values.forEach((v, j) => ix.store(5n, BigInt(j), v));
      }
    });
    await blockEnd(made, due, true);
    const st = await reopen(); // the table and the indexes read back by their headers
    const hostile: Record<(typeof KINDS)[number], string[]> = {
      idx64: ['-1', '18446744073709551616', '99999999999999999999999999', '0x10', '1e3', ' 5', '1.5'],
      idx128: ['-1', '-0x1', `0x1${'0'.repeat(32)}`, String(2n ** 128n), `0x${'f'.repeat(32)}`, '0x', '1.5', ' 7 '],
      idx256: ['-1', `0x1${'0'.repeat(64)}`, `1${'0'.repeat(64)}`, 'f'.repeat(64), 'zz', '0x'],
      idx_double: ['NaN', '1e400', '-1e400', '-0', '0x10', 'Infinity', ' ', '5e-324'],
    };
    const outcome = (s: ChainState, i: number, extra: Record<string, unknown>) => {
      try {
        return queryTableRows(
          s.tables,
          i < 0
            ? { code: 'ixtest', scope: 'alice', table: 'rows', ...extra }
            : { code: 'ixtest', scope: 'alice', table: 'rows', index_position: i + 2, key_type: KEY_TYPES[KINDS[i]!], limit: 5, ...extra },
          null,
        );
      } catch (e) {
        return { refused: e instanceof ChainError ? e.code : `${(e as Error).name}: ${(e as Error).message}` };
      }
    };
    KINDS.forEach((kind, i) => {
      assert.ok(st.tables.findIndex(kind, IX_CODE, IX_SCOPE, IX_TABLE | BigInt(i + 1))!.readByEntries, `${kind}: read back by its header`);
      for (const bound of hostile[kind])
        for (const extra of [{ lower_bound: bound }, { upper_bound: bound, reverse: true }, { lower_bound: bound, upper_bound: bound }]) {
          const a = outcome(st, i, extra);
          assert.equal(a, outcome(mem, i, extra), `${kind} ${JSON.stringify(extra)}`);
          if ('refused' in a) assert.is(a.refused, 'chain_type_exception', `${kind} ${JSON.stringify(extra)}`);
        }
    });
    // a bound or limit that is an object with no usable toString (String() of it throws): refused as
    // a malformed request, not a TypeError out of the query
    const noText = { toString: false, valueOf: 1 };
    KINDS.forEach((kind, i) => {
      for (const extra of [{ lower_bound: noText }, { upper_bound: noText }, { limit: noText }])
        for (const s of [st, mem]) assert.equal(outcome(s, i, extra), { refused: 'invalid_http_request' }, `${kind} ${Object.keys(extra)}`);
    });
    // the primary table (stored by its rows) and the indexes with extreme, inverted and odd
    // parameters: the same answer or the same refusal from both forms
    const primaryBounds = ['0', '1', '299', '300', String(2n ** 64n - 1n), 'zzzzzzzzzzzzj', '4,BNC', '-1', '1e3'];
    const params: Array<Record<string, unknown>> = [];
    for (const lower_bound of [undefined, ...primaryBounds])
      for (const upper_bound of [undefined, '0', '150', String(2n ** 64n - 1n)])
        for (const reverse of [false, true]) params.push({ lower_bound, upper_bound, reverse, limit: 7 });
    for (const limit of [0, 1, '3', 1e9, -1, 1.5, 'x', null]) params.push({ limit }, { limit, reverse: true });
    assert.ok(st.tables.findTable(IX_CODE, IX_SCOPE, IX_TABLE)!.readByRows, 'the table is read back by its header');
    for (const extra of params) {
      assert.equal(outcome(st, -2, extra), outcome(mem, -2, extra), `primary ${JSON.stringify(extra)}`);
      KINDS.forEach((kind, i) => {
        const bound = boundText(kind, SECONDARIES[kind](r0));
        const ex = { ...extra, ...(extra.lower_bound !== undefined ? { lower_bound: bound } : {}) };
        assert.equal(outcome(st, i, ex), outcome(mem, i, ex), `${kind} ${JSON.stringify(ex)}`);
      });
    }
  }));

test.run();
