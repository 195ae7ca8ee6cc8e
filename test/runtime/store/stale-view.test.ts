// `peeros app install APP` and `store …` warn when the DMCS's head block is older than two minutes:
// its view of yanks and releases may be behind. Antelope's head_block_time has no 'Z'; it is UTC.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { STALE_AFTER_MS, staleWarning } from '../../../runtime/store/stale-view.js';

test('a head block older than the limit is warned about, a fresh or unknown one is not', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  assert.match(staleWarning('2026-12-02T11:50:00.000', now) ?? '', /head block is 600 s old; its view of the store may be stale/);
  assert.is(staleWarning(new Date(now - STALE_AFTER_MS + 1000).toISOString().replace('Z', ''), now), undefined);
  assert.is(staleWarning(undefined, now), undefined);
  assert.is(staleWarning('not a time', now), undefined);
});

test.run();
