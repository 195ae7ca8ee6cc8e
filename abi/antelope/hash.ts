/**
 * The hash functions Antelope uses, from @noble/hashes only: sha256 (digests, ids, WIF checks),
 * sha512, ripemd160 (key and signature string checksums). Thin wrappers so callers import one place.
 */
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { ripemd160 as nobleRipemd160 } from '@noble/hashes/legacy.js';

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}
export function sha512(data: Uint8Array): Uint8Array {
  return nobleSha512(data);
}
export function ripemd160(data: Uint8Array): Uint8Array {
  return nobleRipemd160(data);
}

/** Incremental sha256 over several parts without concatenating them first. */
export function sha256Parts(...parts: Uint8Array[]): Uint8Array {
  const h = nobleSha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}
