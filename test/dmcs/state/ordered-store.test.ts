// The state store's range reads agree: `entries` (lmdb's copies as they come) and `scan` (a snapshot
// writer's: each value read in place, valid until its next step) yield exactly the keys and values
// `range` does, in key order, across several batches, and through a view `range` and `scan` see the
// store as it was when the view was taken, not a commit made after; a value larger than lmdb-js's read buffer
// comes whole through `scan` and `get`. The store's map
// is reserved whole at open and does not move as the file grows past many doublings (each resize
// would map the file anew, and every page read after it fault again), while the file stays the
// size of what it holds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderedStore, STORE_MAP_BYTES, STORE_RANGE_BATCH } from '../../../dmcs/state/ordered-store.js';
import { bytesToHex } from '../../../abi/antelope/index.js';

const key = (i: number): Uint8Array => new Uint8Array([0x41, i >> 8, i & 0xff]);
const value = (i: number, gen: number): Uint8Array => new Uint8Array(10 + (i % 90)).fill((i + gen) & 0xff);
const hexes = (it: Iterable<Uint8Array>): string[] => [...it].map((v) => bytesToHex(v));
/** The values of `entries`, each checked to come with its own key. */
const values = (it: Iterable<{ key: Uint8Array; value: Uint8Array }>): Uint8Array[] =>
  [...it].map(({ key: k, value: v }) => {
    const i = (k[1]! << 8) | k[2]!;
    assert.is(v.length, 10 + (i % 90), `key ${i} with its own value`);
    return v;
  });
/** Whether `a` and `b` hold the same bytes (no hex of megabytes in a failure's message). */
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;
/** The hex of each value `scan` yields, taken at its step (the view is overwritten by the next). */
const scanned = (it: Iterable<{ key: Uint8Array; value: Uint8Array }>): string[] => {
  const out: string[] = [];
  for (const e of it) out.push(...hexes(values([e])));
  return out;
};

test('entries() yields what range() does, across batches and through a view', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-ordered-store-'));
  const store = new OrderedStore(dir);
  const n = 3 * STORE_RANGE_BATCH + 5;
  try {
    const entries: Array<[Uint8Array, Uint8Array | null]> = [];
    for (let i = n - 1; i >= 0; i--) entries.push([key(i), value(i, 0)]);
    entries.push([new Uint8Array([0x42]), new Uint8Array([9])]); // past the range's end
    await store.commit(entries);
    const start = new Uint8Array([0x41]);
    const end = new Uint8Array([0x42]);
    const expected = Array.from({ length: n }, (_, i) => bytesToHex(value(i, 0)));
    assert.equal(hexes(values(store.entries(start, end))), expected);
    assert.equal(hexes([...store.range(start, end)].map((e) => e.value)), expected);
    // a view taken now, then every value rewritten and one removed: the view still sees the first
    const view = store.view();
    const rewrite: Array<[Uint8Array, Uint8Array | null]> = [];
    for (let i = 0; i < n; i++) rewrite.push([key(i), i === 7 ? null : value(i, 1)]);
    await store.commit(rewrite);
    assert.equal(hexes([...store.range(start, end, view)].map((e) => e.value)), expected);
    assert.equal(scanned(store.scan(start, end, view)), expected);
    view.done();
    const later = store.view();
    assert.equal(scanned(store.scan(start, end, later)), hexes(values(store.entries(start, end))));
    later.done();
    const now = hexes(values(store.entries(start, end)));
    assert.is(now.length, n - 1);
    assert.is(now[0], bytesToHex(value(0, 1)));
    assert.equal(hexes([...store.range(start, end)].map((e) => e.value)), now);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a value larger than the read buffer comes whole through scan, get and read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-ordered-store-'));
  const store = new OrderedStore(dir);
  try {
    const big = (n: number, fill: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + fill) & 0xff);
    const sizes = [3, 300_000, 40, 5_000_000, 1];
    await store.commit(sizes.map((n, i) => [new Uint8Array([0x44, i]), big(n, i)] as const));
    const view = store.view();
    const seen: number[] = [];
    for (const { key: k, value: v } of store.scan(new Uint8Array([0x44]), new Uint8Array([0x45]), view)) {
      const i = k[1]!;
      assert.ok(same(v, big(sizes[i]!, i)), `scan: value ${i} of ${sizes[i]} bytes whole (${v.length} read)`);
      seen.push(i);
    }
    view.done();
    assert.equal(seen, [0, 1, 2, 3, 4]);
    for (const [i, n] of sizes.entries()) {
      const got = store.get(new Uint8Array([0x44, i]));
      assert.ok(got !== undefined && same(got, big(n, i)), `get: value ${i} of ${n} bytes whole (${got?.length} read)`);
      assert.is(got!.buffer.byteLength, n, 'a buffer of its own, of its size');
    }
    assert.is(store.get(new Uint8Array([0x44, 9])), undefined);
    // read: decode sees the whole value in place; undefined for a missing key, without decoding
    for (const [i, n] of sizes.entries())
      assert.ok(
        store.read(new Uint8Array([0x44, i]), (v) => same(v, big(n, i))),
        `read: value ${i} of ${n} bytes whole`,
      );
    assert.is(
      store.read(new Uint8Array([0x44, 9]), () => assert.unreachable('decoded a missing key')),
      undefined,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the map is reserved at open and stays put as the file grows; the file holds only what it holds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-ordered-store-'));
  const store = new OrderedStore(dir);
  try {
    assert.is(store.mapBytes, STORE_MAP_BYTES);
    // 8 MiB in 20 commits: 64 times lmdb-js's first map of 128 KiB, six doublings without the reservation
    for (let c = 0; c < 20; c++) {
      const entries: Array<[Uint8Array, Uint8Array | null]> = [];
      for (let i = 0; i < 200; i++) entries.push([new Uint8Array([0x43, c, i]), new Uint8Array(2048).fill(c)]);
      await store.commit(entries);
    }
    assert.is(store.mapBytes, STORE_MAP_BYTES, 'no resize');
    const bytes = statSync(join(dir, 'data.mdb')).size;
    assert.ok(bytes >= 8 * 2 ** 20 && bytes < 64 * 2 ** 20, `data.mdb is ${bytes} bytes`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
