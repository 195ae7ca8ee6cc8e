// Each app's share of the one hybrid cache: an app over its share evicts its own least recently
// used answers, never another's; one app alone still uses its whole share; the whole cache's
// entries and bytes bounds still hold (the owner holding the most gives up first); an answer read
// or stored by several apps stays while one of them holds it, so storing another app's query first
// and flooding does not evict it; the owners survive the snapshot, and a
// version-1 snapshot (before shares) loads as the host's. The attack through the real path (wasm,
// bridge, dev node): test/e2e/hostile-cache-flood.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheStore, HOST_CACHE_OWNER, SNAPSHOT_MAGIC, cacheLimits } from '../../../runtime/hybrid-cache/index.js';

const CHAIN = 'ab'.repeat(32);
const root = mkdtempSync(join(tmpdir(), 'peeros-cache-shares-'));
const answer = (q: string, value: unknown = { rows: [q] }, atBlock = 1) => ({ chainId: CHAIN, atBlock, query: q, value, fetchedAt: 1 });

test.after(() => rmSync(root, { recursive: true, force: true }));

test('the shares are named limits, a quarter of the cache', () => {
  assert.is(cacheLimits.MAX_APP_CACHE_ENTRIES, 1024);
  assert.is(cacheLimits.MAX_APP_CACHE_BYTES, 4 * 1024 * 1024);
  assert.ok(cacheLimits.MAX_VALUE_BYTES <= cacheLimits.MAX_APP_CACHE_BYTES, 'the largest answer fits in a share');
  const c = new CacheStore();
  assert.is(c.maxAppEntries, cacheLimits.MAX_APP_CACHE_ENTRIES);
  assert.is(c.maxAppBytes, cacheLimits.MAX_APP_CACHE_BYTES);
});

test('an app reading without end evicts its own answers; the others keep theirs', () => {
  const c = new CacheStore({ maxEntries: 40, maxAppEntries: 10 });
  c.put(answer('victim-q'), 'dpay');
  for (let i = 0; i < 500; i++) c.put(answer(`flood-${i}`), 'flood');
  assert.ok(c.get(CHAIN, 1, 'victim-q'), "the victim's answer stays");
  assert.equal(c.usageOf('flood').entries, 10, 'the flooder holds its share, no more');
  assert.ok(c.get(CHAIN, 1, 'flood-499'), 'its newest answers are the ones kept');
  assert.is(c.get(CHAIN, 1, 'flood-489'), undefined, 'its oldest went');
  assert.is(c.size, 11);
});

test('one app alone uses its whole share, entries and bytes', () => {
  const c = new CacheStore({ maxAppEntries: 50, maxAppBytes: 20_000 });
  for (let i = 0; i < 50; i++) c.put(answer(`q${i}`), 'dpay');
  assert.equal(c.usageOf('dpay').entries, 50);
  assert.ok(c.get(CHAIN, 1, 'q0'), 'all 50 kept');
  const big = new CacheStore({ maxAppBytes: 20_000 });
  for (let i = 0; i < 40; i++) big.put(answer(`b${i}`, 'x'.repeat(1000)), 'dpay');
  const u = big.usageOf('dpay');
  assert.ok(u.bytes <= 20_000 && u.bytes > 20_000 - 1200, `bytes ${u.bytes} fill the share`);
  assert.is(big.put(answer('huge', 'x'.repeat(30_000)), 'dpay'), false, 'an answer larger than a share is not kept');
});

test("the whole cache's bounds hold whatever many apps read; the biggest holder gives up first", () => {
  const c = new CacheStore({ maxEntries: 30, maxAppEntries: 20, maxBytes: 1_000_000 });
  c.put(answer('light'), 'dpay');
  for (let i = 0; i < 20; i++) c.put(answer(`a${i}`), 'flood-a');
  for (let i = 0; i < 20; i++) c.put(answer(`b${i}`), 'flood-b');
  assert.is(c.size, 30, 'entries bounded');
  assert.ok(c.get(CHAIN, 1, 'light'), 'the light reader keeps its answer though it is the oldest');
  assert.equal(c.usageOf('flood-a').entries + c.usageOf('flood-b').entries, 29);
  const bytes = new CacheStore({ maxBytes: 10_000, maxAppBytes: 8_000 });
  for (let i = 0; i < 50; i++) bytes.put(answer(`x${i}`, 'y'.repeat(500)), `app${i % 5}`);
  assert.ok(bytes.bytes <= 10_000, `bytes bounded: ${bytes.bytes}`);
});

