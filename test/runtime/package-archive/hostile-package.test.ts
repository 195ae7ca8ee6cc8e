// A .peeros file comes from anyone. Every way of lying in one is refused, with a typed error, before
// anything is trusted: one changed byte anywhere (every position of a small signed package), names
// that escape (zip-slip), duplicates and case twins, lengths beyond caps or beyond the file, cut-off
// files, extra bytes, too many entries, entries that are not part of a package. The lies are built
// with a raw writer that recomputes the checksum, so each check is reached on its own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { PrivateKey } from '@wharfkit/antelope';
import { packageSigningDigest } from '../../../skv/index.js';
import { HostError } from '../../../runtime/errors.js';
import { encodeArchive } from '../../../runtime/package-archive/archive-codec.js';
import { unpackPackage } from '../../../runtime/package-archive/package-file.js';
import { provePackage, hashPackage } from '../../../runtime/app-identity/app-identity.js';
import { formatPackageSignature } from '../../../runtime/app-identity/package-signature.js';
import { MAX_PACKAGE_ENTRIES } from '../../../runtime/package-archive/limits.js';
import { MAX_MODULE_BYTES } from '../../../runtime/limits.js';

const KEY = PrivateKey.fromString('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3'); // throwaway test key
const manifest = new TextEncoder().encode(
  JSON.stringify({
    name: 'tiny',
    version: '1.0.0',
    publisher: 'alice',
    entry: 'app.wasm',
    commands: { a: { description: 'a' } },
    capabilities: {},
  }),
);
const module = new Uint8Array(Buffer.from('0061736d01000000', 'hex'));
const asset = new TextEncoder().encode('hello asset');

/** A signed package of the manifest, module and one asset. */
function signedPackage(): Uint8Array {
  const base = { path: 'peeros.json', data: manifest };
  const pkg = unpackPackage(
    encodeArchive([base, { path: 'app.wasm', data: module }, { path: 'assets/a.txt', data: asset }]),
    'tiny.peeros',
  );
  const hash = hashPackage(pkg);
  const sig = formatPackageSignature({
    version: 1,
    publicKey: KEY.toPublic().toString(),
    packageHash: Buffer.from(hash).toString('hex'),
    signature: KEY.signDigest(packageSigningDigest(hash)).toString(),
  });
  return encodeArchive([
    base,
    { path: 'app.wasm', data: module },
    { path: 'assets/a.txt', data: asset },
    { path: 'peeros.sig', data: new TextEncoder().encode(sig) },
  ]);
}

/** Raw writer: any paths, any order, any declared lengths, a correct checksum. */
function raw(
  entries: { path: string | Uint8Array; data: Uint8Array; declared?: number }[],
  opts: { count?: number; tail?: Uint8Array } = {},
) {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(13);
  head.write('PEEROSPK', 0, 'latin1');
  head.writeUInt8(1, 8);
  head.writeUInt32BE(opts.count ?? entries.length, 9);
  parts.push(head);
  for (const e of entries) {
    const p = typeof e.path === 'string' ? Buffer.from(e.path) : Buffer.from(e.path);
    const f = Buffer.alloc(2 + p.length + 4);
    f.writeUInt16BE(p.length);
    p.copy(f, 2);
    f.writeUInt32BE(e.declared ?? e.data.length, 2 + p.length);
    parts.push(f, Buffer.from(e.data));
  }
  if (opts.tail) parts.push(Buffer.from(opts.tail));
  const body = Buffer.concat(parts);
  return new Uint8Array(Buffer.concat([body, createHash('sha256').update(body).digest()]));
}
const M = { path: 'peeros.json', data: manifest };
const W = { path: 'app.wasm', data: module };

async function refusal(bytes: Uint8Array): Promise<HostError> {
  try {
    const pkg = unpackPackage(bytes, 'evil.peeros');
    await provePackage(pkg);
  } catch (err) {
    assert.instance(err, HostError, String(err));
    return err as HostError;
  }
  throw new Error('the package was accepted');
}

test('the untouched signed package is accepted and proven', async () => {
  const pkg = unpackPackage(signedPackage(), 'tiny.peeros');
  const proof = await provePackage(pkg);
  assert.is(proof.publicKey, KEY.toPublic().toString());
  assert.is(pkg.files[0]?.path, 'assets/a.txt');
});

