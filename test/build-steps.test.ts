// The build's own rules (scripts/build.mjs, scripts/build.d/, scripts/build-inputs.mjs): code
// generators run before tsc, one list of apps, and a product is rebuilt exactly when its inputs change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const script = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(join(ROOT, rel)).href)) as T;

interface BuildInputs {
  inputsDigest(root: string, paths: string[], skip?: (rel: string) => boolean): string;
  unlessFresh<T>(product: { stamp: string; digest: string; outputs: string[] }, build: () => Promise<T>): Promise<T | undefined>;
}

test('the ISA generator step runs before tsc; every other step after it', async () => {
  const isa = await script<{ beforeTsc?: boolean }>('scripts/build.d/10-isa.mjs');
  assert.is(isa.beforeTsc, true);
  for (const step of ['20-apps', '30-contracts', '50-sign-stock-apps']) {
    assert.is.not((await script<{ beforeTsc?: boolean }>(`scripts/build.d/${step}.mjs`)).beforeTsc, true, step);
  }
});

test('one list of apps: every stock app and every fixture app', async () => {
  const { appDirs } = await script<{ appDirs(root: string): string[] }>('scripts/build.d/20-apps.mjs');
  const dirs = appDirs(ROOT).map((d) => relative(ROOT, d));
  for (const app of [
    'apps/calculator',
    'apps/notes',
    'apps/dpay',
    'apps/dsocial',
    'apps/dmessenger',
    'apps/dbox',
    'apps/calendar',
    'apps/settings',
    'apps/dbnk',
    'apps/dappstore',
    'test/fixtures/apps/bench',
    'test/fixtures/apps/isa-probe',
    'test/fixtures/apps/fs-probe',
  ]) {
    assert.ok(dirs.includes(app), `${app} is missing from ${dirs.join(', ')}`);
  }
  assert.is(new Set(dirs).size, dirs.length);
});

test('the inputs digest follows content, not mtimes, and leaves skipped paths out', async () => {
  const { inputsDigest } = await script<BuildInputs>('scripts/build-inputs.mjs');
  const root = mkdtempSync(join(tmpdir(), 'peeros-build-'));
  try {
    mkdirSync(join(root, 'app/build'), { recursive: true });
    writeFileSync(join(root, 'app/a.ts'), 'one');
    const skip = (rel: string): boolean => rel === join('app', 'build');
    const first = inputsDigest(root, ['app'], skip);
    utimesSync(join(root, 'app/a.ts'), new Date(0), new Date(0));
    writeFileSync(join(root, 'app/build/out.wasm'), 'product');
    assert.is(inputsDigest(root, ['app'], skip), first, 'a touched file and a skipped folder change nothing');
    writeFileSync(join(root, 'app/a.ts'), 'two');
    assert.is.not(inputsDigest(root, ['app'], skip), first, 'an edit changes the digest');
    writeFileSync(join(root, 'app/a.ts'), 'one');
    writeFileSync(join(root, 'app/b.ts'), '');
    assert.is.not(inputsDigest(root, ['app'], skip), first, 'a new file changes the digest');
    assert.is.not(inputsDigest(root, ['gone']), inputsDigest(root, ['other-gone']), 'a missing input is named in the digest');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a product is rebuilt when its digest changes or an output is missing, and only then', async () => {
  const { unlessFresh } = await script<BuildInputs>('scripts/build-inputs.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'peeros-build-'));
  try {
    const out = join(dir, 'out.wasm');
    let builds = 0;
    const build = async (): Promise<string> => {
      builds++;
      writeFileSync(out, 'module');
      return 'built';
    };
    const product = (digest: string) => ({ stamp: join(dir, '.inputs-sha256'), digest, outputs: [out] });
    assert.is(await unlessFresh(product('d1'), build), 'built');
    assert.is(await unlessFresh(product('d1'), build), undefined);
    assert.is(builds, 1);
    assert.is(await unlessFresh(product('d2'), build), 'built');
    rmSync(out);
    assert.is(await unlessFresh(product('d2'), build), 'built');
    assert.is(builds, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
