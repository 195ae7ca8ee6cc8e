/**
 * The elliptic curve behind each key type, from @noble/curves: K1 = secp256k1, R1 = secp256r1
 * (NIST P-256). WebAuthn (WA) keys are P-256 points too (their signatures recover through
 * webauthn-recovery.ts, which adds Leap's client-data checks); a caller that would sign or derive
 * with a WA key asks with `allowWebAuthn: false` and is refused.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { p256 } from '@noble/curves/nist.js';
import { AntelopeError, type AntelopeErrorCode } from './error.js';
import { KeyType, keyTypeName } from './key-type.js';

export type Curve = typeof secp256k1;

export function curveFor(type: KeyType, code: AntelopeErrorCode, op: string, allowWebAuthn = false): Curve {
  if (type === KeyType.K1) return secp256k1;
  if (type === KeyType.R1 || (type === KeyType.WA && allowWebAuthn)) return p256 as unknown as Curve;
  throw new AntelopeError(code, `${op}: key type ${keyTypeName(type)} is not supported`);
}
