// An app's `storage.list(prefix, limit)` costs O(log n + limit), not a walk of every key and a sort
// of every match per call (runtime/storage/app-store.ts): an app with 100,000 keys could make each
// list look at all of them, in its own worker, in a loop. Counted in keys looked at
// (`AppStore.listSteps`), not timed. The answer stays the one of a filter-and-sort, through puts,
// deletes, an index rebuilt under the store, and a real app's calls in its worker.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppStore, STORE_LOG_NAME } from '../../../runtime/storage/app-store.js';
import { encodeRecord, OP_PUT, STORE_MAGIC } from '../../../runtime/storage/store-log.js';
import { unpack } from '../../../abi/boundary.js';
import { ROOT } from '../../e2e/world.js';
import { cleanup, grantAll, quietHost, tempHome, writeApp } from '../helpers.js';

const home = tempHome('storage-list-cost');
const quiet = { onWarning: () => {} };
const KEYS = 100_000;

/** A store whose log holds `keys` (as an app's puts leave it: one record each), opened as the worker opens it. */
function storeWith(dir: string, keys: string[]): AppStore {
  mkdirSync(dir, { recursive: true });
  const frames = keys.map((k) => encodeRecord(OP_PUT, Buffer.from(k), Buffer.from('v')));
  writeFileSync(join(dir, STORE_LOG_NAME), Buffer.concat([STORE_MAGIC, ...frames]));
  return new AppStore(dir, quiet);
}

/** The answer `list` must give: every key with the prefix, in UTF-16 code unit order, the first `limit`. */
const naive = (keys: Iterable<string>, prefix: string, limit: number): string[] =>
  [...keys]
    .filter((k) => k.startsWith(prefix))
    .sort()
    .slice(0, limit);

/** Keys in a scattered order, as an app writes them over time. */
const scattered = (n: number, name: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => name((i * 7919) % n));

/** What one list may look at: two binary searches (chunk maxima, then one chunk of ≤ 1,024 keys), then limit + 1 keys. */
const stepBound = (n: number, limit: number) => 2 * Math.ceil(Math.log2(n + 1)) + 12 + limit + 1;

test(`a list of 10 among ${KEYS} keys looks at O(log n + limit) keys, also between writes (before: every key, each call)`, () => {
  const s = storeWith(
    join(home, 'many'),
    scattered(KEYS, (i) => `msg/${String(i).padStart(6, '0')}`),
  );
  const first = s.list('msg/0500', 10);
  assert.equal(
    first,
    Array.from({ length: 10 }, (_, i) => `msg/0500${String(i).padStart(2, '0')}`),
  );
  const bound = stepBound(KEYS, 10);
  let before = s.listSteps;
  assert.ok(before <= bound, `the first list looked at ${before} keys; at most ${bound}`);
  // a loop of lists, as an app can run one
  const CALLS = 1000;
  before = s.listSteps;
  for (let i = 0; i < CALLS; i++) assert.is(s.list(`msg/0${String(i % 100).padStart(2, '0')}`, 10).length, 10);
  const perCall = (s.listSteps - before) / CALLS;
  assert.ok(perCall <= bound, `${perCall} keys looked at per list; at most ${bound} (was ${KEYS})`);
  // writes keep the order without rebuilding it: a put and a delete between lists cost the same
  before = s.listSteps;
  for (let i = 0; i < 100; i++) {
    s.set(`msg/0500${String(i).padStart(2, '0')}x`, Buffer.from('w'));
    s.delete(`msg/0501${String(i).padStart(2, '0')}`);
    assert.equal(s.list('msg/0500', 3), ['msg/050000', 'msg/050000x', 'msg/050001']);
  }
  assert.ok((s.listSteps - before) / 100 <= stepBound(KEYS, 3), `${(s.listSteps - before) / 100} keys looked at per list between writes`);
  assert.equal(s.list('msg/0501', 5), []);
  assert.equal(s.list('msg/0502', 2), ['msg/050200', 'msg/050201']);
  assert.equal(s.list('nothing/', 10), []);
  assert.equal(s.list('msg/', 0), []);
});

