// The sharded map (lib/sharded-map.ts) answers as a `Map` does under a seeded mix of sets,
// overwrites and deletes (size, get, has, the entries and values iterated); with no shard bits it keeps a
// `Map`'s insertion order; its iteration is live (an entry deleted before its turn is skipped,
// which a trim relies on); its hashes spread what the caches key by (account names, their u64
// values, table keys, transaction ids by their first 16 hex digits) over every shard, none holding more than twice its share, so a rebuild of one
// shard stays small; and each process seeds the hashes, so keys chosen from outside cannot be aimed
// at one shard.
import { test } from 'uvu';
import { execFileSync } from 'node:child_process';
import * as assert from 'uvu/assert';
import { Name } from '../../abi/antelope/index.js';
import { holderName } from '../../bench/dmcs-scale.js';
import { createHash } from 'node:crypto';
import { ID_HASH_DIGITS, SHARD_BITS, ShardedMap, idHash, stringHash, u64Hash } from '../../lib/sharded-map.js';
import { rng } from '../dmcs/state/seeded-random.js';

const holder = holderName;

test('answers as a Map does under seeded sets, overwrites and deletes', () => {
  const next = rng(19);
  const model = new Map<string, number>();
  const map = new ShardedMap<string, number>(stringHash);
  for (let op = 0; op < 20_000; op++) {
    const key = holder(Math.floor(next() * 3000));
    const r = next();
    if (r < 0.55) {
      map.set(key, op);
      model.set(key, op);
    } else if (r < 0.95) {
      assert.is(map.delete(key), model.delete(key), `delete ${key}`);
    } else {
      assert.is(map.get(key), model.get(key), `get ${key}`);
      assert.is(map.has(key), model.has(key), `has ${key}`);
    }
    assert.is(map.size, model.size);
  }
  const entries = [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  assert.equal(
    entries,
    [...model.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  assert.equal(
    [...map.values()].sort((a, b) => a - b),
    [...model.values()].sort((a, b) => a - b),
  );
});

test('with no shard bits it is one Map: insertion order, as a state without a store snapshots', () => {
  const keys = Array.from({ length: 500 }, (_, i) => holder((i * 37) % 500));
  const one = new ShardedMap<string, number>(() => {
    throw new Error('hashed');
  }, 0);
  const model = new Map<string, number>();
  for (const [i, k] of keys.entries()) {
    one.set(k, i);
    model.set(k, i);
  }
  for (const k of keys.slice(0, 100)) {
    one.delete(k);
    model.delete(k);
  }
  assert.equal([...one.entries()], [...model.entries()]);
  assert.throws(() => new ShardedMap(stringHash, 17), /shard bits 17/);
});

test('iteration is live: an entry deleted before its turn is skipped', () => {
  const map = new ShardedMap<bigint, number>(u64Hash);
  for (let i = 0; i < 2000; i++) map.set(Name.from(holder(i)).value, i);
  const seen = new Set<number>();
  const deleted = new Set<number>();
  for (const [key, v] of map.entries()) {
    assert.not.ok(deleted.has(v), `visited ${v} after its deletion`);
    seen.add(v);
    // delete one not seen yet, every other step
    if (v % 2 === 0) {
      const other = Name.from(holder((v * 7 + 1) % 2000)).value;
      const w = map.get(other);
      if (w !== undefined && !seen.has(w)) {
        map.delete(other);
        deleted.add(w);
      }
    }
    assert.is(map.get(key), v);
  }
  assert.ok(deleted.size > 100, `${deleted.size} deleted during the walk`);
  assert.is(seen.size + deleted.size, 2000);
  assert.is(map.size, 2000 - deleted.size);
});

const SHARDS = 1 << SHARD_BITS;

/** How many of `keys` fall in each shard. */
function spread<K>(keys: K[], hash: (k: K) => number): number[] {
  const counts = new Array<number>(SHARDS).fill(0);
  for (const k of keys) {
    const h = hash(k);
    assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32, `hash ${h}`);
    const s = h >>> (32 - SHARD_BITS);
    assert.ok(Number.isInteger(s) && s >= 0 && s < SHARDS, `shard ${s}`);
    counts[s]!++;
  }
  return counts;
}

test('names, their values and table keys spread over every shard', () => {
  const names = Array.from({ length: 16_384 }, (_, i) => holder(i));
  const short = ['eosio', 'eosio.token', 'alice', 'bob', 'carol', 'dan', 'erin', 'frank'];
  const share = names.length / SHARDS;
  for (const [what, counts] of [
    ['names', spread(names, stringHash)],
    [
      'values',
      spread(
        [...names, ...short].map((n) => Name.from(n).value),
        u64Hash,
      ),
    ],
    [
      'table keys',
      spread(
        names.map((n) => `${Name.from('eosio.token').value}:${Name.from(n).value}:${Name.from('accounts').value}`),
        stringHash,
      ),
    ],
  ] as const) {
    const max = Math.max(...counts);
    const min = Math.min(...counts);
    assert.ok(max <= 2 * share, `${what}: the fullest shard holds ${max} of ${names.length}`);
    assert.ok(min >= share / 2, `${what}: the emptiest shard holds ${min} of ${names.length}`);
  }
  // short names (only the high half of the value set) do not all land in one shard
  assert.ok(new Set(short.map((n) => u64Hash(Name.from(n).value) >>> (32 - SHARD_BITS))).size >= 5);
});

test('transaction ids spread over every shard by their first 16 digits; a short one is hashed whole', () => {
  const ids = Array.from({ length: 16_384 }, (_, i) => createHash('sha256').update(String(i)).digest('hex'));
  const counts = spread(ids, idHash);
  const share = ids.length / SHARDS;
  assert.ok(
    Math.max(...counts) <= 2 * share && Math.min(...counts) >= share / 2,
    `shards hold ${Math.min(...counts)}-${Math.max(...counts)}`,
  );
  const id = ids[0]!;
  const n = ID_HASH_DIGITS;
  assert.is(idHash(`${id.slice(0, n)}${'0'.repeat(64 - n)}`), idHash(id), 'only the first digits count');
  assert.is.not(idHash(`${id.slice(0, n - 1)}${id[n - 1] === '0' ? '1' : '0'}${id.slice(n)}`), idHash(id));
  assert.is(idHash('abc'), stringHash('abc'));
  const m = new ShardedMap<string, number>(idHash);
  for (let i = 0; i < ids.length; i++) m.set(ids[i]!, i);
  assert.is(m.get(ids[77]!), 77);
});

test('each process seeds its hashes: the same keys hash apart in two processes', () => {
  const url = new URL('../../lib/sharded-map.js', import.meta.url).href;
  const script = `const { idHash, stringHash, u64Hash } = await import(${JSON.stringify(url)});
const names = ['alice', 'bob', 'carol', 'dan', 'erin', 'frank', 'grace', 'heidi'];
console.log(JSON.stringify([...names.map((n) => stringHash(n)), ...names.map((n, i) => u64Hash(BigInt(i) << 59n)), ...names.map((n) => idHash(n.padEnd(64, '0')))]));`;
  const run = (): number[] => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  const [a, b] = [run(), run()];
  assert.is(a.length, 24);
  assert.ok(
    a.slice(0, 8).some((h, i) => h !== b[i]),
    'string hashes differ',
  );
  assert.ok(
    a.slice(8).some((h, i) => h !== b[8 + i]),
    'u64 hashes differ',
  );
  assert.ok(
    a.slice(16).some((h, i) => h !== b[16 + i]),
    'id hashes differ',
  );
});

test.run();
