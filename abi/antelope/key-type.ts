/**
 * Antelope key/signature algorithm tags: the first byte of the binary form and the `K1`/`R1`/`WA`
 * part of the string form. K1 (secp256k1) and R1 (secp256r1) sign, verify and recover; WebAuthn
 * (WA) keys and signatures parse, print and recover (webauthn-recovery.ts) but are never made here:
 * only an authenticator signs with them.
 */
import { AntelopeError } from './error.js';

export enum KeyType {
  K1 = 0,
  R1 = 1,
  WA = 2,
}

export function keyTypeFromString(s: string, what: string): KeyType {
  if (s === 'K1') return KeyType.K1;
  if (s === 'R1') return KeyType.R1;
  if (s === 'WA') return KeyType.WA;
  throw new AntelopeError(
    what === 'signature' ? 'INVALID_SIGNATURE' : 'INVALID_KEY',
    `${what}: expected key type K1, R1 or WA, got ${JSON.stringify(s)}`,
  );
}

export function keyTypeFromIndex(i: number, what: string): KeyType {
  if (i === 0 || i === 1 || i === 2) return i;
  throw new AntelopeError(
    what === 'signature' ? 'INVALID_SIGNATURE' : 'INVALID_KEY',
    `${what}: expected key type 0 (K1), 1 (R1) or 2 (WA), got ${i}`,
  );
}

export function keyTypeName(t: KeyType): 'K1' | 'R1' | 'WA' {
  return t === KeyType.K1 ? 'K1' : t === KeyType.R1 ? 'R1' : 'WA';
}
