// Issue 13, packages: `peeros app pack DIR` and `peeros app install FILE.peeros` through the real
// CLI. A signed app folder with an icon and assets packs to the same bytes every time; packed on one
// PEEROS_HOME, it installs verified into another and runs; a package with one changed byte (in the
// header, the manifest, the module, an asset, the signature, the checksum) is refused with a clear
// message and nothing is written; a changed module with its checksum recomputed meets the signature;
// an unsigned package of the same app never installs over the signed one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrivateKey } from '../../abi/antelope/index.js';
import { packageSigningDigest } from '../../skv/index.js';
import { readAppPackage } from '../../runtime/app-package.js';
import { hashPackage } from '../../runtime/app-identity/app-identity.js';
import { formatPackageSignature } from '../../runtime/app-identity/package-signature.js';
import { MAX_PACKAGE_FILE_BYTES } from '../../runtime/package-archive/limits.js';
import { ROOT, tempHome } from './world.js';
import { runCli, type CliRun } from './measured-cli.js';

let tmp: string;
let dir: string; // the publisher's signed app folder
let pkgFile: string;
let publicKey: string;
const key = PrivateKey.generate();

async function peeros(args: string[], home: string): Promise<CliRun> {
  return runCli(args, { PEEROS_HOME: home }, 60_000);
}
function installedApps(home: string): string[] {
  return existsSync(join(home, 'apps')) ? readdirSync(join(home, 'apps')) : [];
}
/** Offset of `needle` in `hay` (the first one), to aim a flipped byte at one part of the file. */
function offsetOf(hay: Uint8Array, needle: string | Uint8Array): number {
  const i = Buffer.from(hay).indexOf(typeof needle === 'string' ? Buffer.from(needle) : Buffer.from(needle));
  assert.ok(i >= 0, 'needle not found');
  return i;
}

