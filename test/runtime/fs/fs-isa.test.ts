// The hybrid file system through the real path: the fs-probe fixture app, installed in a Host,
// calls each `peeros:isa/fs` import from its worker. Hostile paths (absolute, `..`, NUL, bad
// UTF-8, over-long, outside the granted roots), quota exhaustion and oversized reads are refused
// with their ISA error codes and the host keeps serving; files survive a host restart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostError, Host } from '../../../runtime/index.js';
import { ROOT } from '../../isa/paths.js';
import { describeGrant, validateScope } from '../../../runtime/capabilities.js';
import { Drive, driveDir } from '../../../runtime/fs/drive.js';
import { DEFAULT_FS_MAX_BYTES } from '../../../runtime/limits.js';
import { tempHome, cleanup, quietHost, grantAll, writeApp, refusalCode } from '../helpers.js';

const home = tempHome('fs-isa');
const PROBE = join(ROOT, 'test/fixtures/apps/fs-probe');
let host: Host;

test.before(async () => {
  host = quietHost(home);
  await host.install(PROBE, grantAll);
});
test.after(async () => {
  await host.close();
  cleanup(home);
});

const run = (cmd: string, args: Record<string, unknown> = {}) => host.run('fs-probe', cmd, args);
const text = (b: unknown) => Buffer.from(b as Uint8Array).toString('utf8');

/** The ISA code an fs call was refused with (`ISA_INVALID_ARGUMENT` …). */
const refused = (cmd: string, args: Record<string, unknown>) => refusalCode(run(cmd, args), `${cmd} ${JSON.stringify(args)}`);

test('write-file, read (whole and ranges), write at an offset, stat, list, rename, remove', async () => {
  await run('fs.write-file', { path: 'docs/2026/plan.txt', data: 'hello world' });
  assert.is(text(await run('fs.read', { path: 'docs/2026/plan.txt' })), 'hello world');
  assert.is(text(await run('fs.read', { path: 'docs/2026/plan.txt', offset: 6, len: 3 })), 'wor');
  assert.is(text(await run('fs.read', { path: 'docs/2026/plan.txt', offset: 99 })), '');
  await run('fs.write', { path: 'docs/2026/plan.txt', offset: 6, data: 'there, you' });
  assert.is(text(await run('fs.read', { path: 'docs/2026/plan.txt' })), 'hello there, you');
  await run('fs.write', { path: 'docs/new.txt', offset: 0, data: 'n' });
  assert.equal(await run('fs.stat', { path: 'docs/2026/plan.txt' }), { dir: false, size: 16 });
  assert.equal(await run('fs.stat', { path: 'docs' }), { dir: true, size: 2 });
  assert.equal(await run('fs.list', { path: 'docs' }), [
    { name: '2026', dir: true, size: 0 },
    { name: 'new.txt', dir: false, size: 1 },
  ]);
  await run('fs.rename', { source: 'docs/new.txt', target: 'photos/moved.txt' });
  assert.is(await refused('fs.stat', { path: 'docs/new.txt' }), 'ISA_NOT_FOUND');
  assert.is(text(await run('fs.read', { path: 'photos/moved.txt' })), 'n');
  await run('fs.remove', { path: 'photos/moved.txt' });
  assert.is(await refused('fs.list', { path: 'photos' }), 'ISA_NOT_FOUND', 'a folder vanishes with its last file');
  assert.is(await refused('fs.remove', { path: 'photos/moved.txt' }), 'ISA_NOT_FOUND');
});

test('hostile paths: absolute, .., ., empty segments, NUL, control characters, bad UTF-8, too long, too deep → invalid-argument', async () => {
  const bad: Array<string | Uint8Array> = [
    '/etc/passwd',
    '../x',
    'docs/../../etc/passwd',
    'docs/./a',
    'docs//a',
    'docs/a/',
    'docs/a\u0000b',
    'docs/a\u001b[31mred',
    'docs/a\\..\\b',
    '',
    `docs/${'n'.repeat(256)}`,
    `docs/${'a/'.repeat(40)}z`,
    `docs/${'é'.repeat(130)}`,
    new Uint8Array([0x64, 0x6f, 0x63, 0x73, 0x2f, 0xff, 0xfe]),
  ];
  for (const path of bad) {
    assert.is(await refused('fs.write-file', { path, data: 'x' }), 'ISA_INVALID_ARGUMENT', `write ${JSON.stringify(text(path))}`);
    assert.is(await refused('fs.read', { path }), 'ISA_INVALID_ARGUMENT', `read ${JSON.stringify(text(path))}`);
  }
  assert.is(await refused('fs.rename', { source: 'docs/2026/plan.txt', target: '../plan.txt' }), 'ISA_INVALID_ARGUMENT');
  assert.equal(await run('fs.stat', { path: 'docs/2026/plan.txt' }), { dir: false, size: 16 }, 'nothing moved');
});

