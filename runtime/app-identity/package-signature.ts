/**
 * `DIR/peeros.sig`, the publisher's signature beside the manifest:
 *
 *   { "version": 1, "publicKey": "PUB_K1_…", "packageHash": "<64 hex>", "signature": "SIG_K1_…" }
 *
 * `signature` is the publisher key's K1 signature of packageSigningDigest(packageHash)
 * (skv/package-digest.ts: its own domain tag, never a transaction digest). `packageHash` is there
 * for people and tools; verification recomputes it from the files and refuses a mismatch.
 */
import { PublicKey, Signature } from '../../abi/antelope/index.js';
import { packageSigningDigest } from '../../skv/package-digest.js';
import { HostError } from '../errors.js';

export const SIGNATURE_FILE = 'peeros.sig';
export const SIGNATURE_VERSION = 1;

export interface PackageSignature {
  version: 1;
  publicKey: string;
  packageHash: string;
  signature: string;
}

function invalid(app: string, why: string): HostError {
  return new HostError(
    'SIGNATURE_INVALID',
    `app '${app}': ${SIGNATURE_FILE} ${why}; the package is not what its publisher signed (re-sign it with 'peeros app sign', or get it again from the publisher)`,
    { app },
  );
}

/** Parses the file's bytes strictly: exactly the four fields, each well-formed. */
export function parsePackageSignature(bytes: Uint8Array, app: string): PackageSignature {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid(app, 'is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(app, 'is not a JSON object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!['version', 'publicKey', 'packageHash', 'signature'].includes(k))
      throw invalid(app, `has an unknown field ${JSON.stringify(k.slice(0, 40))}`);
  if (o.version !== SIGNATURE_VERSION)
    throw invalid(app, `has version ${JSON.stringify(o.version)}, this host reads version ${SIGNATURE_VERSION}`);
  if (typeof o.packageHash !== 'string' || !/^[0-9a-f]{64}$/.test(o.packageHash))
    throw invalid(app, 'packageHash: expected 64 lower-case hex characters');
  let publicKey: string;
  try {
    publicKey = PublicKey.from(o.publicKey as string).toString();
  } catch {
    throw invalid(app, 'publicKey: expected PUB_K1_…');
  }
  if (typeof o.signature !== 'string') throw invalid(app, 'signature: expected SIG_K1_…');
  try {
    Signature.from(o.signature);
  } catch {
    throw invalid(app, 'signature: expected SIG_K1_…');
  }
  return { version: 1, publicKey, packageHash: o.packageHash, signature: o.signature };
}

/** Checks `sig` against the package hash computed from the files; returns the publisher key. */
export function verifyPackageSignature(sig: PackageSignature, hash: Uint8Array, app: string): string {
  const hex = Buffer.from(hash).toString('hex');
  if (sig.packageHash !== hex)
    throw invalid(
      app,
      `was made for package ${sig.packageHash.slice(0, 16)}…, but these files hash to ${hex.slice(0, 16)}… (the manifest or the module changed after signing)`,
    );
  let ok = false;
  try {
    ok = Signature.from(sig.signature).verify(packageSigningDigest(hash), sig.publicKey);
  } catch {
    ok = false;
  }
  if (!ok) throw invalid(app, `signature does not verify with ${sig.publicKey}`);
  return sig.publicKey;
}

export function formatPackageSignature(sig: PackageSignature): string {
  return `${JSON.stringify(sig, null, 2)}\n`;
}
