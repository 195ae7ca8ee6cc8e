// Contract tables insert and remove in O(log n) whatever the key order: building a 100k-row table in
// descending key order costs about what ascending costs (a flat sorted array pays O(n²) descending),
// for the primary keys and for a secondary index, and the rows come back in order either way.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performance } from 'node:perf_hooks';
import { ChainState } from '../../../dmcs/state/chain-state.js';
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
  assert.is(ix.entryAt(0)!.primary, BigInt(rows - 1));
  assert.is(ix.position(2n ** 64n - 1n - 10n, 0n), rows - 11);
  return ms;
}

test('100k rows in descending key order cost about what ascending costs', () => {
  build('asc', 10_000); // warm the JIT so neither order pays for it
  build('desc', 10_000);
  // best of two each, interleaved, so a busy machine slows both alike
  let asc = Infinity;
  let desc = Infinity;
  for (let i = 0; i < 2; i++) {
    asc = Math.min(asc, build('asc'));
    desc = Math.min(desc, build('desc'));
  }
  const ratio = desc / asc;
  console.log(`  100k rows + idx64: ascending ${asc.toFixed(0)} ms, descending ${desc.toFixed(0)} ms (ratio ${ratio.toFixed(2)})`);
  assert.ok(ratio < 3, `descending/ascending = ${ratio.toFixed(2)}`);
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

test.run();
