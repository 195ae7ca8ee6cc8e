/**
 * Who an app package is from, proven rather than declared. The manifest's `publisher` is whatever
 * it says; an app's identity is the public key that signed its package hash (`peeros.sig`,
 * verified here), or — for an unsigned app — `unverified:<random install id>`, made at its first
 * install and kept by updates the user explicitly allows (`--replace`). Data, grants and the vault's
 * signing grant are bound to this identity, never to the name or the publisher field.
 */
import { randomBytes } from 'node:crypto';
import { HostError } from '../errors.js';
import type { AppPackage } from '../app-package.js';
import { readFolderFile } from '../app-folder.js';
import { packageHash } from './package-hash.js';
import { SIGNATURE_FILE, parsePackageSignature, verifyPackageSignature } from './package-signature.js';
import { INSTALL_ID_BYTES, MAX_SIGNATURE_FILE_BYTES } from './limits.js';

export const UNVERIFIED_PREFIX = 'unverified:';

/** What the files of a package prove about it. */
export interface PackageProof {
  /** sha256 package hash (package-hash.ts), hex. */
  packageHash: string;
  /** The publisher key whose signature verified; undefined for an unsigned package. */
  publicKey?: string;
}

/** A verified identity is a public key; anything else (unverified:…, a legacy publisher name) is not. */
export function isVerifiedIdentity(identity: string): boolean {
  return identity.startsWith('PUB_');
}

export function newUnverifiedIdentity(): string {
  return UNVERIFIED_PREFIX + randomBytes(INSTALL_ID_BYTES).toString('hex');
}

/** `PUB_K1_… (verified)` or `unverified`, for people. */
export function describeIdentity(identity: string): string {
  return isVerifiedIdentity(identity) ? `${identity} (verified)` : 'unverified';
}

/** The package hash of `pkg`: the manifest bytes it was validated from, its module, its icon and assets. */
export function hashPackage(pkg: AppPackage): Uint8Array {
  return packageHash(pkg.manifestBytes, pkg.wasm, pkg.files);
}

/**
 * Hashes the package and verifies its `peeros.sig` when there is one. A signature that does not
 * match is SIGNATURE_INVALID: a tampered package is refused, not downgraded to unverified.
 */
export async function provePackage(pkg: AppPackage): Promise<PackageProof> {
  const app = pkg.manifest.name;
  const hash = hashPackage(pkg);
  const proof: PackageProof = { packageHash: Buffer.from(hash).toString('hex') };
  let sigBytes: Uint8Array;
  if (pkg.signatureBytes === null) return proof; // a package file without peeros.sig
  if (pkg.signatureBytes !== undefined) {
    proof.publicKey = verifyPackageSignature(parsePackageSignature(pkg.signatureBytes, app), hash, app);
    return proof;
  }
  try {
    sigBytes = await readFolderFile([pkg.dir], SIGNATURE_FILE, { maxBytes: MAX_SIGNATURE_FILE_BYTES, what: 'the signature file' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return proof; // unsigned
    throw err;
  }
  proof.publicKey = verifyPackageSignature(parsePackageSignature(sigBytes, app), hash, app);
  return proof;
}

/**
 * The identity to record when installing a package proven as `proof` over `owner` (the identity
 * that owns the name now: installed, or its data left behind; undefined when free).
 *
 * - free: the publisher key, or a new `unverified:<id>`;
 * - owned by a key: only a package signed by that same key (an update); anything else is
 *   INSTALL_CONFLICT, whatever the flags — the old app must be removed first;
 * - owned by an unverified app: only with `replace` (the user says it is the same app); an
 *   unsigned replacement keeps the install id, a signed one takes its key.
 */
export function identityForInstall(app: string, proof: PackageProof, owner: string | undefined, replace: boolean): string {
  const incoming = proof.publicKey;
  if (owner === undefined) return incoming ?? newUnverifiedIdentity();
  if (isVerifiedIdentity(owner)) {
    if (incoming === owner) return owner;
    throw new HostError(
      'INSTALL_CONFLICT',
      `app '${app}' on this host belongs to publisher key ${owner} (installed, or its data is); this package is ${incoming ? `signed by another key, ${incoming}` : 'unsigned'}, and installing it would hand over that app's data and grants. If you really want the other app, remove the old one first: peeros app remove ${app} --purge`,
      { app },
    );
  }
  if (!replace) {
    throw new HostError(
      'INSTALL_CONFLICT',
      `app '${app}' on this host is unverified (unsigned), so nothing proves this package is the same app; installing it would hand over that app's data and grants. Pass --replace if you trust it to take them over, or remove the old one first: peeros app remove ${app} --purge`,
      { app },
    );
  }
  return incoming ?? (owner.startsWith(UNVERIFIED_PREFIX) ? owner : newUnverifiedIdentity());
}
