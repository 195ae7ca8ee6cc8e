// Issue 8, class 10: disk amplification through app storage. An app may only make the host use a
// small constant factor of its storage quota on disk, however it writes (many tiny keys,
// overwrites, deletes); a crash mid-write leaves the old or the new value; compaction keeps every
// live value; the old one-file-per-key layout is migrated on first open.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AppStore, STORE_LOG_NAME } from '../../../runtime/storage/app-store.js';
import { STORAGE_COMPACT_SLACK_BYTES } from '../../../runtime/limits.js';
import { ROOT } from '../../isa/paths.js';
import { tempHome, cleanup, quietHost, grantAll } from '../helpers.js';
import { heapUsed } from '../../fixtures/heap-used.js';

const home = tempHome('hostile-storage');
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);
const quiet = { onWarning: () => {} };

/** Bytes and allocated disk blocks (du-style) of every file in `dir`. */
function diskUse(dir: string): { bytes: number; blocks: number } {
  let bytes = 0;
  let blocks = 0;
  for (const f of readdirSync(dir)) {
    const st = statSync(join(dir, f));
    if (!st.isFile()) continue;
    bytes += st.size;
    blocks += st.blocks * 512;
  }
  return { bytes, blocks };
}

/** The ISA's quota rule (runtime/isa/storage.ts) applied to a direct store. */
function setWithinQuota(s: AppStore, quota: number, key: string, value: Uint8Array): boolean {
  if (s.usedBytes - s.sizeOf(key) + AppStore.charge(Buffer.byteLength(key), value.length) > quota) return false;
  s.set(key, value);
  return true;
}

test('a 32 KiB quota of tiny keys overwritten 12 times stays within 2 × quota + slack on disk (was 4 KiB per key)', () => {
  const dir = join(home, 'tiny');
  const quota = 32 << 10; // about 200 tiny keys at 160 bytes charged each
  const s = new AppStore(dir, quiet);
  let stored = 0;
  let peak = { bytes: 0, blocks: 0 };
  for (let round = 0; round < 12; round++) {
    for (let i = 0; i < 400; i++) if (setWithinQuota(s, quota, `k/${i}`, new Uint8Array([round]))) stored++;
    for (let i = 0; i < 400; i += 7) s.delete(`k/${i}`);
    const use = diskUse(dir);
    peak = { bytes: Math.max(peak.bytes, use.bytes), blocks: Math.max(peak.blocks, use.blocks) };
  }
  assert.ok(stored > 1500, `the app did write a lot (${stored} puts)`);
  assert.ok(s.usedBytes <= quota);
  // file ≤ magic + live + dead ≤ 8 + 2 × quota + slack + one record
  assert.ok(peak.bytes <= 2 * quota + STORAGE_COMPACT_SLACK_BYTES + 64, `peak ${peak.bytes} bytes on disk for a ${quota}-byte quota`);
  assert.ok(peak.blocks <= 4 * quota + 4096, `peak ${peak.blocks} bytes of disk blocks for a ${quota}-byte quota`);
  const again = new AppStore(dir, quiet);
  assert.is(again.usedBytes, s.usedBytes);
  assert.equal(again.list('k/', 10_000), s.list('k/', 10_000));
});

test('a crash in the middle of a write (the log cut at every byte of the last record) reopens with the old or the new value', () => {
  const dir = join(home, 'torn');
  const s = new AppStore(dir, quiet);
  s.set('a', enc('old value'));
  s.set('b', enc('other'));
  const before = statSync(s.path).size;
  s.set('a', enc('the new value'));
  const full = statSync(s.path).size;
  const saved = join(home, 'torn.log');
  copyFileSync(s.path, saved);
  for (let cut = before; cut <= full; cut++) {
    copyFileSync(saved, s.path);
    truncateSync(s.path, cut);
    const warnings: string[] = [];
    const r = new AppStore(dir, { onWarning: (m) => warnings.push(m) });
    assert.is(dec(r.get('a')), cut === full ? 'the new value' : 'old value', `cut at ${cut}`);
    assert.is(dec(r.get('b')), 'other');
    assert.is(warnings.length, cut > before && cut < full ? 1 : 0, `cut at ${cut}: ${warnings.join('; ')}`);
    r.set('c', enc('after the crash')); // the cut tail does not hide later records
    assert.is(dec(new AppStore(dir, quiet).get('c')), 'after the crash');
  }
});

