// Contract tables insert and remove in O(log n) whatever the key order: building a 100k-row table in
// descending key order does about the work ascending does (a flat sorted array pays O(n²) descending),
// for the primary keys and for a secondary index, and the rows come back in order either way. The
// work is counted, not timed (every element an array splice shifts), so a busy machine cannot fail
// it; the times are printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performance } from 'node:perf_hooks';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { CHUNK_SIZE } from '../../../lib/sorted-chunks.js';
import { FEW_ROWS_MAX, type Table } from '../../../dmcs/state/table-store.js';
import { rng } from './seeded-random.js';
import { Name } from '../../../abi/antelope/index.js';

const n = (s: string) => Name.from(s).value;
const ROWS = 100_000;
const value = new Uint8Array(16);

/** Builds a 100k-row table (and an idx64 beside it) with keys in `order`; returns the time taken. */
function build(order: 'asc' | 'desc', rows = ROWS): number {
  const st = new ChainState();
  const mark = st.undo.checkpoint(); // journalled like a transaction, as the chain writes
  const t0 = performance.now();
  const t = st.tables.createTable(n('tok'), n('tok'), n('rows'), n('tok'));
  const ix = st.tables.createIndex('idx64', n('tok'), n('tok'), n('rows') | 1n, n('tok'));
  for (let i = 0; i < rows; i++) {
    const k = BigInt(order === 'asc' ? i : rows - 1 - i);
    t.store(n('tok'), k, value);
    ix.store(n('tok'), k, 2n ** 64n - 1n - k);
  }
  const ms = performance.now() - t0;
  st.undo.commit(mark);
  assert.is(t.size, rows);
  assert.is(t.keyAt(0), 0n);
  assert.is(t.last()!.primary, BigInt(rows - 1));
  assert.is(ix.first()!.primary, BigInt(rows - 1));
  assert.is(ix.lowerbound(2n ** 64n - 1n - 10n)!.primary, 10n);
  assert.is(ix.size, rows);
  return ms;
}

/** Runs `fn` counting the elements array splices shift or remove (the cost a sorted array's insert pays). */
function shifted(fn: () => void): number {
  const splice = Array.prototype.splice;
  let moved = 0;
  Array.prototype.splice = function (this: unknown[], start: number, ...rest: unknown[]) {
    const from = start < 0 ? Math.max(0, this.length + start) : Math.min(start, this.length);
    moved += this.length - from;
    return splice.apply(this, [start, ...rest] as Parameters<typeof splice>);
  } as typeof splice;
  try {
    fn();
  } finally {
    Array.prototype.splice = splice;
  }
  return moved;
}

test('100k rows in descending key order do about the work ascending does, and the work grows linearly', () => {
  let asc = 0;
  let desc = 0;
  const ascMoved = shifted(() => (asc = build('asc')));
  const descMoved = shifted(() => (desc = build('desc')));
  const halfMoved = shifted(() => build('desc', ROWS / 2));
  console.log(
    `  100k rows + idx64: ascending ${asc.toFixed(0)} ms, descending ${desc.toFixed(0)} ms; ` +
      `elements shifted: ascending ${ascMoved}, descending ${descMoved}, descending 50k ${halfMoved}`,
  );
  // per insert, at most a chunk's worth (2 × CHUNK_SIZE) plus the chunk list (ROWS / CHUNK_SIZE),
  // for the table and its index: a flat array would shift ROWS / 2 per insert on average
  const perInsert = 2 * (2 * CHUNK_SIZE + ROWS / CHUNK_SIZE);
  assert.ok(descMoved <= ROWS * perInsert, `descending shifted ${descMoved} elements, more than ${ROWS * perInsert}`);
  assert.ok(descMoved <= 4 * ascMoved + ROWS * perInsert, `descending ${descMoved} vs ascending ${ascMoved}`);
  assert.ok(descMoved / halfMoved < 2.5, `twice the rows shifted ${(descMoved / halfMoved).toFixed(2)}x the elements (quadratic: 4x)`);
});

