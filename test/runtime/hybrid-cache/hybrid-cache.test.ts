// The hybrid API cache: fresh answers pinned to a block, stale answers (marked) when the DMCS is
// down, bounds with LRU eviction, persistence, and a corrupt cache file tolerated.
// CHAIN DOUBLE: the chain here is test/fixtures/fake-chain.ts, a scripted HTTP double of the chain API
// (it counts executions itself), not the node; the cache against the real node in process: test/runtime/dispatch/embedded-node.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpBackend, type DmcsError, DmcsRegistry, Dispatcher } from '../../../runtime/dispatch/index.js';
import { HybridApi, HybridReaders, CacheStore, defaultCachePath, queryHash, canonicalJson } from '../../../runtime/hybrid-cache/index.js';
import { FakeChain, TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';

const home = mkdtempSync(join(tmpdir(), 'peeros-cache-'));
process.env.PEEROS_HOME = home;
const chain = new FakeChain();
let backend: HttpBackend;
const Q = { code: 'eosio.token', scope: 'alice', table: 'accounts', json: true };

function api(cache: CacheStore, opts: { infoReuseMs?: number } = {}) {
  return new HybridApi(backend, cache, { chainId: TEST_CHAIN_ID, infoReuseMs: opts.infoReuseMs ?? 0, persistDelayMs: 0 });
}

test.before(async () => {
  await chain.start();
  backend = new HttpBackend(chain.url, { timeoutMs: 5000 });
});
test.after(async () => {
  await chain.stop();
  rmSync(home, { recursive: true, force: true });
});
test.before.each(() => chain.up());

test('reads are fresh and pinned to the head block; the same block is served from cache', async () => {
  const h = api(new CacheStore());
  chain.setTable('eosio.token', 'alice', 'accounts', [{ balance: '10.0000 RSN' }]);
  const r1 = await h.getTableRows(Q);
  assert.is(r1.stale, false);
  assert.is(r1.atBlock, chain.head);
  assert.equal(r1.value.rows, [{ balance: '10.0000 RSN' }]);
  const reads = chain.count('/v1/chain/get_table_rows');
  const r2 = await h.getTableRows({ json: true, table: 'accounts', scope: 'alice', code: 'eosio.token' });
  assert.is(chain.count('/v1/chain/get_table_rows'), reads, 'same block + same query (any key order) → no refetch');
  assert.equal(r2.value, r1.value);
  assert.is(r2.fetchedAt, r1.fetchedAt);
  chain.setTable('eosio.token', 'alice', 'accounts', [{ balance: '7.0000 RSN' }]);
  chain.produce();
  const r3 = await h.getTableRows(Q);
  assert.is(r3.atBlock, r1.atBlock + 1);
  assert.equal(r3.value.rows, [{ balance: '7.0000 RSN' }], 'a new block is a new key');
});

test('DMCS down → the newest cached answer, marked stale, with its block', async () => {
  const h = api(new CacheStore());
  chain.accounts.set('alice', { account_name: 'alice', ram_quota: 1 });
  chain.setTable('eosio.token', 'alice', 'accounts', [{ balance: '1.0000 RSN' }]);
  await h.getTableRows(Q);
  chain.produce();
  chain.setTable('eosio.token', 'alice', 'accounts', [{ balance: '2.0000 RSN' }]);
  const newest = await h.getTableRows(Q);
  const acct = await h.getAccount('alice');
  const info = await h.getInfo();
  for (const mode of ['bad-gateway', 'reset', 'stop'] as const) {
    if (mode === 'stop') await chain.stop();
    else chain.down(mode);
    const r = await h.getTableRows(Q);
    assert.is(r.stale, true, mode);
    assert.is(r.atBlock, newest.atBlock);
    assert.equal(r.value.rows, [{ balance: '2.0000 RSN' }], 'the newest block wins');
    assert.is(r.fetchedAt, newest.fetchedAt);
    assert.is((await h.getAccount('alice')).stale, true);
    assert.equal((await h.getAccount('alice')).value, acct.value);
    const i = await h.getInfo();
    assert.is(i.stale, true);
    assert.is(i.value.head_block_num, info.value.head_block_num);
    if (mode === 'stop') await chain.start();
    else chain.up();
  }
  const back = await h.getTableRows(Q);
  assert.is(back.stale, false, 'fresh again once reachable');
});

test('the first answer after an outage is reported (to kick the offline queue)', async () => {
  let reconnects = 0;
  const h = new HybridApi(backend, new CacheStore(), {
    chainId: TEST_CHAIN_ID,
    infoReuseMs: 0,
    persistDelayMs: 0,
    onReconnect: () => reconnects++,
  });
  await h.getInfo();
  assert.is(reconnects, 0);
  chain.down('reset');
  assert.is((await h.getInfo()).stale, true);
  assert.is((await h.getInfo()).stale, true);
  chain.up();
  await h.getInfo();
  await h.getInfo();
  assert.is(reconnects, 1);
});

test('down with nothing cached → UNREACHABLE that says so; a refusal is never served stale', async () => {
  const h = api(new CacheStore());
  chain.down('reset');
  const e = (await h.getTableRows({ ...Q, scope: 'nobody' }).catch((x: unknown) => x)) as DmcsError;
  assert.is(e.code, 'UNREACHABLE');
  assert.match(e.message, /no cached answer/);
  chain.up();
  const e2 = (await h.getAccount('ghost').catch((x: unknown) => x)) as DmcsError;
  assert.is(e2.code, 'REJECTED');
  assert.is(e2.antelopeName, 'account_query_exception');
});

test('a DMCS serving another chain is refused', async () => {
  const h = new HybridApi(backend, new CacheStore(), { chainId: 'bb'.repeat(32), persistDelayMs: 0 });
  const e = (await h.getInfo().catch((x: unknown) => x)) as DmcsError;
  assert.is(e.code, 'CHAIN_MISMATCH');
});

test('bounds: entries and bytes evict least recently used; per-query block cap; oversize not kept', () => {
  const c = new CacheStore({ maxEntries: 3, maxBytes: 10_000, maxValueBytes: 2_000, maxBlocksPerQuery: 2 });
  const put = (q: string, block: number, value: unknown = { q, block }) =>
    c.put({ chainId: TEST_CHAIN_ID, atBlock: block, query: q, value, fetchedAt: block });
  put('a', 1);
  put('b', 1);
  put('c', 1);
  assert.ok(c.get(TEST_CHAIN_ID, 1, 'a'), 'touch a');
  put('d', 1);
  assert.is(c.size, 3);
  assert.is(c.get(TEST_CHAIN_ID, 1, 'b'), undefined, 'b was least recently used');
  assert.ok(c.get(TEST_CHAIN_ID, 1, 'a'));
  put('a', 2);
  put('a', 3);
  assert.is(c.get(TEST_CHAIN_ID, 1, 'a'), undefined, 'only the 2 newest blocks of a query are kept');
  assert.is(c.newest(TEST_CHAIN_ID, 'a')!.atBlock, 3);
  assert.is(put('big', 1, 'x'.repeat(5_000)), false, 'bigger than maxValueBytes: not cached');
  assert.is(c.get(TEST_CHAIN_ID, 1, 'big'), undefined);

  const byBytes = new CacheStore({ maxEntries: 1000, maxBytes: 3_000, maxValueBytes: 2_000 });
  for (let i = 0; i < 10; i++) byBytes.put({ chainId: TEST_CHAIN_ID, atBlock: i, query: `q${i}`, value: 'y'.repeat(900), fetchedAt: i });
  assert.ok(byBytes.bytes <= 3_000, `bytes ${byBytes.bytes}`);
  assert.is(byBytes.size, 3);
  assert.ok(byBytes.get(TEST_CHAIN_ID, 9, 'q9'), 'the newest survive');
  assert.is(byBytes.get(TEST_CHAIN_ID, 0, 'q0'), undefined);
  assert.throws(() => new CacheStore({ maxEntries: 0 }), /maxEntries must be a positive integer/);
});

test('default bounds are the named limits', async () => {
  const { cacheLimits } = await import('../../../runtime/hybrid-cache/index.js');
  const c = new CacheStore();
  assert.is(c.maxEntries, cacheLimits.MAX_CACHE_ENTRIES);
  assert.is(c.maxBytes, cacheLimits.MAX_CACHE_BYTES);
  // eight apps, each within its share (a quarter): the whole cache's bound is what holds
  for (let i = 0; i < cacheLimits.MAX_CACHE_ENTRIES + 10; i++)
    c.put({ chainId: TEST_CHAIN_ID, atBlock: 1, query: `q${i}`, value: i, fetchedAt: 0 }, `app${i % 8}`);
  assert.is(c.size, cacheLimits.MAX_CACHE_ENTRIES);
});

test('persisted under $PEEROS_HOME and served stale after a restart while down', async () => {
  const path = defaultCachePath();
  assert.ok(path.startsWith(home));
  const h = api(new CacheStore({ path }));
  chain.setTable('eosio.token', 'alice', 'accounts', [{ balance: '3.0000 RSN' }]);
  const fresh = await h.getTableRows(Q);
  await h.close();
  assert.ok(existsSync(path));
  chain.down('bad-gateway');
  const restarted = api(new CacheStore({ path }));
  const r = await restarted.getTableRows(Q);
  assert.is(r.stale, true);
  assert.equal(r.value, fresh.value);
  assert.is(r.atBlock, fresh.atBlock);
});

test('a corrupt cache file is discarded with a warning; the host carries on', async () => {
  const path = join(home, 'corrupt.bin');
  const good = new CacheStore({ path });
  good.put({ chainId: TEST_CHAIN_ID, atBlock: 5, query: queryHash('x', {}), value: { ok: true }, fetchedAt: 1 });
  await good.persist();
  const bytes = readFileSync(path);
  assert.is(new CacheStore({ path }).size, 1, 'round trip');

  const cases: Array<[string, Buffer]> = [
    ['checksum mismatch', Buffer.concat([bytes.subarray(0, bytes.length - 3), Buffer.from('zzz')])],
    ['wrong magic', Buffer.from('garbage that is not a cache at all, not even close')],
    ['wrong magic', bytes.subarray(0, 20)],
    ['wrong magic', Buffer.alloc(0)],
  ];
  for (const [why, data] of cases) {
    writeFileSync(path, data);
    const warnings: string[] = [];
    const c = new CacheStore({ path, onWarning: (m) => warnings.push(m) });
    assert.is(c.size, 0);
    assert.is(warnings.length, 1, why);
    assert.match(warnings[0]!, new RegExp(why));
    assert.is(existsSync(path), false, 'the bad file is removed');
    c.put({ chainId: TEST_CHAIN_ID, atBlock: 1, query: 'q', value: 1, fetchedAt: 1 });
    await c.persist();
    assert.is(new CacheStore({ path }).size, 1, 'and the cache works afterwards');
  }
  // A valid checksum over a body of the wrong shape (e.g. written by a future version).
  const { createHash } = await import('node:crypto');
  const body = Buffer.from(JSON.stringify({ version: 99, entries: [] }));
  writeFileSync(path, Buffer.concat([Buffer.from('PEEROSC1'), createHash('sha256').update(body).digest(), body]));
  const warnings: string[] = [];
  assert.is(new CacheStore({ path, onWarning: (m) => warnings.push(m) }).size, 0);
  assert.match(warnings[0]!, /unknown snapshot version/);
});

test('readers per DMCS share one cache; an app reads from the DMCS its manifest names', async () => {
  const other = await new FakeChain('dd'.repeat(32)).start();
  try {
    const reg = new DmcsRegistry(join(home, 'readers'));
    await reg.add('main', chain.url);
    await reg.add('side', other.url);
    const readers = new HybridReaders({
      dispatcher: new Dispatcher(reg),
      cachePath: join(home, 'readers', 'cache.bin'),
      apiOptions: { persistDelayMs: 0 },
    });
    chain.setTable('eosio.token', 'alice', 'accounts', [{ balance: 'main' }]);
    other.setTable('eosio.token', 'alice', 'accounts', [{ balance: 'side' }]);
    const main = await (await readers.readerFor({})).getTableRows(Q);
    const side = await (await readers.readerFor({ dmcs: { name: 'side' } })).getTableRows(Q);
    assert.equal(main.value.rows, [{ balance: 'main' }]);
    assert.equal(side.value.rows, [{ balance: 'side' }]);
    assert.is(await readers.readerFor({ dmcs: 'side' }), await readers.readerFor({ dmcs: 'side' }), 'one reader per DMCS');
    assert.is(readers.cache.size, 2, 'both chains in the one cache');
    await readers.close();
    await other.stop();
    const again = new HybridReaders({ dispatcher: new Dispatcher(reg), cachePath: join(home, 'readers', 'cache.bin') });
    const stale = await (await again.readerFor({ dmcs: 'side' })).getTableRows(Q);
    assert.is(stale.stale, true);
    assert.equal(stale.value.rows, [{ balance: 'side' }], 'keyed by chain id: no mix-up with main');
  } finally {
    await other.stop();
  }
});

test('query keys are canonical', () => {
  assert.is(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] }), '{"a":[{"c":2,"d":1}],"b":1}');
  assert.is(queryHash('get_table_rows', { a: 1, b: 2 }), queryHash('get_table_rows', { b: 2, a: 1 }));
  assert.is.not(queryHash('get_table_rows', { a: 1 }), queryHash('get_account', { a: 1 }));
});

