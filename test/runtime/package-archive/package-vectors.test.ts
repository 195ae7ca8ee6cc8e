// The package hash rule and the .peeros layout of docs/packages.md cannot drift: the vectors in
// test/vectors/packages/ were written by an independent Python implementation of that page, and
// this recomputes every one (hash, archive bytes, decode, signature) with the host's code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { packageHash } from '../../../runtime/app-identity/package-hash.js';
import { parsePackageSignature, verifyPackageSignature, formatPackageSignature } from '../../../runtime/app-identity/package-signature.js';
import { encodeArchive } from '../../../runtime/package-archive/archive-codec.js';
import { unpackPackage } from '../../../runtime/package-archive/package-file.js';
import { provePackage, hashPackage } from '../../../runtime/app-identity/app-identity.js';

interface VectorCase {
  name: string;
  manifest: string;
  moduleHex: string;
  files: { path: string; hex: string }[];
  packageHash: string;
  archiveHex: string;
  archiveSha256: string;
  signature: { version: 1; publicKey: string; packageHash: string; signature: string };
}

const here = dirname(fileURLToPath(import.meta.url));
const dir = [join(here, '../../../../test/vectors/packages'), join(process.cwd(), 'test/vectors/packages')].find((d) => existsSync(d))!;
const { cases } = JSON.parse(readFileSync(join(dir, 'package-format.json'), 'utf8')) as { cases: VectorCase[] };
const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

test('there are vectors for both hash versions', () => {
  assert.ok(cases.some((c) => c.files.length === 0));
  assert.ok(cases.some((c) => c.files.length > 0));
});

for (const c of cases) {
  const manifest = new TextEncoder().encode(c.manifest);
  const module = hex(c.moduleHex);
  const files = c.files.map((f) => ({ path: f.path, data: hex(f.hex) }));

  test(`${c.name}: the package hash matches the vector`, () => {
    assert.is(Buffer.from(packageHash(manifest, module, files)).toString('hex'), c.packageHash);
    // the order files are given in does not matter: the rule sorts them
    assert.is(Buffer.from(packageHash(manifest, module, [...files].reverse())).toString('hex'), c.packageHash);
  });

  test(`${c.name}: the archive bytes match the vector (deterministic)`, () => {
    const entries = [{ path: 'peeros.json', data: manifest }, { path: 'build/app.wasm', data: module }, ...files];
    const bytes = encodeArchive(entries);
    assert.is(Buffer.from(bytes).toString('hex'), c.archiveHex);
    assert.is(createHash('sha256').update(bytes).digest('hex'), c.archiveSha256);
    assert.is(Buffer.from(encodeArchive([...entries].reverse())).toString('hex'), c.archiveHex);
  });

  test(`${c.name}: the archive decodes to the same package and the signature verifies`, async () => {
    const pkg = unpackPackage(hex(c.archiveHex), 'vector.peeros');
    assert.is(pkg.manifest.name, 'vector-app');
    assert.equal(Buffer.from(pkg.wasm), Buffer.from(module));
    assert.is(pkg.files.length, files.length);
    assert.is(Buffer.from(hashPackage(pkg)).toString('hex'), c.packageHash);
    const sig = new TextEncoder().encode(formatPackageSignature(c.signature));
    assert.is(verifyPackageSignature(parsePackageSignature(sig, 'vector-app'), hex(c.packageHash), 'vector-app'), c.signature.publicKey);
    const proof = await provePackage({ ...pkg, signatureBytes: sig });
    assert.is(proof.publicKey, c.signature.publicKey);
    assert.is(proof.packageHash, c.packageHash);
  });
}

test.run();