test('the answer is a filter and a sort of the keys, through random puts and deletes, odd keys and prefixes, and a log changed under the store', () => {
  const dir = join(home, 'model');
  const s = new AppStore(dir, quiet);
  const model = new Set<string>();
  let seed = 7; // xorshift32: a failure reproduces
  const rnd = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  // UTF-16 order is not code point order (U+FFFF sorts after U+1F600's surrogates): both appear
  const parts = ['a', 'ab', 'b', '/', 'é', '\uffff', '\u{1F600}', 'z', '0', '~'];
  const key = () => Array.from({ length: 1 + rnd(4) }, () => parts[rnd(parts.length)]).join('');
  for (let i = 0; i < 600; i++) {
    const k = key();
    if (rnd(3) === 0) assert.is(s.delete(k), model.delete(k));
    else {
      s.set(k, Buffer.from([i & 0xff]));
      model.add(k);
    }
    if (i % 10 === 0) {
      const prefix = rnd(5) === 0 ? '' : key().slice(0, 1 + rnd(3));
      const limit = rnd(8);
      assert.equal(s.list(prefix, limit), naive(model, prefix, limit), `after ${i} writes: list(${JSON.stringify(prefix)}, ${limit})`);
    }
  }
  assert.equal(s.list('', 10_000), naive(model, '', 10_000));
  // another process writes the log: the store rebuilds its index, and its order with it
  const other = new AppStore(dir, quiet);
  other.set('a/from-elsewhere', Buffer.from('x'));
  other.delete([...model][0]!);
  model.delete([...model][0]!);
  model.add('a/from-elsewhere');
  assert.equal(s.list('', 10_000), naive(model, '', 10_000));
  s.compact();
  assert.equal(new AppStore(dir, quiet).list('', 10_000), naive(model, '', 10_000));
});

test('a real app lists its keys in its worker: sorted, the prefix only, at most limit, after its own puts and deletes', async () => {
  const appHome = join(home, 'app-home');
  const host = quietHost(appHome);
  try {
    const probe = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/apps/isa-probe/peeros.json'), 'utf8')) as { commands: object };
    const wasm = new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/apps/isa-probe/build/isa-probe.wasm')));
    await host.install(
      writeApp(appHome, 'isa-probe', wasm, {
        commands: probe.commands as Record<string, { description: string }>,
        // the probe imports every interface: each must be granted for it to link
        capabilities: {
          log: {},
          clock: {},
          random: {},
          storage: { prefixes: ['probe/'], maxBytes: 1 << 20 },
          ual: {},
          'chain.read': { contracts: [] },
          'dmcs.push': { contracts: {} },
          diag: {},
        },
      }),
      grantAll,
    );
    const keys = scattered(2000, (i) => `probe/${String(i).padStart(4, '0')}`);
    storeWith(join(appHome, 'data', 'isa-probe'), keys);
    const list = async (prefix: string, limit: number) =>
      unpack(new Uint8Array((await host.run('isa-probe', 'storage.list', { prefix, limit })) as Uint8Array));
    assert.equal(await list('probe/01', 5), naive(keys, 'probe/01', 5));
    assert.is(await host.run('isa-probe', 'storage.set', { key: 'probe/01', value: 'v' }), null);
    assert.is(await host.run('isa-probe', 'storage.delete', { key: 'probe/0100' }), null);
    const now = [...keys.filter((k) => k !== 'probe/0100'), 'probe/01'];
    assert.equal(await list('probe/01', 5), naive(now, 'probe/01', 5));
    assert.equal(await list('probe/', 3), ['probe/0000', 'probe/0001', 'probe/0002']);
  } finally {
    await host.close();
  }
});

test.after(() => cleanup(home));

test.run();
