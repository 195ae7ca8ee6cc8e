// apps/notes: create/list/get/delete through the storage, clock, random and log imports; notes
// persist across host restarts under $PEEROS_HOME (end to end through the host runtime).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGuest, AppErrorResult } from '../isa/guest-harness.js';
import { NOTES_WASM, ROOT } from '../isa/paths.js';
import { Host } from '../../runtime/index.js';

interface Note {
  id: string;
  title: string;
  body: string;
  created: number;
}

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppErrorResult) return e.appError.code;
    throw e;
  }
  throw new Error('did not fail');
};

test('create, list, get, delete', async () => {
  const g = await loadGuest(NOTES_WASM, { nowMs: 1_700_000_000_000n });
  const a = g.run('create', { title: 'groceries', body: 'milk, eggs' }) as Note;
  assert.match(a.id, /^[0-9a-f]{16}$/);
  assert.equal(a, { id: a.id, title: 'groceries', body: 'milk, eggs', created: 1_700_000_000_000 });
  const b = g.run('create', { title: 'ideas' }) as Note;
  assert.is.not(a.id, b.id);
  assert.is(b.body, '');
  const list = g.run('list') as Array<Omit<Note, 'body'>>;
  assert.is(list.length, 2);
  assert.equal(new Set(list.map((n) => n.id)), new Set([a.id, b.id]));
  assert.ok(!('body' in list[0]!));
  assert.equal(g.run('get', { id: a.id }), a);
  assert.equal(g.run('delete', { id: a.id }), { deleted: a.id });
  assert.is(
    code(() => g.run('get', { id: a.id })),
    'NOT_FOUND',
  );
  assert.is(
    code(() => g.run('delete', { id: a.id })),
    'NOT_FOUND',
  );
  assert.equal(
    (g.run('list') as Note[]).map((n) => n.id),
    [b.id],
  );
  assert.ok([...g.storage.keys()].every((k) => k.startsWith('notes/')));
  assert.equal(
    g.logs.map((l) => l.message),
    [`created note ${a.id}`, `created note ${b.id}`, `deleted note ${a.id}`],
  );
});

test('bad arguments are typed errors', async () => {
  const g = await loadGuest(NOTES_WASM);
  assert.is(
    code(() => g.run('create', {})),
    'MISSING_ARGUMENT',
  );
  assert.is(
    code(() => g.run('create', { title: '   ' })),
    'MISSING_ARGUMENT',
  );
  assert.is(
    code(() => g.run('create', { title: 'x'.repeat(201) })),
    'INVALID_ARGUMENT',
  );
  assert.is(
    code(() => g.run('create', { title: 'a', body: 5 })),
    'INVALID_ARGUMENT',
  );
  assert.is(
    code(() => g.run('get', { id: '../../etc/passwd' })),
    'INVALID_ARGUMENT',
  );
  assert.is(
    code(() => g.run('delete', {})),
    'INVALID_ARGUMENT',
  );
});

test('list is ordered oldest first', async () => {
  const storage = new Map<string, Uint8Array>();
  const ids: string[] = [];
  for (const t of [3n, 1n, 2n]) {
    const g = await loadGuest(NOTES_WASM, { storage, nowMs: t });
    ids.push((g.run('create', { title: `t${t}` }) as Note).id);
  }
  const g = await loadGuest(NOTES_WASM, { storage });
  assert.equal(
    (g.run('list') as Note[]).map((n) => n.title),
    ['t1', 't2', 't3'],
  );
});

test('notes persist under $PEEROS_HOME across host restarts (host runtime)', async () => {
  const home = await mkdtemp(join(tmpdir(), 'peeros-notes-'));
  try {
    const h1 = new Host({ home, onLog: () => {} });
    let note: Note;
    try {
      await h1.install(join(ROOT, 'apps/notes'), { grant: () => true });
      note = (await h1.run('notes', 'create', { title: 'persist me', body: 'across restarts' })) as Note;
      assert.match(note.id, /^[0-9a-f]{16}$/);
      assert.type(note.created, 'number');
    } finally {
      await h1.close();
    }
    const h2 = new Host({ home, onLog: () => {} });
    try {
      assert.equal(await h2.run('notes', 'get', { id: note.id }), note);
      assert.equal(
        ((await h2.run('notes', 'list')) as Note[]).map((n) => n.id),
        [note.id],
      );
      await h2.run('notes', 'delete', { id: note.id });
      assert.equal(await h2.run('notes', 'list'), []);
    } finally {
      await h2.close();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test.run();