test('compaction keeps every live value, through random puts, overwrites and deletes, and across reopen', () => {
  const dir = join(home, 'compact');
  const s = new AppStore(dir, quiet);
  const model = new Map<string, string>();
  let seed = 42; // xorshift32: deterministic, so a failure reproduces
  const rnd = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  let compactions = 0;
  let last = 0;
  for (let i = 0; i < 1200; i++) {
    const key = `k/${rnd(40)}`;
    if (rnd(4) === 0) {
      assert.is(s.delete(key), model.delete(key));
    } else {
      const value = `${i}:`.padEnd(1 + rnd(200), 'x');
      s.set(key, enc(value));
      model.set(key, value);
    }
    if (s.fileBytes < last) compactions++;
    last = s.fileBytes;
  }
  assert.ok(compactions >= 5, `${compactions} compactions`);
  const check = (st: AppStore) => {
    assert.equal(st.list('', 1000), [...model.keys()].sort());
    for (const [k, v] of model) assert.is(dec(st.get(k)), v, k);
  };
  check(s);
  check(new AppStore(dir, quiet));
  assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temp file left behind');
});

test('the old one-file-per-key layout is migrated on first open; files that are not ours stay', () => {
  const dir = join(home, 'legacy');
  mkdirSync(dir, { recursive: true });
  const legacy = (key: string, value: string) => {
    const k = Buffer.from(key);
    const file = join(dir, `${createHash('sha256').update(key).digest('hex')}.kv`);
    writeFileSync(file, Buffer.concat([Buffer.from('PKV1'), Buffer.from([k.length & 0xff, k.length >> 8]), k, Buffer.from(value)]));
  };
  legacy('notes/1', 'first note');
  legacy('notes/2', 'second note');
  writeFileSync(join(dir, 'junk.kv'), 'not ours');
  const warnings: string[] = [];
  const s = new AppStore(dir, { onWarning: (m) => warnings.push(m) });
  assert.equal(s.list('notes/', 10), ['notes/1', 'notes/2']);
  assert.is(dec(s.get('notes/2')), 'second note');
  assert.match(warnings.join('\n'), /migrated 2 key\(s\)/);
  assert.equal(readdirSync(dir).sort(), ['junk.kv', STORE_LOG_NAME]);
  s.set('notes/1', enc('edited'));
  assert.is(dec(new AppStore(dir, quiet).get('notes/1')), 'edited');
});

test('a stock app (notes) with data in the old layout keeps working through `peeros app run`: migrated on first use', () => {
  const appHome = join(home, 'notes-home');
  mkdirSync(appHome, { recursive: true });
  const peeros = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/peeros.js'), ...args], {
      env: { ...process.env, PEEROS_HOME: appHome },
      encoding: 'utf8',
      timeout: 60_000,
    });
  assert.is(peeros('app', 'install', join(ROOT, 'apps/notes'), '--yes').status, 0);
  for (const title of ['first', 'second']) assert.is(peeros('app', 'run', 'notes', 'create', JSON.stringify({ title })).status, 0);
  // rewrite the store as the old release left it: one "PKV1" file per key, no log
  const dir = join(appHome, 'data', 'notes');
  const store = new AppStore(dir, quiet);
  const entries = store.list('', 100).map((key) => [key, Buffer.from(store.get(key)!)] as const);
  assert.is(entries.length, 2);
  rmSync(join(dir, STORE_LOG_NAME));
  for (const [key, value] of entries) {
    const k = Buffer.from(key);
    writeFileSync(
      join(dir, `${createHash('sha256').update(key).digest('hex')}.kv`),
      Buffer.concat([Buffer.from('PKV1'), Buffer.from([k.length & 0xff, k.length >> 8]), k, value]),
    );
  }
  const list = peeros('app', 'run', 'notes', 'list');
  assert.is(list.status, 0, list.stderr);
  assert.match(list.stdout, /first[\s\S]*second/);
  assert.ok(existsSync(join(dir, STORE_LOG_NAME)));
  assert.not.ok(
    readdirSync(dir).some((f) => f.endsWith('.kv')),
    'the old files are gone once migrated',
  );
});

