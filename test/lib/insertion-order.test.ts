// InsertionOrder (lib/insertion-order.ts): keys in the order they were last added, the oldest in
// O(1). A seeded model check against a Map's own order (delete and set again moves a key to the
// end) over many adds, re-adds, deletes and evictions, past the queue's compactions, with the
// key → number map as one Map and sharded by a hash of the keys.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InsertionOrder, ORDER_CHUNK } from '../../lib/insertion-order.js';
import { u64Hash } from '../../lib/sharded-map.js';

test('oldest, re-adds, deletes', () => {
  const o = new InsertionOrder<string>();
  assert.is(o.oldest(), undefined);
  o.add('a');
  o.add('b');
  o.add('c');
  o.add('a'); // the newest now
  assert.is(o.oldest(), 'b');
  assert.ok(o.delete('b'));
  assert.not.ok(o.delete('b'));
  assert.is(o.oldest(), 'c');
  assert.equal([...o.keys()], ['c', 'a']);
  assert.is(o.size, 2);
  assert.ok(o.has('a') && !o.has('b'));
});

for (const sharded of [false, true])
  test(`the same order as a Map used as a FIFO, across compactions (seeded model check${sharded ? ', sharded' : ''})`, () => {
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const o = new InsertionOrder<number>(sharded ? (k) => u64Hash(BigInt(k)) : undefined);
    const model = new Map<number, true>();
    const CAP = 500;
    for (let step = 0; step < 60_000; step++) {
      const r = rand(10);
      const key = rand(2_000);
      if (r < 6) {
        model.delete(key);
        model.set(key, true);
        o.add(key);
      } else if (r < 8) {
        assert.is(o.delete(key), model.delete(key));
      } else {
        const first = model.keys().next();
        assert.is(o.oldest(), first.done ? undefined : first.value, `step ${step}`);
      }
      if (model.size > CAP) {
        const first = model.keys().next().value!;
        model.delete(first);
        assert.is(o.oldest(), first);
        o.delete(first);
      }
      assert.is(o.size, model.size);
    }
    assert.equal([...o.keys()], [...model.keys()]);
  });

test('a queue mostly stale is compacted, keeping the live keys in order, across chunks', () => {
  for (const sharded of [false, true]) {
    const o = new InsertionOrder<number>(sharded ? (k) => u64Hash(BigInt(k)) : undefined);
    const model = new Map<number, true>();
    const N = 5 * ORDER_CHUNK; // the queue spans several chunks
    for (let i = 0; i < N; i++) {
      o.add(i);
      model.set(i, true);
    }
    for (let i = 0; i < N; i++)
      if (i % 7 !== 3) {
        o.delete(i);
        model.delete(i);
      }
    for (let i = 0; i < 3000; i += 3) {
      o.add(i); // stale pairs past the live keys: the next add compacts
      model.delete(i);
      model.set(i, true);
    }
    assert.equal([...o.keys()], [...model.keys()]);
    assert.is(o.oldest(), model.keys().next().value);
    assert.is(o.size, model.size);
  }
});

test.run();
