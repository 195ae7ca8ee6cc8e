// Issue 8, class 11 — hostile files at install. `peeros app install DIR` opens only regular files
// inside DIR (runtime/app-folder.ts): a peeros.json or entry that links to /dev/zero, a named pipe,
// a link to a file outside the folder, a directory, or a file past its cap is refused at once with
// a typed error (UNSAFE_FILE / LIMIT_EXCEEDED), without reading it, without growing the host, and
// without hanging; and a normal app still installs and runs afterwards in the same PEEROS_HOME.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempHome } from './world.js';
import { runCli, describeRun, type CliRun } from './measured-cli.js';
import { MAX_MANIFEST_BYTES, MAX_MODULE_BYTES } from '../../runtime/limits.js';

const CALC = join(ROOT, 'apps/calculator');
const CALC_MANIFEST = JSON.parse(readFileSync(join(CALC, 'peeros.json'), 'utf8')) as Record<string, unknown>;
const CALC_WASM = join(CALC, 'build/calculator.wasm');
/** Bounds chosen loose for a loaded 2-core machine; measured values are printed. */
const MAX_MS = 30_000;
const MAX_RSS_MIB = 400;

let home: string;
let tmp: string;
const measured: string[] = [];

/** A calculator app folder; `entry` is left for the case to create unless `withEntry`. */
function appFolder(name: string, opts: { withEntry?: boolean; withManifest?: boolean } = {}): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'build'), { recursive: true });
  if (opts.withManifest !== false) writeFileSync(join(dir, 'peeros.json'), JSON.stringify({ ...CALC_MANIFEST, name: 'calculator' }));
  if (opts.withEntry) copyFileSync(CALC_WASM, join(dir, 'build/calculator.wasm'));
  return dir;
}

async function install(label: string, dir: string): Promise<CliRun> {
  const r = await runCli(['app', 'install', dir, '--yes'], { PEEROS_HOME: home }, 60_000);
  measured.push(describeRun(label, r));
  return r;
}

function refused(r: CliRun, code: string, why: RegExp): void {
  assert.not.ok(r.timedOut, 'install hung');
  assert.is(r.code, 1, r.err);
  assert.match(r.err, new RegExp(`peeros app install: ${code}: `));
  assert.match(r.err, why);
  assert.ok(r.ms < MAX_MS, `took ${r.ms} ms`);
  if (r.peakRssMiB !== undefined) assert.ok(r.peakRssMiB < MAX_RSS_MIB, `peak RSS ${r.peakRssMiB} MiB`);
  assert.not.match(r.out, /installed calculator/);
}

test.before(() => {
  home = tempHome('hostile-install');
  tmp = join(home, 'folders');
  mkdirSync(tmp, { recursive: true });
});
test.after(() => {
  rmSync(home, { recursive: true, force: true });
  console.log(`measured (class 11):\n${measured.join('\n')}`);
});

test('peeros.json that links to /dev/zero is refused as unsafe, not read', async () => {
  const dir = appFolder('manifest-zero', { withManifest: false, withEntry: true });
  symlinkSync('/dev/zero', join(dir, 'peeros.json'));
  refused(await install('peeros.json -> /dev/zero', dir), 'UNSAFE_FILE', /outside the app folder/);
});

test('an entry that links to /dev/zero is refused as unsafe, not read', async () => {
  const dir = appFolder('entry-zero');
  symlinkSync('/dev/zero', join(dir, 'build/calculator.wasm'));
  refused(await install('entry -> /dev/zero', dir), 'UNSAFE_FILE', /outside the app folder/);
});

test('an entry that is a named pipe returns at once with UNSAFE_FILE (no writer needed)', async () => {
  const dir = appFolder('entry-fifo');
  execFileSync('mkfifo', [join(dir, 'build/calculator.wasm')]);
  refused(await install('entry is a FIFO', dir), 'UNSAFE_FILE', /named pipe/);
});

test('a peeros.json that is a named pipe returns at once with UNSAFE_FILE', async () => {
  const dir = appFolder('manifest-fifo', { withManifest: false, withEntry: true });
  execFileSync('mkfifo', [join(dir, 'peeros.json')]);
  refused(await install('peeros.json is a FIFO', dir), 'UNSAFE_FILE', /named pipe/);
});

test('an entry that links to a valid module outside the folder is refused', async () => {
  const dir = appFolder('entry-outside');
  const outside = join(tmp, 'outside.wasm');
  copyFileSync(CALC_WASM, outside);
  symlinkSync(outside, join(dir, 'build/calculator.wasm'));
  refused(await install('entry -> file outside', dir), 'UNSAFE_FILE', /outside the app folder/);
});

test('an entry larger than MAX_MODULE_BYTES is refused before it is read (sparse file)', async () => {
  const dir = appFolder('entry-huge');
  const entry = join(dir, 'build/calculator.wasm');
  writeFileSync(entry, '');
  truncateSync(entry, MAX_MODULE_BYTES + 1);
  refused(
    await install('entry 32 MiB + 1 (sparse)', dir),
    'LIMIT_EXCEEDED',
    new RegExp(`${MAX_MODULE_BYTES + 1} bytes, more than the ${MAX_MODULE_BYTES}-byte limit`),
  );
});

test('a peeros.json larger than MAX_MANIFEST_BYTES is refused before it is read', async () => {
  const dir = appFolder('manifest-huge', { withEntry: true });
  truncateSync(join(dir, 'peeros.json'), 1 << 30); // 1 GiB, sparse
  refused(await install('peeros.json 1 GiB (sparse)', dir), 'LIMIT_EXCEEDED', new RegExp(`more than the ${MAX_MANIFEST_BYTES}-byte limit`));
});

test('an entry that is a directory is refused as unsafe', async () => {
  const dir = appFolder('entry-dir');
  mkdirSync(join(dir, 'build/calculator.wasm'));
  refused(await install('entry is a directory', dir), 'UNSAFE_FILE', /is a directory/);
});

test('a link that stays inside the folder is fine, and a normal app installs and runs afterwards', async () => {
  const dir = appFolder('normal');
  mkdirSync(join(dir, 'real'));
  copyFileSync(CALC_WASM, join(dir, 'real/calculator.wasm'));
  symlinkSync('../real/calculator.wasm', join(dir, 'build/calculator.wasm'));
  const r = await install('normal app (entry links inside the folder)', dir);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /installed calculator 0\.1\.0/);
  const run = await runCli(['app', 'run', 'calculator', 'add', '{"a":"1.5","b":"2.25"}'], { PEEROS_HOME: home });
  assert.is(run.code, 0, run.err);
  assert.match(run.out, /3\.75/);
});

test.run();