test('a root that was not granted → capability-denied; a file cannot sit where a folder is, or below a file', async () => {
  assert.is(await refused('fs.write-file', { path: 'secrets/key', data: 'x' }), 'ISA_CAPABILITY_DENIED');
  assert.is(await refused('fs.read', { path: 'fs/_nosession/store.log' }), 'ISA_CAPABILITY_DENIED');
  assert.is(await refused('fs.list', { path: 'docsx' }), 'ISA_CAPABILITY_DENIED');
  assert.is(await refused('fs.write-file', { path: 'docs/2026', data: 'x' }), 'ISA_INVALID_ARGUMENT');
  assert.is(await refused('fs.write-file', { path: 'docs/2026/plan.txt/inner', data: 'x' }), 'ISA_INVALID_ARGUMENT');
  assert.is(await refused('fs.write', { path: 'docs/2026/plan.txt', offset: 17, data: 'x' }), 'ISA_INVALID_ARGUMENT', 'no holes');
  assert.is(await refused('fs.write', { path: 'docs/none.txt', offset: 5, data: 'x' }), 'ISA_NOT_FOUND');
});

test('quota exhaustion → limit-exceeded, the drive stays within its quota and usable; oversized reads → limit-exceeded', async () => {
  const r = (await run('fs.fill', { count: 100, size: 4096 })) as { written: number; code: number };
  assert.is(r.code, 4, 'limit-exceeded');
  assert.ok(r.written >= 10 && r.written < 16, `${r.written} files of 4 KiB in a 64 KiB drive`);
  assert.is(await refused('fs.write-file', { path: 'docs/big', data: new Uint8Array(70_000) }), 'ISA_LIMIT_EXCEEDED');
  assert.is(await refused('fs.read', { path: 'docs/2026/plan.txt', len: (1 << 20) + 1 }), 'ISA_LIMIT_EXCEEDED');
  assert.is(await refused('fs.write', { path: 'docs/2026/plan.txt', offset: 2 ** 40, data: 'x' }), 'ISA_LIMIT_EXCEEDED');
  await run('fs.remove', { path: 'docs/fill/0' });
  await run('fs.write-file', { path: 'docs/small', data: 'fits again' });
  assert.is(text(await run('fs.read', { path: 'docs/small' })), 'fits again');
});

test('files survive a host restart', async () => {
  await host.close();
  host = quietHost(home);
  assert.is(text(await run('fs.read', { path: 'docs/2026/plan.txt' })), 'hello there, you');
  assert.is(text(await run('fs.read', { path: 'docs/small' })), 'fits again');
  assert.equal(await run('fs.stat', { path: 'docs/fill' }), {
    dir: true,
    size: ((await run('fs.list', { path: 'docs/fill' })) as unknown[]).length,
  });
});

test('a read-only grant reads and lists but cannot write, remove or rename (capability-denied)', async () => {
  const wasm = readFileSync(join(PROBE, 'build/fs-probe.wasm'));
  const { commands } = JSON.parse(readFileSync(join(PROBE, 'peeros.json'), 'utf8'));
  const dir = writeApp(home, 'fs-ro', wasm, { commands, capabilities: { fs: { roots: ['docs'], rights: 'ro', maxBytes: 4096 } } });
  const drive = new Drive(driveDir(join(home, 'data', 'fs-ro'), undefined), 4096);
  assert.ok(drive.writeFile('docs/readme', new TextEncoder().encode('read me')).ok);
  await host.install(dir, grantAll);
  assert.is(text(await host.run('fs-ro', 'fs.read', { path: 'docs/readme' })), 'read me');
  assert.equal(await host.run('fs-ro', 'fs.list', { path: 'docs' }), [{ name: 'readme', dir: false, size: 7 }]);
  for (const [cmd, args] of [
    ['fs.write-file', { path: 'docs/readme', data: 'x' }],
    ['fs.write', { path: 'docs/readme', offset: 0, data: 'x' }],
    ['fs.remove', { path: 'docs/readme' }],
    ['fs.rename', { source: 'docs/readme', target: 'docs/other' }],
  ] as const) {
    try {
      await host.run('fs-ro', cmd, args);
      assert.unreachable(`${cmd} was allowed`);
    } catch (e) {
      assert.is((e as HostError).appCode, 'ISA_CAPABILITY_DENIED', cmd);
    }
  }
  assert.is(text(await host.run('fs-ro', 'fs.read', { path: 'docs/readme' })), 'read me');
});

test('the manifest scope is validated: roots must be single names, rights ro|rw, maxBytes within the host maximum', () => {
  const issues: string[] = [];
  const issue = (path: string) => issues.push(path);
  validateScope('fs', { roots: ['docs', '..', 'a/b', ''], rights: 'rwx', maxBytes: 2 ** 40 }, 'capabilities.fs', issue);
  assert.equal(issues, [
    'capabilities.fs.roots[1]',
    'capabilities.fs.roots[2]',
    'capabilities.fs.roots[3]',
    'capabilities.fs.rights',
    'capabilities.fs.maxBytes',
  ]);
  issues.length = 0;
  assert.equal(validateScope('fs', { roots: ['docs'] }, 'c', issue), { roots: ['docs'], rights: 'rw', maxBytes: DEFAULT_FS_MAX_BYTES });
  assert.equal(issues, []);
  // the install prompt says what the grant allows
  assert.is(
    describeGrant('fs', { roots: ['docs', 'photos'], rights: 'ro', maxBytes: 4096 }),
    'fs          read files under "docs", "photos", up to 4096 bytes',
  );
  assert.is(
    describeGrant('fs', { roots: ['docs'], rights: 'rw', maxBytes: 9 }),
    'fs          read and write files under "docs", up to 9 bytes',
  );
});

test.run();
