/**
 * The digest a publisher's key signs for an app package: sha256(TAG_APP_PACKAGE ‖ 0x00 ‖ packageHash).
 *
 * Why a package signature can never be a transaction signature: a K1 signature covers a 32-byte
 * digest; the vault signs a transaction over sha256(chainId(32) ‖ packed_trx(≥1) ‖ 32 bytes), a
 * preimage of at least 65 bytes, while this preimage is exactly 26 + 1 + 32 = 59 bytes. Equal digests
 * would need equal preimages (impossible: the lengths differ) or a SHA-256 collision.
 */
import { createHash } from 'node:crypto';
import { TAG_APP_PACKAGE } from './domain-tags.js';
import { VaultError } from './error.js';

/** Bytes in a package hash (sha256). */
export const PACKAGE_HASH_BYTES = 32;

export function packageSigningDigest(packageHash: Uint8Array): Uint8Array {
  if (!(packageHash instanceof Uint8Array) || packageHash.length !== PACKAGE_HASH_BYTES) {
    throw new VaultError('INVALID_ARGUMENT', `packageHash: expected ${PACKAGE_HASH_BYTES} bytes`);
  }
  return new Uint8Array(createHash('sha256').update(TAG_APP_PACKAGE).update('\0').update(packageHash).digest());
}
