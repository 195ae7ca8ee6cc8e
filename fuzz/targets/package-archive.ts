/**
 * Target `package-archive`: a `.peeros` package file as `app install FILE` reads it —
 * `unpackPackage` (container layout, checksum, entry count, paths, per-entry and total caps, the
 * required and allowed entries, the manifest) and `provePackage` (package hash, signature).
 * Generators: the package vectors (test/vectors/packages) and a signed package, mutated as bytes;
 * half of the mutants get their checksum recomputed, so the structure checks behind it are reached.
 * Oracles: a refusal is HostError PACKAGE_INVALID, LIMIT_EXCEEDED, MANIFEST_INVALID or
 * SIGNATURE_INVALID; an accepted file is canonical — its entries re-encode to exactly its bytes.
 */
import { createHash } from 'node:crypto';
import { PrivateKey } from '../../abi/antelope/index.js';
import { packageSigningDigest } from '../../skv/index.js';
import { HostError } from '../../runtime/errors.js';
import { decodeArchive, encodeArchive } from '../../runtime/package-archive/archive-codec.js';
import { unpackPackage } from '../../runtime/package-archive/package-file.js';
import { maxEntryBytes, MAX_PACKAGE_CONTENT_BYTES } from '../../runtime/package-archive/package-contents.js';
import { hashPackage, provePackage } from '../../runtime/app-identity/app-identity.js';
import { formatPackageSignature } from '../../runtime/app-identity/package-signature.js';
import { mutate } from '../mutate.js';
import { hexBytes, readJson } from '../seeds.js';
import { oracle, sameValue, type FuzzTarget } from '../target.js';

const REFUSALS = new Set(['PACKAGE_INVALID', 'LIMIT_EXCEEDED', 'MANIFEST_INVALID', 'SIGNATURE_INVALID']);

function resum(b: Uint8Array): Uint8Array {
  if (b.length < 32) return b;
  const body = b.subarray(0, b.length - 32);
  return new Uint8Array(Buffer.concat([body, createHash('sha256').update(body).digest()]));
}

function signedSeed(unsigned: Uint8Array): Uint8Array {
  const pkg = unpackPackage(unsigned, 'seed.peeros');
  const key = PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3'); // throwaway vector key
  const hash = hashPackage(pkg);
  const sig = formatPackageSignature({
    version: 1,
    publicKey: key.toPublic().toString(),
    packageHash: Buffer.from(hash).toString('hex'),
    signature: key.sign(packageSigningDigest(hash)).toString(),
  });
  const entries = decodeArchive(unsigned, { maxEntryBytes, maxTotalBytes: MAX_PACKAGE_CONTENT_BYTES });
  return encodeArchive([...entries, { path: 'peeros.sig', data: new TextEncoder().encode(sig) }]);
}

export const packageArchive: FuzzTarget = {
  name: 'package-archive',
  about: 'runtime/package-archive unpackPackage (layout, checksum, paths, caps, entries, manifest) + provePackage (hash, signature)',
  maxInputMs: 1000,
  smokeInputs: 3000,
  async open() {
    const { cases } = readJson<{ cases: { archiveHex: string }[] }>('test/vectors/packages/package-format.json');
    const seeds = cases.map((c) => hexBytes(c.archiveHex));
    seeds.push(...seeds.map(signedSeed));
    return {
      generate: (r) => {
        const m = mutate(r, seeds);
        return r.int(2) === 0 ? resum(m) : m;
      },
      async run(input) {
        try {
          await provePackage(unpackPackage(input, 'fuzz.peeros'));
        } catch (e) {
          if (e instanceof HostError && REFUSALS.has(e.code)) return false;
          throw e;
        }
        const entries = decodeArchive(input, { maxEntryBytes, maxTotalBytes: MAX_PACKAGE_CONTENT_BYTES });
        oracle(sameValue(Buffer.from(encodeArchive(entries)), Buffer.from(input)), 'package-archive: an accepted file is not canonical');
        return true;
      },
    };
  },
};
