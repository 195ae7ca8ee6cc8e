// Issue 13, the dAppStore end to end: the `dappstore` contract on the embedded node, a package
// built and packed on the publisher's PEEROS_HOME, published there with `peeros app publish`
// (the account's authority, signed in the vault), then discovered (`store list`, `store show`) and
// installed (`app install APP`) on a second PEEROS_HOME through the real CLI — from a file path and
// from an HTTP URL. Refused by test: another account publishing the same app, a file whose bytes no
// longer hash to the registry row, a yanked release, a downgrade, a release of the installed version's
// precedence but other code (`+build` metadata). `app update` shows what changed in capabilities and
// installs the newer release.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrivateKey } from '../../abi/antelope/index.js';
import { packageSigningDigest } from '../../skv/index.js';
import { readAppPackage } from '../../runtime/app-package.js';
import { hashPackage } from '../../runtime/app-identity/app-identity.js';
import { formatPackageSignature } from '../../runtime/app-identity/package-signature.js';
import { deployContract } from '../../runtime/transaction-service/index.js';
import { ROOT, PASS, tempHome, startWorld, newAccount, type World } from './world.js';
import { runCli, type CliRun } from './measured-cli.js';

const STORE_WASM = join(ROOT, 'build/contracts/dappstore/dappstore.wasm');
const STORE_ABI = join(ROOT, 'build/contracts/dappstore/dappstore.abi');
let w: World;
let tmp: string;
let userHome: string;
let publisherHome: string; // the publisher's own host: a real vault (real scrypt) holding alice's and mallory's keys
let server: Server;
let baseUrl = '';
const key = PrivateKey.generate();

function cli(args: string[], home: string): Promise<CliRun> {
  return runCli(args, { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS }, 90_000);
}
async function ok(args: string[], home: string): Promise<string> {
  const r = await cli(args, home);
  assert.is(r.code, 0, `peeros ${args.join(' ')}: ${r.err}`);
  return r.out;
}
function installedVersion(home: string): string {
  return (JSON.parse(readFileSync(join(home, 'apps/calculator/install.json'), 'utf8')) as { version: string }).version;
}

/** The calculator at `version` (with extra capabilities), signed by the publisher key and packed on the publisher's home. */
async function release(version: string, capabilities: Record<string, unknown> = {}): Promise<string> {
  const dir = join(tmp, `calculator-${version}`);
  cpSync(join(ROOT, 'apps/calculator'), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'peeros.json'), 'utf8')) as Record<string, unknown>;
  manifest.version = version;
  manifest.capabilities = { ...(manifest.capabilities as object), ...capabilities };
  writeFileSync(join(dir, 'peeros.json'), JSON.stringify(manifest, null, 2));
  const hash = hashPackage(await readAppPackage(dir));
  writeFileSync(
    join(dir, 'peeros.sig'),
    formatPackageSignature({
      version: 1,
      publicKey: key.toPublic().toString(),
      packageHash: Buffer.from(hash).toString('hex'),
      signature: key.sign(packageSigningDigest(hash)).toString(),
    }),
  );
  const file = join(tmp, `calculator-${version}.peeros`);
  await ok(['app', 'pack', dir, '-o', file], publisherHome);
  return file;
}

