// SortedChunks keeps distinct values in order through any mix of inserts and deletes: every query
// agrees with a plain sorted array (the oracle) after random operations that split and merge chunks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SortedChunks, CHUNK_SIZE } from '../../lib/sorted-chunks.js';

/** Deterministic xorshift32, so a failure replays. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const cmp = (a: number, b: number) => a - b;

test('random inserts and deletes agree with a sorted array on every query', () => {
  const r = rng(19);
  const list = new SortedChunks<number>(cmp);
  const oracle: number[] = [];
  const present = new Set<number>();
  const universe = 6 * CHUNK_SIZE;
  for (let step = 0; step < 40_000; step++) {
    const v = Math.floor(r() * universe);
    // grow for the first half (splits), shrink in the second (merges)
    const insert = step < 20_000 ? r() < 0.7 : r() < 0.3;
    if (insert && !present.has(v)) {
      list.insert(v);
      present.add(v);
      oracle.splice(lowerBound(oracle, v), 0, v);
    } else if (!insert) {
      assert.is(list.delete(v), present.has(v));
      if (present.delete(v)) oracle.splice(lowerBound(oracle, v), 1);
    }
    if (step % 97 === 0) {
      const q = Math.floor(r() * (universe + 2)) - 1;
      const i = lowerBound(oracle, q);
      assert.is(list.size, oracle.length);
      assert.is(
        list.first((x) => x < q),
        oracle[i],
      );
      assert.is(
        list.lastBelow((x) => x < q),
        i > 0 ? oracle[i - 1] : undefined,
      );
      assert.is(
        list.rank((x) => x < q),
        i,
      );
      assert.is(list.at(i), oracle[i]);
      assert.is(list.last(), oracle[oracle.length - 1]);
    }
  }
  assert.equal([...list.values()], oracle);
  // merges keep chunks from thinning out: never more than about twice the minimum count
  assert.ok(
    list.chunkCount <= Math.max(1, Math.ceil((2 * oracle.length) / CHUNK_SIZE) + 2),
    `${list.chunkCount} chunks for ${oracle.length}`,
  );
});

test('walks from any value either way take the values after (or before) it, across chunks', () => {
  const list = new SortedChunks<number>(cmp);
  const oracle: number[] = [];
  const r = rng(7);
  for (let i = 0; i < 6 * CHUNK_SIZE; i++) {
    const v = Math.floor(r() * 1e6);
    if (oracle.includes(v)) continue;
    list.insert(v);
    oracle.push(v);
  }
  oracle.sort(cmp);
  assert.ok(list.chunkCount > 3);
  const take = <T>(it: Iterable<T>, n: number): T[] => {
    const out: T[] = [];
    for (const v of it) if (out.push(v) >= n) break;
    return out;
  };
  for (const at of [-1, 0, oracle[0]!, oracle[CHUNK_SIZE]!, oracle[2 * CHUNK_SIZE - 1]! + 1, oracle[oracle.length - 1]!, 2e6]) {
    const from = oracle.findIndex((x) => x >= at);
    const fwd = from < 0 ? [] : oracle.slice(from);
    assert.equal(
      take(
        list.walk((x) => x < at),
        1000,
      ),
      fwd.slice(0, 1000),
      `from ${at}`,
    );
    const back = oracle.filter((x) => x <= at).reverse();
    assert.equal(
      take(
        list.walk((x) => x <= at, true),
        1000,
      ),
      back.slice(0, 1000),
      `down from ${at}`,
    );
  }
  assert.equal([...list.walk(() => true, true)], [...oracle].reverse());
  assert.equal([...new SortedChunks<number>(cmp).walk(() => true, true)], []);
});

test('positions outside the list are undefined', () => {
  const list = new SortedChunks<number>(cmp);
  assert.is(list.at(0), undefined);
  assert.is(list.last(), undefined);
  assert.is(
    list.first(() => false),
    undefined,
  );
  list.insert(5);
  assert.is(list.at(-1), undefined);
  assert.is(list.at(1), undefined);
  assert.is(list.at(0), 5);
  assert.is(list.delete(4), false);
});

function lowerBound(a: number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

test.run();
