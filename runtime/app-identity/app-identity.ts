/**
 * Who an app package is from, proven rather than declared. The manifest's `publisher` is whatever
 * it says; an app's identity is the public key that signed its package hash (`peeros.sig`,
 * verified here), or — for an unsigned app — `unverified:<random install id>`, made at its first
 * install and kept by updates the user explicitly allows (`--replace`). Data, grants and the vault's
 * signing grant are bound to this identity, never to the name or the publisher field.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { HostError } from '../errors.js';
import { validateManifest } from '../manifest.js';
import type { AppPackage } from '../app-registry.js';
import { readBoundedFile } from './bounded-file.js';
import { packageHash } from './package-hash.js';
import { SIGNATURE_FILE, parsePackageSignature, verifyPackageSignature } from './package-signature.js';
import { INSTALL_ID_BYTES, MAX_MANIFEST_BYTES, MAX_SIGNATURE_FILE_BYTES } from './limits.js';

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

/** The package hash of `pkg`: the manifest bytes as on disk in `pkg.dir` and the module `pkg` read. */
export async function hashPackage(pkg: AppPackage): Promise<Uint8Array> {
  const app = pkg.manifest.name;
  const manifestBytes = await readBoundedFile(join(pkg.dir, 'peeros.json'), MAX_MANIFEST_BYTES, 'the manifest');
  // The bytes hashed must be the manifest that was validated: refuse if it changed in between.
  let same = false;
  try {
    same = manifestBytes !== undefined && JSON.stringify(validateManifest(JSON.parse(new TextDecoder().decode(manifestBytes)))) === JSON.stringify(pkg.manifest);
  } catch { same = false; }
  if (!same) throw new HostError('MANIFEST_INVALID', `app '${app}': ${join(pkg.dir, 'peeros.json')} changed while it was being installed; try again`, { app });
  return packageHash(manifestBytes!, pkg.wasm);
}

/**
 * Hashes the package and verifies its `peeros.sig` when there is one. A signature that does not
 * match is SIGNATURE_INVALID: a tampered package is refused, not downgraded to unverified.
 */
export async function provePackage(pkg: AppPackage): Promise<PackageProof> {
  const app = pkg.manifest.name;
  const hash = await hashPackage(pkg);
  const proof: PackageProof = { packageHash: Buffer.from(hash).toString('hex') };
  const sigBytes = await readBoundedFile(join(pkg.dir, SIGNATURE_FILE), MAX_SIGNATURE_FILE_BYTES, 'the signature file');
  if (sigBytes === undefined) return proof;
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
    throw new HostError('INSTALL_CONFLICT', `app '${app}' on this host belongs to publisher key ${owner} (installed, or its data is); this package is ${incoming ? `signed by another key, ${incoming}` : 'unsigned'}, and installing it would hand over that app's data and grants. If you really want the other app, remove the old one first: peeros app remove ${app} --purge`, { app });
  }
  if (!replace) {
    throw new HostError('INSTALL_CONFLICT', `app '${app}' on this host is unverified (unsigned), so nothing proves this package is the same app; installing it would hand over that app's data and grants. Pass --replace if you trust it to take them over, or remove the old one first: peeros app remove ${app} --purge`, { app });
  }
  return incoming ?? (owner.startsWith(UNVERIFIED_PREFIX) ? owner : newUnverifiedIdentity());
}