test.before(async () => {
  tmp = tempHome('store-files');
  w = await startWorld();
  await newAccount(w, 'dappstore');
  await deployContract({ vault: w.vault, backend: w.backend, account: 'dappstore', wasmPath: STORE_WASM, abiPath: STORE_ABI });
  publisherHome = tempHome('store-publisher');
  await ok(['dmcs', 'add', 'local', w.node.endpoint!], publisherHome);
  for (const name of ['alice', 'mallory']) {
    const pub = (await ok(['key', 'create', '--label', name], publisherHome)).split(/\s+/).find((x) => x.startsWith('PUB_K1_'))!;
    await newAccount(w, name, pub);
  }
  userHome = tempHome('store-user');
  await ok(['dmcs', 'add', 'local', w.node.endpoint!], userHome);
  server = createServer((req, res) => {
    try {
      res.end(readFileSync(join(tmp, (req.url ?? '/').slice(1))));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
test.after(async () => {
  key.clear();
  server.close();
  await w.close();
  rmSync(tmp, { recursive: true, force: true });
  rmSync(userHome, { recursive: true, force: true });
  rmSync(publisherHome, { recursive: true, force: true });
});

test('published on the publisher home, listed and installed on another home', async () => {
  const file = await release('1.0.0');
  const out = await ok(['app', 'publish', file, '--account', 'alice', '--yes'], publisherHome);
  assert.match(out, /published calculator 1\.0\.0 to dappstore as alice: package [0-9a-f]{64}/);
  assert.match(await ok(['store', 'list'], userHome), /calculator 1\.0\.0 by alice \(1 release\)/);
  const show = await ok(['store', 'show', 'calculator'], userHome);
  assert.match(show, /1\.0\.0 +\d+ bytes/);
  const inst = await ok(['app', 'install', 'calculator', '--yes'], userHome);
  assert.match(inst, /from the store dappstore: calculator 1\.0\.0 published by alice, package hash [0-9a-f]{64} \(matches\)/);
  assert.match(inst, /signed by PUB_K1_\w+, which is not a key of alice: alice vouches for the package by its hash/);
  assert.match(inst, /installed calculator 1\.0\.0, identity PUB_K1_.* \(verified\)/);
  assert.match(await ok(['app', 'run', 'calculator', 'add', '{"a":"2","b":"3"}'], userHome), /5/);
});

test('another account cannot publish the same app', async () => {
  const file = await release('9.0.0');
  const r = await cli(['app', 'publish', file, '--account', 'mallory', '--yes'], publisherHome);
  assert.is(r.code, 1);
  assert.match(r.err, /published by another account/);
});

test('a file that no longer hashes to the registry row is refused and nothing changes', async () => {
  const file = await release('1.0.5');
  await ok(['app', 'publish', file, '--account', 'alice', '--yes'], publisherHome);
  // the publisher's server now serves other bytes of the same size (checksum recomputed)
  const bytes = Buffer.from(readFileSync(file));
  const body = bytes.subarray(0, bytes.length - 32);
  const inModule = body.indexOf(Buffer.from('\0asm')) + 200; // a byte of the module, not of peeros.sig
  body[inModule] = body[inModule]! ^ 1;
  writeFileSync(file, Buffer.concat([body, createHash('sha256').update(body).digest()]));
  const r = await cli(['app', 'install', 'calculator@1.0.5', '--yes'], userHome);
  assert.is(r.code, 1, r.out);
  assert.match(r.err, /PACKAGE_INVALID: .*hashes to [0-9a-f]{16}…, the registry says/, r.err);
  assert.is(installedVersion(userHome), '1.0.0');
});

test('app update shows the capability change and installs the newer release, fetched over HTTP', async () => {
  const file = await release('1.1.0', { clock: {} });
  await ok(['app', 'publish', file, '--account', 'alice', '--location', `${baseUrl}/calculator-1.1.0.peeros`, '--yes'], publisherHome);
  const out = await ok(['app', 'update', 'calculator', '--yes'], userHome);
  assert.match(out, /installed now: 1\.0\.0/);
  assert.match(out, /new capability clock/);
  assert.match(out, /installed calculator 1\.1\.0/);
  assert.is(installedVersion(userHome), '1.1.0');
  assert.match(await ok(['app', 'update', '--yes'], userHome), /calculator 1\.1\.0 is up to date/);
});

test('downgrades and yanked releases are refused', async () => {
  const down = await cli(['app', 'install', 'calculator@1.0.0', '--yes'], userHome);
  assert.is(down.code, 1);
  assert.match(down.err, /STORE_REFUSED: .*older than the installed 1\.1\.0; downgrades are refused/);
  const file = await release('1.2.0');
  await ok(['app', 'publish', file, '--account', 'alice', '--yes'], publisherHome);
  const notMine = await cli(['app', 'yank', 'calculator@1.2.0', '--account', 'mallory', '--yes'], publisherHome);
  assert.is(notMine.code, 1);
  assert.match(notMine.err, /only the app's publisher may yank it/);
  assert.match(await ok(['app', 'yank', 'calculator@1.2.0', '--account', 'alice', '--yes'], publisherHome), /yanked calculator 1\.2\.0/);
  assert.match(await ok(['store', 'show', 'calculator'], userHome), /1\.2\.0 \(YANKED\)/);
  const y = await cli(['app', 'install', 'calculator@1.2.0', '--yes'], userHome);
  assert.is(y.code, 1);
  assert.match(y.err, /STORE_REFUSED: calculator 1\.2\.0 was yanked/);
  assert.match(await ok(['app', 'update', '--yes'], userHome), /calculator 1\.1\.0 is up to date/);
  assert.is(installedVersion(userHome), '1.1.0');
});

test('a release of the installed precedence but other code (1.1.0+rebuilt over 1.1.0) is refused by install and by update; the installed release itself reinstalls', async () => {
  const refusal = /STORE_REFUSED: calculator 1\.1\.0\+rebuilt has the same precedence as the installed 1\.1\.0 but is another release/;
  const file = await release('1.1.0+rebuilt', { random: {} });
  await ok(['app', 'publish', file, '--account', 'alice', '--yes'], publisherHome);
  const same = await cli(['app', 'install', 'calculator@1.1.0+rebuilt', '--yes'], userHome);
  assert.is(same.code, 1, same.out);
  assert.match(same.err, refusal);
  assert.is(installedVersion(userHome), '1.1.0');
  // the installed release itself (same version, same package hash) is a reinstall
  assert.match(await ok(['app', 'install', 'calculator@1.1.0', '--yes'], userHome), /installed calculator 1\.1\.0/);
  // its publisher yanks 1.1.0: the newest live release is 1.1.0+rebuilt, which `app update` refuses as the install does
  await ok(['app', 'yank', 'calculator@1.1.0', '--account', 'alice', '--yes'], publisherHome);
  const up = await cli(['app', 'update', '--yes'], userHome);
  assert.is(up.code, 1, up.out);
  assert.match(up.err, refusal);
  assert.not.match(up.out, /is up to date/);
  assert.is(installedVersion(userHome), '1.1.0');
});

test.run();
