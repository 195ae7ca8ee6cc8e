// App-private storage: the on-disk store and the storage ISA seen from a guest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppStore } from '../../../runtime/storage/app-store.js';
import { pack, unpackGuest } from '../../../abi/boundary.js';
import { op } from '../../fixtures/wasm-builder.js';
import * as M from '../../fixtures/hostile/modules.js';
import { tempHome, cleanup, instantiate } from '../helpers.js';

const home = tempHome('storage');
const enc = (s: string) => new TextEncoder().encode(s);

test('values survive a new store over the same directory (durable, reread from disk)', () => {
  const dir = join(home, 'd1');
  const a = new AppStore(dir);
  a.set('notes/1', enc('one'));
  a.set('notes/2', enc('two'));
  a.set('notes/1', enc('uno'));
  const b = new AppStore(dir);
  assert.is(new TextDecoder().decode(b.get('notes/1')), 'uno');
  assert.is(b.usedBytes, AppStore.charge('notes/1'.length, 3) + AppStore.charge('notes/2'.length, 3));
  assert.ok(b.delete('notes/2'));
  assert.not.ok(new AppStore(dir).delete('notes/2'));
});

test('keys of 256 bytes work; stray files in the data directory are ignored', () => {
  const dir = join(home, 'd2');
  const s = new AppStore(dir);
  const long = `k/${'é'.repeat(127)}`; // 256 bytes of UTF-8
  s.set(long, enc('v'));
  writeFileSync(join(dir, '.x.kv.tmp'), 'half-written');
  writeFileSync(join(dir, 'junk.kv'), 'not ours');
  const t = new AppStore(dir);
  assert.equal(t.list('k/', 10), [long]);
  assert.ok(readdirSync(dir).every((f) => f.length < 80));
});

test('list is sorted, filtered by prefix and capped by limit', () => {
  const s = new AppStore(join(home, 'd3'));
  for (const k of ['b/2', 'a/1', 'b/1', 'b/3', 'c']) s.set(k, enc(k));
  assert.equal(s.list('b/', 10), ['b/1', 'b/2', 'b/3']);
  assert.equal(s.list('b/', 2), ['b/1', 'b/2']);
  assert.equal(s.list('', 100), ['a/1', 'b/1', 'b/2', 'b/3', 'c']);
});

test('storage.list from a guest: msgpack array of keys, written into guest memory', () => {
  const scope = { storage: { prefixes: ['notes/'], maxBytes: 4096 } };
  const grantsHome = join(home, 'guest');
  const store = new AppStore(join(grantsHome, 'data', 'probe'));
  store.set('notes/b', enc('2'));
  store.set('notes/a', enc('1'));
  const prefix = enc('notes/');
  const inst = instantiate(
    M.isaProbe(
      'storage',
      'list',
      ['i32', 'i32', 'i32', 'i32'],
      [op.i32_const(1024), op.i32_const(prefix.length), op.i32_const(100)],
      [[1024, prefix]],
    ),
    scope,
    {},
    grantsHome,
  );
  const area = M.readArea(unpackGuest(inst.run('go', pack({})).bytes, 4) as Uint8Array);
  assert.is(area.tag, 0);
  assert.equal(unpackGuest(inst.ctx.mem.copyOut(area.ptr!, area.len!, 'list'), 4), ['notes/a', 'notes/b']);
  // a prefix outside the scope is refused
  const other = enc('secret/');
  const denied = instantiate(
    M.isaProbe(
      'storage',
      'list',
      ['i32', 'i32', 'i32', 'i32'],
      [op.i32_const(1024), op.i32_const(other.length), op.i32_const(100)],
      [[1024, other]],
    ),
    scope,
    {},
    grantsHome,
  );
  assert.equal(M.readArea(unpackGuest(denied.run('go', pack({})).bytes, 4) as Uint8Array), { tag: 1, code: 1 });
});

test('a key that is not UTF-8 is invalid-argument', () => {
  const bad = new Uint8Array([0x6e, 0x6f, 0x74, 0x65, 0x73, 0x2f, 0xff]);
  const inst = instantiate(
    M.isaProbe('storage', 'get', ['i32', 'i32', 'i32'], [op.i32_const(1024), op.i32_const(bad.length)], [[1024, bad]]),
    { storage: { prefixes: ['notes/'], maxBytes: 10 } },
    {},
    home,
  );
  assert.equal(M.readArea(unpackGuest(inst.run('go', pack({})).bytes, 4) as Uint8Array), { tag: 1, code: 0 });
});

test.after(() => cleanup(home));
test.run();
