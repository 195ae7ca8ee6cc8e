/**
 * Signs an app folder as its publisher: hashes the package, has the vault sign the package digest
 * (a `package` approval; skv/package-digest.ts) and writes `DIR/peeros.sig` atomically.
 */
import { join } from 'node:path';
import { PublicKey } from '../../abi/antelope/index.js';
import type { Vault } from '../../skv/index.js';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { HostError } from '../errors.js';
import type { AppPackage } from '../app-package.js';
import { hashPackage } from './app-identity.js';
import { SIGNATURE_FILE, SIGNATURE_VERSION, formatPackageSignature, type PackageSignature } from './package-signature.js';

export interface SignedPackage {
  path: string;
  signature: PackageSignature;
}

/** Which vault key signs: `key` when given, else the only key the vault holds. */
export async function pickPublisherKey(vault: Vault, key: string | undefined): Promise<string> {
  if (key !== undefined) return key;
  const keys = await vault.listKeys();
  if (keys.length === 1) return keys[0]!.publicKey;
  throw new HostError(
    'NOT_GRANTED',
    keys.length === 0
      ? "the vault holds no key to sign with; create one with 'peeros key create'"
      : `the vault holds ${keys.length} keys; choose the publisher key with --key PUB (see 'peeros key list')`,
  );
}

export async function signPackage(vault: Vault, pkg: AppPackage, key: string): Promise<SignedPackage> {
  const hash = hashPackage(pkg);
  const hex = Buffer.from(hash).toString('hex');
  const m = pkg.manifest;
  const r = await vault.signPackage({
    packageHash: hash,
    key,
    summary: [
      `app package ${m.name} ${m.version} (manifest says publisher '${m.publisher}')`,
      `module sha256 ${pkg.sha256}`,
      `package hash ${hex}`,
    ],
  });
  const signature: PackageSignature = {
    version: SIGNATURE_VERSION,
    publicKey: PublicKey.from(key).toString(),
    packageHash: hex,
    signature: r.signature,
  };
  const path = join(pkg.dir, SIGNATURE_FILE);
  await writeFileAtomic(path, formatPackageSignature(signature), 0o644);
  return { path, signature };
}