test('a hostile app flooding its storage through `peeros app run` is refused at the quota and cannot amplify disk use', () => {
  const appHome = join(home, 'cli');
  mkdirSync(appHome, { recursive: true });
  const peeros = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/peeros.js'), ...args], {
      env: { ...process.env, PEEROS_HOME: appHome },
      encoding: 'utf8',
      timeout: 120_000,
    });
  const install = peeros('app', 'install', join(ROOT, 'test/fixtures/apps/storage-flood'), '--yes');
  assert.is(install.status, 0, install.stderr);
  const t0 = Date.now();
  const run = peeros('app', 'run', 'storage-flood', 'flood', '{"keys":400,"rounds":6,"valueBytes":1}');
  const ms = Date.now() - t0;
  assert.is(run.status, 0, run.stderr);
  const r = JSON.parse(run.stdout) as { written: number; refused: number; deleted: number };
  assert.ok(r.refused > 0, 'the quota refused some writes');
  assert.ok(r.written > 100, `wrote ${r.written}`); // about 24 keys fit (160 bytes charged each), rewritten each round
  const dir = join(appHome, 'data', 'storage-flood');
  const use = diskUse(dir);
  const quota = 4096;
  assert.ok(use.bytes <= 2 * quota + STORAGE_COMPACT_SLACK_BYTES + 64 + 64, `${use.bytes} bytes for a ${quota}-byte quota`);
  // the log, rounded up to whole blocks, plus one block for the app's .owner marker
  assert.ok(use.blocks <= 5 * quota + 4096, `${use.blocks} bytes of blocks for a ${quota}-byte quota`);
  assert.ok(existsSync(join(dir, STORE_LOG_NAME)));
  // the app still works: f/1 holds the last round's byte, f/0 was deleted in the last round
  const read1 = peeros('app', 'run', 'storage-flood', 'read', '{"key":"f/1"}');
  assert.is(read1.stdout.trim(), '5', read1.stderr);
  assert.is(peeros('app', 'run', 'storage-flood', 'read', '{"key":"f/0"}').stdout.trim(), '-1');
  process.stdout.write(
    `  flood: ${r.written} puts, ${r.refused} refused, ${r.deleted} deletes in ${ms} ms; disk ${use.bytes} B (${use.blocks} B of blocks)\n`,
  );
});

test('an app filling its storage with the smallest keys through the ISA is refused at the count its charge allows (160 bytes a key: the index each key pins)', async () => {
  const appHome = join(home, 'entries');
  mkdirSync(appHome, { recursive: true });
  const host = quietHost(appHome);
  try {
    await host.install(join(ROOT, 'test/fixtures/apps/storage-flood'), grantAll);
    const r = (await host.run('storage-flood', 'flood', { keys: 1000, rounds: 1, valueBytes: 0 })) as { written: number; refused: number };
    // f/0..f/9: 3 + 160 bytes, f/10..: 4 + 160, within the manifest's 4096 bytes
    assert.is(r.written, 25, `${r.written} empty keys in a 4096-byte quota (was 200)`);
    assert.is(r.refused, 975);
  } finally {
    await host.close();
  }
});

test('a store filled with the smallest keys under the ISA rule pins at most 3 × its quota of index', () => {
  const dir = join(home, 'entries-heap');
  const quota = 1 << 20;
  const s = new AppStore(dir, quiet);
  let n = 0;
  while (setWithinQuota(s, quota, n.toString(36), new Uint8Array(0))) n++;
  let expected = 0;
  for (let used = 0; ; expected++) {
    const cost = expected.toString(36).length + 160; // key + the per-key charge of runtime/limits.ts
    if (used + cost > quota) break;
    used += cost;
  }
  assert.is(n, expected, `${n} empty keys in a ${quota}-byte quota`);
  const before = heapUsed();
  const again = new AppStore(dir, quiet);
  assert.is(again.usedBytes, s.usedBytes);
  const pinned = heapUsed() - before;
  assert.ok(pinned <= 3 * quota, `${n} keys pin ${pinned} bytes of index for a ${quota}-byte quota`);
  process.stdout.write(`  ${n} keys, ${pinned} B of index (${(pinned / quota).toFixed(2)} × quota)\n`);
});

test.after(() => cleanup(home));
test.run();