test('one changed byte at ANY position of a signed package is refused (checksum), and with a recomputed checksum still refused', async () => {
  const good = signedPackage();
  const codes = new Set<string>();
  for (let i = 0; i < good.length; i++) {
    const bad = new Uint8Array(good);
    bad[i] = bad[i]! ^ 0x01;
    const err = await refusal(bad);
    assert.is(err.code, 'PACKAGE_INVALID', `byte ${i}`);
    // an attacker who also fixes the checksum still meets the layout, manifest or signature checks
    const body = bad.subarray(0, bad.length - 32);
    if (i < body.length) {
      const resummed = new Uint8Array(Buffer.concat([Buffer.from(body), createHash('sha256').update(body).digest()]));
      codes.add((await refusal(resummed)).code);
    }
  }
  assert.ok(
    [...codes].every((c) => ['PACKAGE_INVALID', 'SIGNATURE_INVALID', 'MANIFEST_INVALID', 'LIMIT_EXCEEDED'].includes(c)),
    [...codes].join(),
  );
});

test('zip-slip and non-normalized names are refused', async () => {
  for (const p of [
    '../evil',
    'assets/../../x',
    '/etc/passwd',
    'assets//a',
    'assets/./a',
    'assets/a/',
    'C:/x',
    'assets\\a',
    '.hidden',
    'assets/.x',
    'assets/é',
    '',
  ]) {
    const err = await refusal(
      raw([M, W, { path: p, data: asset }].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))),
    );
    assert.is(err.code, 'PACKAGE_INVALID', p);
    assert.match(err.message, /not allowed|out of order/, p);
  }
  const err = await refusal(raw([{ path: new Uint8Array([0xff, 0xfe]), data: asset }, M, W]));
  assert.match(err.message, /UTF-8/);
});

test('duplicate, case-twin and unsorted entries are refused', async () => {
  assert.match((await refusal(raw([W, W, M]))).message, /twice/);
  assert.match((await refusal(raw([W, { path: 'assets/A', data: asset }, { path: 'assets/a', data: asset }, M]))).message, /case/);
  assert.match((await refusal(raw([M, W]))).message, /out of order/);
});

test('declared lengths beyond the cap or the file, truncation and trailing bytes are refused', async () => {
  const over = await refusal(raw([{ ...W, declared: MAX_MODULE_BYTES + 1 }, M]));
  assert.is(over.code, 'LIMIT_EXCEEDED');
  const overAsset = await refusal(raw([W, { path: 'assets/a', data: asset, declared: 0xffffffff }, M]));
  assert.is(overAsset.code, 'LIMIT_EXCEEDED');
  const beyond = await refusal(raw([{ ...W, declared: module.length + 100 }, M]));
  assert.match(beyond.message, /truncated|cut off|longer than what remains|remain/);
  const good = signedPackage();
  for (const cut of [0, 5, 13, 40, good.length - 33, good.length - 1])
    assert.is((await refusal(good.subarray(0, cut))).code, 'PACKAGE_INVALID');
  assert.match((await refusal(raw([W, M], { tail: new Uint8Array([0]) }))).message, /unexpected bytes/);
  assert.match((await refusal(raw([W, M], { count: 3 }))).message, /cut off/);
});

test('an entry count above the cap is refused before any entry is read', async () => {
  const err = await refusal(raw([W, M], { count: MAX_PACKAGE_ENTRIES + 1 }));
  assert.is(err.code, 'LIMIT_EXCEEDED');
});

test('a package without manifest or module, or with a stray entry, is refused', async () => {
  assert.match((await refusal(raw([W]))).message, /no peeros\.json/);
  assert.match((await refusal(raw([M]))).message, /no module/);
  assert.match((await refusal(raw([W, { path: 'evil.sh', data: asset }, M]))).message, /none of/);
});

test('a bad signature entry is SIGNATURE_INVALID; a stripped one makes the package unsigned (identity rules then refuse it over a signed app)', async () => {
  const sig = new TextEncoder().encode('{"version":1}');
  assert.is((await refusal(raw([W, M, { path: 'peeros.sig', data: sig }]))).code, 'SIGNATURE_INVALID');
  const unsigned = unpackPackage(raw([W, M]), 'u.peeros');
  assert.is((await provePackage(unsigned)).publicKey, undefined);
});

test.run();
