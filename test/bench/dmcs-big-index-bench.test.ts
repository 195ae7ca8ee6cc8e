// bench/dmcs-big-index.ts at a tiny size: indexes of 300 entries (past ROWS_APART_MIN, so stored by
// their entries and read back by their header) against indexes of 30, over a real state store:
// every figure is there and positive, and the big size's first page holds far less heap than its
// entries (an index read back whole held some 180 bytes of heap per entry).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchDmcsBigIndex } from '../../bench/dmcs-big-index.js';
import { ROWS_APART_MIN } from '../../dmcs/state/table-store.js';

test('the big-index figures at 30 and 300 entries', async () => {
  assert.ok(300 >= ROWS_APART_MIN, 'the big size is stored by its entries');
  const results = await benchDmcsBigIndex({ runs: 1, entries: 300, small: 30 });
  assert.equal(
    results.map((r) => r.name.replace(/ \(.*/, '')),
    [
      'dmcs.big_index.first_page_ms',
      'dmcs.big_index.first_page_ms',
      'dmcs.big_index.first_page_ratio',
      'dmcs.big_index.heap_per_entry',
      'dmcs.big_index.commit_ms',
    ],
  );
  assert.match(results[1]!.name, /^dmcs\.big_index\.first_page_ms \(300 entries/);
  assert.ok(results[1]!.runs === 20, 'one page per index');
  const [, , ratio, heap, commit] = results;
  assert.ok(ratio!.median > 0 && commit!.median > 0, JSON.stringify(results));
  assert.ok(heap!.median < 60, `${heap!.median} bytes of heap per entry`);
});

test.run();
