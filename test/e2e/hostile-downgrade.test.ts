// A package file or folder must not replace an installed app with an older version or with another
// package of the same version: the rule store installs follow (runtime/store/release-replacement.ts),
// through the real command line (bin/peeros.js in child processes, the real vault, real files).
// The attacker holds a genuine, publisher-signed older package (a version with a known hole) or a
// same-version package asking for more, and gets the user to `peeros app install` it, with --yes.
// Before: both installed (exit 0), the consent naming only the package's own version.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempHome } from './world.js';
import { okPeeros, runPeeros, type PeerosOptions, type PeerosRun } from './run-cli.js';

const PASS = 'downgrade passphrase';
let home: string;
let publisher = '';

/** The real CLI as this test's user: in its home, vault passphrase set, stdin closed. */
const asUser = (): PeerosOptions => ({ cwd: home, env: { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS }, stdin: '' });
const peeros = (args: string[]): Promise<PeerosRun> => runPeeros(args, asUser());
const ok = (args: string[]): Promise<string> => okPeeros(args, asUser());

/** notes at `version` (asking `extra` too), signed by the publisher key, as a folder and as a package file. */
async function release(label: string, version: string, extra?: string): Promise<{ dir: string; file: string }> {
  const src = join(ROOT, 'apps/notes');
  const dir = join(home, 'src', label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'build'), { recursive: true });
  const m = JSON.parse(readFileSync(join(src, 'peeros.json'), 'utf8')) as { version: string; entry: string; capabilities: object };
  m.version = version;
  if (extra) m.capabilities = { ...m.capabilities, [extra]: {} };
  writeFileSync(join(dir, 'peeros.json'), `${JSON.stringify(m, null, 2)}\n`);
  cpSync(join(src, m.entry), join(dir, m.entry));
  await ok(['app', 'sign', dir, '--key', publisher, '--yes']);
  const file = join(home, `${label}.peeros`);
  await ok(['app', 'pack', dir, '--out', file]);
  return { dir, file };
}

const installed = () => JSON.parse(readFileSync(join(home, 'apps/notes/install.json'), 'utf8')) as { version: string; packageHash: string };

test.before(async () => {
  if (!existsSync(join(ROOT, 'apps/notes/build/notes.wasm'))) throw new Error('build the stock apps first');
  home = tempHome('downgrade');
  publisher = (await ok(['key', 'create', '--label', 'publisher']))
    .trim()
    .split(/\s+/)
    .find((w) => w.startsWith('PUB_K1_'))!;
  assert.ok(publisher, 'a publisher key');
});
test.after(() => rmSync(home, { recursive: true, force: true }));

test('a signed older package file or folder over the installed newer version is VERSION_REFUSED; app and data stay', async () => {
  const v2 = await release('v2', '0.2.0');
  const v1 = await release('v1', '0.1.0');
  await ok(['app', 'install', v2.dir, '--yes']);
  const before = installed();
  const note = JSON.parse(await ok(['app', 'run', 'notes', 'create', '{"title":"kept"}'])) as { id: string };
  for (const source of [v1.file, v1.dir]) {
    const r = await peeros(['app', 'install', source, '--yes']);
    assert.is(r.code, 1, `${source}: ${r.out}`);
    assert.match(r.err, /VERSION_REFUSED: notes 0\.1\.0 is older than the installed 0\.2\.0; downgrades are refused/);
    assert.not.match(r.out, /^installed notes/m);
    assert.equal(installed(), before);
  }
  const title = JSON.parse(await ok(['app', 'run', 'notes', 'get', JSON.stringify({ id: note.id })])) as { title: string };
  assert.is(title.title, 'kept');
});

test('another package of the installed version, asking a new capability, is VERSION_REFUSED from a file and a folder', async () => {
  const v2b = await release('v2b', '0.2.0', 'host.read');
  const before = installed();
  for (const source of [v2b.file, v2b.dir]) {
    const r = await peeros(['app', 'install', source, '--yes']);
    assert.is(r.code, 1, `${source}: ${r.out}`);
    assert.match(r.err, /VERSION_REFUSED: notes 0\.2\.0 has the same precedence as the installed 0\.2\.0 but is another package/);
    assert.equal(installed(), before);
  }
  const list = await ok(['app', 'list']);
  assert.not.match(list, /host\.read/);
});

test('the installed package again and a higher version still install; the consent says what they replace', async () => {
  const same = await peeros(['app', 'install', join(home, 'v2.peeros'), '--yes']);
  assert.is(same.code, 0, same.err);
  assert.match(same.out, /installed now: 0\.2\.0; this package 0\.2\.0 is the installed package itself/);
  const v3 = await release('v3', '0.3.0', 'host.read');
  const up = await ok(['app', 'install', v3.file, '--yes']);
  assert.match(up, /installed now: 0\.2\.0; this package 0\.3\.0 is an update/);
  assert.match(up, /new capability host\.read/);
  assert.is(installed().version, '0.3.0');
});

test('--any-version (a developer): a downgrade installs, and the consent says so; not for a store install', async () => {
  const r = await ok(['app', 'install', join(home, 'v1.peeros'), '--yes', '--any-version']);
  assert.match(r, /installed now: 0\.3\.0; this package 0\.1\.0 is OLDER: a downgrade, installed only because of --any-version/);
  assert.match(r, /capability host\.read no longer requested/);
  assert.is(installed().version, '0.1.0');
  const store = await peeros(['app', 'install', 'notes', '--any-version', '--yes']);
  assert.is(store.code, 2);
  assert.match(store.err, /--any-version is for a folder or package file/);
});

test.run();
