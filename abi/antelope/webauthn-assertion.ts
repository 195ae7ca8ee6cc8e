/**
 * From what a browser's WebAuthn API returns to Antelope values: a credential's SPKI public key
 * (`AuthenticatorAttestationResponse.getPublicKey()`) to a `PUB_WA_` key, and an assertion
 * (`AuthenticatorAssertionResponse`: authenticator data, client data JSON, DER ECDSA signature) to a
 * `SIG_WA_` signature. The DER signature carries no recovery id, so the one whose recovered point is
 * the credential's is found by trying the four (Leap recovers, it never verifies against a key).
 */
import { p256 } from '@noble/curves/nist.js';
import { AntelopeError } from './error.js';
import { bytesEqual } from './bytes.js';
import { sha256, sha256Parts } from './hash.js';
import { KeyType } from './key-type.js';
import { PublicKey } from './public-key.js';
import { Signature } from './signature.js';
import type { UserPresence } from './webauthn-key.js';

/** DER header of a P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1) before the 65-byte point. */
const P256_SPKI_PREFIX = Uint8Array.from(Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'));

export interface WebAuthnAssertion {
  authenticatorData: Uint8Array;
  clientDataJSON: Uint8Array;
  /** ASN.1 DER ECDSA signature, as WebAuthn returns it for ES256. */
  signature: Uint8Array;
}

/** The `PUB_WA_` key of a P-256 credential (SPKI DER, as `getPublicKey()` returns it). */
export function webAuthnKeyFromSpki(spki: Uint8Array, rpid: string, presence: UserPresence): PublicKey {
  if (spki.length !== P256_SPKI_PREFIX.length + 65 || !bytesEqual(spki.subarray(0, P256_SPKI_PREFIX.length), P256_SPKI_PREFIX))
    throw new AntelopeError(
      'INVALID_KEY',
      `webauthn credential: expected a ${P256_SPKI_PREFIX.length + 65}-byte P-256 SPKI, got ${spki.length} bytes`,
    );
  let point: Uint8Array;
  try {
    point = p256.Point.fromBytes(spki.subarray(P256_SPKI_PREFIX.length)).toBytes(true);
  } catch (e) {
    throw new AntelopeError('INVALID_KEY', `webauthn credential: not a P-256 point (${(e as Error).message})`);
  }
  return PublicKey.fromWebAuthn({ point, presence, rpid });
}

/** The `SIG_WA_` signature of an assertion made by `key`'s credential. */
export function signatureFromAssertion(a: WebAuthnAssertion, key: PublicKey): Signature {
  const wa = key.webauthn;
  if (key.type !== KeyType.WA || !wa) throw new AntelopeError('INVALID_KEY', 'webauthn assertion: the key must be a WA key');
  let compact: Uint8Array;
  try {
    compact = p256.Signature.fromBytes(a.signature, 'der').toBytes('compact');
  } catch (e) {
    throw new AntelopeError('INVALID_SIGNATURE', `webauthn assertion: not a DER ECDSA signature (${(e as Error).message})`);
  }
  const signed = sha256Parts(a.authenticatorData, sha256(a.clientDataJSON));
  const rec = new Uint8Array(65);
  rec.set(compact, 1);
  for (let recid = 0; recid < 4; recid++) {
    rec[0] = recid;
    let point: Uint8Array;
    try {
      point = p256.recoverPublicKey(rec, signed, { prehash: false });
    } catch {
      continue;
    }
    if (!bytesEqual(point, wa.point)) continue;
    const out = rec.slice();
    out[0] = 31 + recid;
    return Signature.fromWebAuthn({ compact: out, authData: a.authenticatorData.slice(), clientJson: a.clientDataJSON.slice() });
  }
  throw new AntelopeError(
    'INVALID_SIGNATURE',
    "webauthn assertion: the signature is not the credential's over this authenticator data and client data",
  );
}
