// A hostile app against its drive's in-memory index, within its quota: a listing costs the folder
// listed, not the drive (a loop of `fs.list` over a small folder in a drive of 20,000 files visits
// none of the others; it walked every key on each call), and however it shapes its files (many
// tiny ones, deep unique folders) the index it pins stays within a small constant times its quota
// (each file and folder is charged what its index entry costs; an 86-byte file used to pin ~2.3 KiB).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsaErrorCode } from '../../../abi/boundary-errors.js';
import { Drive } from '../../../runtime/fs/drive.js';
import { AppStore, STORE_LOG_NAME } from '../../../runtime/storage/app-store.js';
import { encodeRecord, OP_PUT, STORE_MAGIC } from '../../../runtime/storage/store-log.js';
import { tempHome, cleanup } from '../helpers.js';
import { heapUsed } from '../../fixtures/heap-used.js';

const home = tempHome('drive-index');
const enc = (s: string) => new TextEncoder().encode(s);
test.after(() => cleanup(home));

/** A drive folder holding `paths` as empty files: the log 20,000 `fs.write-file` calls leave, written at once. */
function logOf(dir: string, paths: string[]): void {
  mkdirSync(dir, { recursive: true });
  const frames = paths.map((p) => encodeRecord(OP_PUT, Buffer.from(p, 'utf8'), new Uint8Array(0)));
  writeFileSync(join(dir, STORE_LOG_NAME), Buffer.concat([STORE_MAGIC, ...frames]));
}

/** How many keys of any store `run` iterates (the walk a listing used to do). */
function keysVisited(run: () => void): number {
  const keys = AppStore.prototype.keys;
  let n = 0;
  AppStore.prototype.keys = function* (this: AppStore) {
    for (const k of keys.call(this)) {
      n++;
      yield k;
    }
  };
  try {
    run();
  } finally {
    AppStore.prototype.keys = keys;
  }
  return n;
}

test('listing a folder of 3 entries in a drive of 20,000 files visits none of the others (was: every key, each call)', () => {
  const dir = join(home, 'big');
  const junk = Array.from({ length: 20_000 }, (_, i) => `docs/junk/${i}`);
  logOf(dir, [...junk, 'docs/small/b', 'docs/small/a', 'docs/small/sub/c']);
  const d = new Drive(dir, 1 << 30);
  assert.is(d.stat('docs').ok, true); // the index, built once per open
  let listed: unknown;
  const visited = keysVisited(() => {
    for (let i = 0; i < 100; i++) listed = d.list('docs/small', 10);
  });
  assert.equal(listed, {
    ok: true,
    value: [
      { name: 'a', dir: false, size: 0 },
      { name: 'b', dir: false, size: 0 },
      { name: 'sub', dir: true, size: 0 },
    ],
  });
  assert.is(visited, 0, `100 listings of a 3-entry folder visited ${visited} keys of the drive`);
  // the big folder itself: sorted by name, cut at the limit
  const big = d.list('docs/junk', 3);
  assert.equal(big.ok && big.value.map((e) => e.name), ['0', '1', '10']);
});