test('concurrent reads after a block share one get_info (sent after they were made), then read at that head', async () => {
  const h = api(new CacheStore());
  chain.accounts.set('alice', { account_name: 'alice', ram_quota: 1 });
  chain.setTable('eosio.token', 'alice', 'accounts', [{ balance: '3.0000 RSN' }]);
  chain.produce();
  const infos = chain.count('/v1/chain/get_info');
  const [info, acct, rows] = await Promise.all([h.getInfo(), h.getAccount('alice'), h.getTableRows(Q)]);
  assert.is(chain.count('/v1/chain/get_info'), infos + 1, 'one get_info for the three');
  assert.is(info.atBlock, chain.head);
  assert.is(acct.atBlock, chain.head);
  assert.is(rows.atBlock, chain.head);
  // the next block: a new get_info (none is in flight any more), never the one shared before
  chain.produce();
  assert.is((await h.getInfo()).atBlock, chain.head);
  assert.is(chain.count('/v1/chain/get_info'), infos + 2);
  // a failed get_info is not kept: the next read asks again
  chain.down('bad-gateway');
  assert.is((await h.getAccount('alice')).stale, true);
  chain.up();
  assert.is((await h.getAccount('alice')).stale, false);
});

test('get_account names its head: asked in one round trip when the head is not known; fresh skips the cached answer', async () => {
  const h = api(new CacheStore(), { infoReuseMs: 60_000 });
  chain.accounts.set('alice', { account_name: 'alice', ram_quota: 1 });
  chain.produce();
  const infos = chain.count('/v1/chain/get_info');
  const accounts = chain.count('/v1/chain/get_account');
  const first = await h.getAccount('alice');
  assert.is(chain.count('/v1/chain/get_info'), infos, 'no get_info before it');
  assert.is(chain.count('/v1/chain/get_account'), accounts + 1);
  assert.is(first.atBlock, chain.head);
  // the head that answer named is known for infoReuseMs: the next read is served from the cache
  assert.is((await h.getAccount('alice')).fetchedAt, first.fetchedAt);
  assert.is(chain.count('/v1/chain/get_account'), accounts + 1, 'no round trip for the same head');
  // the head known (a get_info within infoReuseMs): the answer cached for it is served
  await h.getInfo();
  chain.accounts.set('alice', { account_name: 'alice', ram_quota: 2 });
  assert.is((await h.getAccount('alice')).value.ram_quota, 1);
  assert.is(chain.count('/v1/chain/get_account'), accounts + 1);
  // fresh: asked again whatever is cached (what a caller does once told its view is wrong)
  const fresh = await h.getAccount('alice', { fresh: true });
  assert.is(fresh.value.ram_quota, 2);
  assert.is(chain.count('/v1/chain/get_account'), accounts + 2);
  assert.is((await h.getAccount('alice')).value.ram_quota, 2, 'and cached for its head');
});

test('an answer put again for the same key replaces the cached one (a node reads its pending block; an ABI is set again)', () => {
  const c = new CacheStore();
  const query = queryHash('get_abi', { account_name: 'dpay.token' });
  c.put({ chainId: TEST_CHAIN_ID, atBlock: 0, query, value: { version: 'old' }, fetchedAt: 1 });
  c.put({ chainId: TEST_CHAIN_ID, atBlock: 0, query, value: { version: 'new' }, fetchedAt: 2 });
  assert.equal(c.newest(TEST_CHAIN_ID, query)?.value, { version: 'new' });
  assert.is(c.newest(TEST_CHAIN_ID, query)?.fetchedAt, 2);
});

test.run();
