// bench/dmcs-big-table.ts at a tiny size: a table of 300 rows in one scope (past ROWS_APART_MIN, so
// stored apart) against one of 30, each timed over 3 blocks of posts through the real contract, a
// state store and a commit due every block, then the 300 rows again out of the cache at each timed
// block: every figure is there, positive, and each cold block read the table back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchDmcsBigTable } from '../../bench/dmcs-big-table.js';
import { ROWS_APART_MIN } from '../../dmcs/state/table-store.js';

test('the big-table figures at 30 and 300 rows', async () => {
  assert.ok(300 >= ROWS_APART_MIN, 'the big size is stored apart');
  const results = await benchDmcsBigTable({ runs: 1, rows: 300, small: 30, blocks: 3 });
  assert.equal(
    results.map((r) => r.name.replace(/ \(.*/, '')),
    [
      'dmcs.big_table.block_ms',
      'dmcs.big_table.commit_ms',
      'dmcs.big_table.block_ms',
      'dmcs.big_table.commit_ms',
      'dmcs.big_table.block_ratio',
      'dmcs.big_table.cold.block_ms',
      'dmcs.big_table.cold.read_backs',
      'dmcs.big_table.cold_ratio',
    ],
  );
  assert.ok(results[6]!.median >= 1, `tables read back per cold block: ${results[6]!.median}`);
  assert.match(results[2]!.name, /^dmcs\.big_table\.block_ms \(300 rows in one scope/);
  assert.ok(
    results.every((r) => Number.isFinite(r.median) && r.median > 0 && r.runs === 1),
    JSON.stringify(results),
  );
});

test.run();