test('removing every other row, then rolling back, restores every row in order', () => {
  const st = new ChainState();
  const t = st.tables.createTable(n('tok'), n('tok'), n('rows'), n('tok'));
  for (let i = 0; i < 5000; i++) t.store(n('tok'), BigInt(i * 3), value);
  const mark = st.undo.checkpoint();
  for (let i = 0; i < 5000; i += 2) t.remove(t.find(BigInt(i * 3))!);
  assert.is(t.size, 2500);
  assert.is(t.lowerbound(1n)!.primary, 3n);
  assert.is(t.previous(3n), undefined);
  st.undo.rollback(mark);
  assert.is(t.size, 5000);
  assert.equal([...t.keys()].slice(0, 4), [0n, 3n, 6n, 9n]);
  assert.is(t.upperbound(3n)!.primary, 6n);
  assert.is(t.previous(6n)!.primary, 3n);
});

/** Every query of `t` against the rows a sorted model holds (keys 0..KEYS-1 and one past each end). */
function sameAsModel(t: Table, model: Map<bigint, Uint8Array>, keys: number, at: string): void {
  const sorted = [...model.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assert.is(t.size, sorted.length, `${at}: size`);
  assert.equal([...t.keys()], sorted, `${at}: keys`);
  assert.equal(
    [...t.rowsInOrder()].map((r) => [r.primary, r.value[0]]),
    sorted.map((k) => [k, model.get(k)![0]]),
    `${at}: rows`,
  );
  assert.equal(
    t.rowList().map((r) => r.primary),
    sorted,
    `${at}: rowList`,
  );
  assert.is(t.last()?.primary, sorted[sorted.length - 1], `${at}: last`);
  for (let i = -1; i <= sorted.length; i++) {
    assert.is(t.keyAt(i), sorted[i], `${at}: keyAt(${i})`);
    assert.is(t.at(i)?.primary, sorted[i], `${at}: at(${i})`);
  }
  for (let q = -1n; q <= BigInt(keys); q++) {
    const k = q < 0n ? 0n : q; // u64 keys: probe 0 twice rather than a negative
    const ge = sorted.findIndex((x) => x >= k);
    assert.is(t.indexOf(k), ge < 0 ? sorted.length : ge, `${at}: indexOf(${k})`);
    assert.is(t.find(k)?.primary, model.has(k) ? k : undefined, `${at}: find(${k})`);
    assert.is(
      t.lowerbound(k)?.primary,
      sorted.find((x) => x >= k),
      `${at}: lowerbound(${k})`,
    );
    assert.is(
      t.upperbound(k)?.primary,
      sorted.find((x) => x > k),
      `${at}: upperbound(${k})`,
    );
    assert.is(t.previous(k)?.primary, sorted.filter((x) => x < k).pop(), `${at}: previous(${k})`);
  }
}

test(`a table of at most ${FEW_ROWS_MAX} rows (one array) and a larger one answer every query as a sorted model does, across the move and its rollback`, () => {
  const KEYS = 3 * FEW_ROWS_MAX; // enough to cross the bound both ways
  for (const seed of [1, 2, 3]) {
    const random = rng(seed);
    const st = new ChainState();
    const model = new Map<bigint, Uint8Array>();
    const t = st.tables.createTable(n('tok'), n('tok'), n('rows'), n('tok'));
    t.store(n('tok'), 0n, Uint8Array.of(0));
    model.set(0n, Uint8Array.of(0));
    for (let round = 0; round < 40; round++) {
      const mark = st.undo.checkpoint();
      const before = new Map(model);
      const digestBefore = st.digest();
      for (let op = 0; op < 12; op++) {
        const k = BigInt(Math.floor(random() * KEYS));
        const v = Uint8Array.of(Math.floor(random() * 256));
        const row = t.find(k);
        if (row === undefined) {
          t.store(n('tok'), k, v);
          model.set(k, v);
        } else if (random() < 0.5) {
          t.update(row, n('tok'), v);
          model.set(k, v);
        } else if (t.size > 1) {
          t.remove(row); // never the last: an emptied table is dropped
          model.delete(k);
        }
        sameAsModel(t, model, KEYS, `seed ${seed} round ${round} op ${op}`);
      }
      assert.equal(st.digest(), st.recomputeDigest(), `seed ${seed} round ${round}: digest`);
      if (random() < 0.3) {
        st.undo.rollback(mark);
        sameAsModel(t, before, KEYS, `seed ${seed} round ${round}: rolled back`);
        model.clear();
        for (const [k, v] of before) model.set(k, v);
        assert.equal(st.digest(), digestBefore, `seed ${seed} round ${round}: digest rolled back`);
      } else st.undo.commit(mark);
    }
  }
});

test.run();