test('the folder index follows writes, removals and renames, and a fresh open rebuilds the same listings', () => {
  const dir = join(home, 'ops');
  const d = new Drive(dir, 1 << 20);
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 48271) % 2147483647;
    return seed % n;
  };
  const name = () => ['a', 'b', 'ab', 'Z', 'é', '10', '9'][rnd(7)]!;
  const pathOf = () => Array.from({ length: 1 + rnd(3) }, name).join('/');
  const model = new Map<string, number>(); // path → size: what the drive should hold
  for (let i = 0; i < 600; i++) {
    const p = `r/${pathOf()}`;
    const op = rnd(4);
    if (op === 0) {
      if (d.remove(p).ok) model.delete(p);
    } else if (op === 1) {
      const to = `r/${pathOf()}`;
      const size = model.get(p);
      if (d.rename(p, to).ok) {
        model.delete(p);
        model.set(to, size!);
      }
    } else {
      const size = rnd(4);
      if (d.writeFile(p, enc('x'.repeat(size))).ok) model.set(p, size);
    }
  }
  /** The listing as the old walk over every key made it. */
  const reference = (folder: string) => {
    const byName = new Map<string, { name: string; dir: boolean; size: number }>();
    for (const [key, size] of model) {
      if (!key.startsWith(`${folder}/`)) continue;
      const rest = key.slice(folder.length + 1);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      byName.set(name, slash < 0 ? { name, dir: false, size } : { name, dir: true, size: 0 });
    }
    return [...byName.keys()].sort().map((n) => byName.get(n)!);
  };
  const again = new Drive(dir, 1 << 20);
  const folders = new Set<string>();
  for (const p of model.keys()) for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) folders.add(p.slice(0, i));
  assert.ok(folders.size > 5 && model.size > 10, `${model.size} files in ${folders.size} folders`);
  for (const f of folders) {
    const files = [...model.keys()].filter((p) => p.startsWith(`${f}/`)).length;
    for (const drive of [d, again]) {
      assert.equal(drive.list(f, 100), { ok: true, value: reference(f) }, f);
      assert.equal(drive.list(f, 2), { ok: true, value: reference(f).slice(0, 2) }, f);
      assert.equal(drive.stat(f), { ok: true, value: { dir: true, size: files } }, f);
    }
  }
  assert.equal(d.list('r/none', 10), { ok: false, code: IsaErrorCode.NOT_FOUND });
  const file = [...model.keys()][0]!;
  assert.equal(d.list(file, 10), { ok: false, code: IsaErrorCode.INVALID_ARGUMENT });
  assert.equal([...d.files('r')].sort(), [...model.keys()].sort());
  assert.equal([...again.files('r')], [...d.files('r')]);
});

/** Writes empty files at `pathOf(0)`, `pathOf(1)` … until the drive refuses; the count and the refusal. */
function fill(d: Drive, pathOf: (i: number) => string): { count: number; code: IsaErrorCode } {
  for (let i = 0; ; i++) {
    const r = d.writeFile(pathOf(i), new Uint8Array(0));
    if (!r.ok) return { count: i, code: r.code };
  }
}

const QUOTA = 1 << 20;
/** What one file costs against the quota: path + 160 per record; each new folder 192 (runtime/limits.ts). */
const RECORD = 160;
const FOLDER = 192;

for (const shape of [
  // the smallest files: one folder, 1-4 byte names
  { what: 'tiny files', pathOf: (i: number) => `d/${i.toString(36)}`, newFolders: (i: number) => (i === 0 ? 1 : 0) },
  // each file 30 folders of its own
  {
    what: 'deep unique folders',
    pathOf: (i: number) => `d/${i.toString(36)}/${'a/'.repeat(29)}x`,
    newFolders: (i: number) => (i === 0 ? 31 : 30),
  },
]) {
  test(`an app filling its quota with ${shape.what} is refused at the entry count its charges allow; the index it pins stays within 3 × its quota`, () => {
    const dir = join(home, shape.what.replace(/ /g, '-'));
    const r = fill(new Drive(dir, QUOTA), shape.pathOf);
    let expected = 0;
    for (let used = 0; ; expected++) {
      const cost = Buffer.byteLength(shape.pathOf(expected)) + RECORD + shape.newFolders(expected) * FOLDER;
      if (used + cost > QUOTA) break;
      used += cost;
    }
    assert.is(r.code, IsaErrorCode.LIMIT_EXCEEDED);
    assert.is(r.count, expected, `${r.count} files in a ${QUOTA}-byte drive`);
    const before = heapUsed();
    const d = new Drive(dir, QUOTA);
    assert.ok(d.stat('d').ok); // the store's index and the folder index, built
    const pinned = heapUsed() - before;
    assert.ok(pinned <= 3 * QUOTA, `${r.count} files pin ${pinned} bytes of index for a ${QUOTA}-byte quota`);
    assert.ok(d.usedBytes <= QUOTA);
    process.stdout.write(`  ${shape.what}: ${r.count} files, ${pinned} B of index (${(pinned / QUOTA).toFixed(2)} × quota)\n`);
  });
}

test.run();