test("an answer is shared: each app's claim keeps it, and giving up one claim leaves the others'", () => {
  const c = new CacheStore({ maxAppEntries: 5 });
  c.put(answer('shared'), 'dpay');
  assert.ok(c.get(CHAIN, 1, 'shared', 'dpay'));
  c.put(answer('shared', { rows: ['newer'] }), 'flood');
  assert.equal(c.get(CHAIN, 1, 'shared')!.value, { rows: ['newer'] }, 'the newer answer replaces it');
  assert.equal(c.usageOf('flood').entries, 1, 'the app that stored it again holds a claim too');
  for (let i = 0; i < 50; i++) c.put(answer(`f${i}`), 'flood');
  assert.equal(c.usageOf('flood').entries, 5, "the flood gave up its claim (its share's oldest)");
  assert.ok(c.get(CHAIN, 1, 'shared'), "dPay's claim keeps it");
  assert.equal(c.usageOf('dpay').entries, 1);
});

test("an app that stores another app's query first cannot evict it once that app has read it", () => {
  const c = new CacheStore({ maxAppEntries: 5 });
  // the flooder polls dPay's balance query at each block, so it stores each answer before dPay reads it
  c.put(answer('dpay-balance'), 'flood');
  assert.ok(c.get(CHAIN, 1, 'dpay-balance', 'dpay'), "dPay's read is served from the cache");
  assert.equal(c.usageOf('dpay').entries, 1, "and counts in dPay's share");
  for (let i = 0; i < 50; i++) c.put(answer(`f${i}`), 'flood');
  assert.ok(c.newest(CHAIN, 'dpay-balance', 'dpay'), 'dPay still has its answer offline');
  // a claim taken by reading is bounded by the reader's share like any other
  for (let i = 0; i < 5; i++) c.put(answer(`own${i}`), 'dpay');
  assert.equal(c.usageOf('dpay').entries, 5);
  assert.is(c.get(CHAIN, 1, 'dpay-balance'), undefined, 'once dPay and the flooder both gave it up, it is gone');
});

test('owners survive the snapshot; a version-1 snapshot loads as the host’s answers', async () => {
  const path = join(root, 'cache.bin');
  const c = new CacheStore({ path, maxAppEntries: 5 });
  c.put(answer('victim'), 'dpay');
  for (let i = 0; i < 5; i++) c.put(answer(`f${i}`), 'flood');
  await c.persist();
  const again = new CacheStore({ path, maxAppEntries: 5 });
  assert.equal(again.usageOf('dpay').entries, 1);
  assert.equal(again.usageOf('flood').entries, 5);
  again.put(answer('f5'), 'flood');
  assert.ok(again.get(CHAIN, 1, 'victim'), 'after a restart the flooder still evicts only its own');

  const v1 = join(root, 'v1.bin');
  const entries = Array.from({ length: 8 }, (_, i) => answer(`old${i}`));
  const body = Buffer.from(JSON.stringify({ version: 1, entries }), 'utf8');
  writeFileSync(v1, Buffer.concat([SNAPSHOT_MAGIC, createHash('sha256').update(body).digest(), body]));
  const warnings: string[] = [];
  const old = new CacheStore({ path: v1, maxAppEntries: 6, onWarning: (m) => warnings.push(m) });
  assert.equal(warnings, [], 'not discarded');
  assert.equal(old.usageOf(HOST_CACHE_OWNER).entries, 6, "the host's share: the most recently used kept");
  assert.ok(old.get(CHAIN, 1, 'old7'));
  assert.is(old.get(CHAIN, 1, 'old0'), undefined);
});

test.run();
