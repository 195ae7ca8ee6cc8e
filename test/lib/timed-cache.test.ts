// TimedCache: a value is reused for its age limit and not a millisecond more; the oldest set leaves
// first when full; a value set again is young again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TimedCache } from '../../lib/timed-cache.js';

test('a value lives for maxAgeMs, then reads as absent and is dropped', () => {
  let now = 1_000;
  const c = new TimedCache<string, number>({ maxAgeMs: 100, maxEntries: 4, now: () => now });
  c.set('a', 1);
  now += 99;
  assert.is(c.get('a'), 1);
  now += 1;
  assert.is(c.get('a'), undefined);
  assert.is(c.size, 0);
});

test('full: the entry set longest ago leaves first; setting again makes an entry the newest', () => {
  let now = 0;
  const c = new TimedCache<string, string>({ maxAgeMs: 1_000, maxEntries: 2, now: () => now });
  c.set('a', 'A');
  c.set('b', 'B');
  c.set('a', 'A2'); // now b is the oldest
  c.set('c', 'C');
  assert.is(c.get('b'), undefined);
  assert.is(c.get('a'), 'A2');
  assert.is(c.get('c'), 'C');
  now = 999;
  c.set('a', 'A3');
  now = 1_500;
  assert.is(c.get('c'), undefined, 'set at 0');
  assert.is(c.get('a'), 'A3', 'set again at 999');
});

test('delete', () => {
  const c = new TimedCache<string, number>({ maxAgeMs: 1_000, maxEntries: 8 });
  c.set('x', 1);
  c.set('y', 1);
  c.delete('y');
  assert.is(c.get('y'), undefined);
  assert.is(c.size, 1);
});

test('bad limits are refused', () => {
  assert.throws(() => new TimedCache({ maxAgeMs: -1, maxEntries: 1 }), RangeError);
  assert.throws(() => new TimedCache({ maxAgeMs: 1, maxEntries: 0 }), RangeError);
  assert.throws(() => new TimedCache({ maxAgeMs: Number.NaN, maxEntries: 1 }), RangeError);
});

test.run();