test.before(async () => {
  tmp = tempHome('app-pack');
  dir = join(tmp, 'calculator');
  cpSync(join(ROOT, 'apps/calculator'), dir, { recursive: true });
  rmSync(join(dir, 'peeros.sig'), { force: true });
  mkdirSync(join(dir, 'assets/help'), { recursive: true });
  writeFileSync(join(dir, 'icon.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  writeFileSync(join(dir, 'assets/help/usage.txt'), 'calculator: add, sub, mul, div\n');
  writeFileSync(join(dir, 'assets/.DS_Store'), 'skipped');
  // the publisher signs (as `peeros app sign` does in the vault; here with a throwaway key)
  const hash = hashPackage(await readAppPackage(dir));
  publicKey = key.toPublic().toString();
  writeFileSync(
    join(dir, 'peeros.sig'),
    formatPackageSignature({
      version: 1,
      publicKey,
      packageHash: Buffer.from(hash).toString('hex'),
      signature: key.sign(packageSigningDigest(hash)).toString(),
    }),
  );
});
test.after(() => {
  key.clear();
  rmSync(tmp, { recursive: true, force: true });
});

test('app pack writes NAME-VERSION.peeros, the same bytes every time', async () => {
  const home = join(tmp, 'publisher');
  pkgFile = join(tmp, 'a.peeros');
  const r = await peeros(['app', 'pack', dir, '-o', pkgFile], home);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /packed .*a\.peeros \(\d+ bytes, 4 files, package hash [0-9a-f]{64}\)/);
  const again = join(tmp, 'b.peeros');
  assert.is((await peeros(['app', 'pack', dir, '--out', again], home)).code, 0);
  assert.equal(readFileSync(pkgFile), readFileSync(again), 'packing is deterministic');
  assert.not.ok(readFileSync(pkgFile).includes(Buffer.from('DS_Store')), 'dot files are not packed');
  const version = (JSON.parse(readFileSync(join(dir, 'peeros.json'), 'utf8')) as { version: string }).version;
  const r2 = await runCli(['app', 'pack', dir], { PEEROS_HOME: home }, 60_000);
  assert.is(r2.code, 0, r2.err);
  assert.match(r2.out, new RegExp(`calculator-${version.replace(/\./g, '\\.')}\\.peeros`));
  rmSync(join(process.cwd(), `calculator-${version}.peeros`), { force: true });
});

test('a package with one changed byte anywhere is refused and nothing is installed', async () => {
  const good = new Uint8Array(readFileSync(pkgFile));
  const wasm = readFileSync(join(dir, 'build/calculator.wasm'));
  const targets: Record<string, number> = {
    header: 3,
    manifest: offsetOf(good, '"calculator"') + 2,
    module: offsetOf(good, wasm.subarray(100, 132)) + 7,
    asset: offsetOf(good, 'add, sub'),
    signature: offsetOf(good, 'SIG_K1_') + 12,
    checksum: good.length - 5,
  };
  for (const [where, at] of Object.entries(targets)) {
    const home = join(tmp, `tampered-${where}`);
    const bad = new Uint8Array(good);
    bad[at] = bad[at]! ^ 0x20;
    const file = join(tmp, `tampered-${where}.peeros`);
    writeFileSync(file, bad);
    const r = await peeros(['app', 'install', file, '--yes'], home);
    assert.is(r.code, 1, `${where}: ${r.out}`);
    assert.match(r.err, /peeros app install: PACKAGE_INVALID: .*(checksum does not match|PEEROSPK).*nothing was installed/, where);
    assert.equal(installedApps(home), [], where);
  }
});

test('a package file larger than the cap is refused before it is read', async () => {
  const file = join(tmp, 'huge.peeros');
  writeFileSync(file, '');
  truncateSync(file, MAX_PACKAGE_FILE_BYTES + 1); // sparse: nothing to read, only its size
  const home = join(tmp, 'huge');
  const r = await peeros(['app', 'install', file, '--yes'], home);
  assert.is(r.code, 1);
  assert.match(r.err, /LIMIT_EXCEEDED: .*the package file is \d+ bytes, more than the \d+-byte limit/);
  assert.ok(r.peakRssMiB === undefined || r.peakRssMiB < 200, `peak RSS ${r.peakRssMiB} MiB`);
  assert.equal(installedApps(home), []);
});

test('a changed module with a recomputed checksum is refused by the signature', async () => {
  const good = Buffer.from(readFileSync(pkgFile));
  const wasm = readFileSync(join(dir, 'build/calculator.wasm'));
  const body = Buffer.from(good.subarray(0, good.length - 32));
  const at = body.indexOf(wasm.subarray(100, 132)) + 3;
  body[at] = body[at]! ^ 0x01;
  const file = join(tmp, 'resummed.peeros');
  writeFileSync(file, Buffer.concat([body, createHash('sha256').update(body).digest()]));
  const home = join(tmp, 'resummed');
  const r = await peeros(['app', 'install', file, '--yes'], home);
  assert.is(r.code, 1);
  assert.match(r.err, /SIGNATURE_INVALID/);
  assert.equal(installedApps(home), []);
});

test('packed on one home, the package installs verified into another, with its assets, and runs', async () => {
  const home = join(tmp, 'user');
  const r = await peeros(['app', 'install', pkgFile, '--yes'], home);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`publisher +${publicKey} \\(verified`));
  assert.match(r.out, /installed calculator .*identity PUB_K1_.*\(verified\)/);
  assert.is(readFileSync(join(home, 'apps/calculator/files/assets/help/usage.txt'), 'utf8'), 'calculator: add, sub, mul, div\n');
  assert.ok(existsSync(join(home, 'apps/calculator/files/icon.png')));
  const run = await peeros(['app', 'run', 'calculator', 'add', '{"a":"2","b":"3"}'], home);
  assert.is(run.code, 0, run.err);
  assert.match(run.out, /5/);

  // an unsigned package of the same app never takes over the signed one
  rmSync(join(dir, 'peeros.sig'));
  const unsigned = join(tmp, 'unsigned.peeros');
  const p = await peeros(['app', 'pack', dir, '-o', unsigned], home);
  assert.is(p.code, 0, p.err);
  assert.match(p.err, /unsigned/);
  const over = await peeros(['app', 'install', unsigned, '--yes'], home);
  assert.is(over.code, 1);
  assert.match(over.err, /INSTALL_CONFLICT/);
});

test.run();
