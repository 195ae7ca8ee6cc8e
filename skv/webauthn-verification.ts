/**
 * Verification, inside the vault worker, of a WebAuthn assertion that approves one request. In
 * order, each refusal with its own code: the credential is registered (WEBAUTHN_UNKNOWN_CREDENTIAL);
 * the purpose and app are the request's (ASSERTION_MISMATCH); the challenge nonce was issued in
 * this session, is unspent (ASSERTION_REPLAYED) and unexpired — it is spent here, whatever follows;
 * client data type `webauthn.get` (WEBAUTHN_CLIENT_DATA), origin the credential's (WEBAUTHN_ORIGIN),
 * challenge the vault's own recomputation (ASSERTION_MISMATCH); authenticator data rp id hash
 * (WEBAUTHN_RP_ID), UP and UV (WEBAUTHN_FLAGS); the P-256 signature over
 * sha256(authData ‖ sha256(clientDataJSON)) with the stored key, high S accepted
 * (WEBAUTHN_SIGNATURE); the sign counter greater than the stored one when either is non-zero
 * (WEBAUTHN_COUNTER). Returns the new counter for the caller to persist.
 * The signature is checked with node:crypto (OpenSSL: about 0.25 ms here, noble's P-256 verify
 * about 7 ms under the same load); OpenSSL does not apply a low-S rule, as WebAuthn needs.
 * Spec: https://www.w3.org/TR/webauthn-2/#sctn-verifying-assertion
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { VaultError } from './error.js';
import { webAuthnChallenge, type ChallengeLedger, type WebAuthnPurpose } from './webauthn-challenge.js';
import { checkAuthenticatorData, checkClientData, type StoredCredential } from './webauthn-credential.js';

/** What a relay hands the vault for scheme `webauthn`: the browser's assertion and the nonce it answered. */
export interface WebAuthnAssertion {
  scheme: 'webauthn';
  purpose: WebAuthnPurpose;
  app: string;
  /** The 16-byte nonce of the challenge the vault issued. */
  nonce: Uint8Array;
  /** `rawId` of the credential. */
  credentialId: Uint8Array;
  authenticatorData: Uint8Array;
  clientDataJSON: Uint8Array;
  /** ASN.1 DER ECDSA signature, as WebAuthn returns it for ES256. */
  signature: Uint8Array;
}

export interface WebAuthnCheck {
  purpose: WebAuthnPurpose;
  app: string;
  /** The request's app identity (`sign`), empty when none. */
  identity: string;
  digest: Uint8Array;
  session: string;
  credentials: readonly StoredCredential[];
  challenges: ChallengeLedger;
  now: number;
}

/** KeyObjects of the few registered credentials (at most MAX_WEBAUTHN_CREDENTIALS per keystore), by public key hex. */
const keyObjects = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 16;

function keyObject(publicKeyHex: string): KeyObject {
  let k = keyObjects.get(publicKeyHex);
  if (!k) {
    const raw = Buffer.from(publicKeyHex, 'hex');
    k = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') },
      format: 'jwk',
    });
    if (keyObjects.size >= MAX_CACHED_KEYS) keyObjects.clear();
    keyObjects.set(publicKeyHex, k);
  }
  return k;
}

/** Verifies `a` for the request described by `c`; returns the credential and its new counter. */
export function verifyWebAuthnAssertion(a: WebAuthnAssertion, c: WebAuthnCheck): { credential: StoredCredential; signCount: number } {
  const id = Buffer.from(a.credentialId).toString('base64url');
  const credential = c.credentials.find((k) => k.id === id);
  if (!credential)
    throw new VaultError('WEBAUTHN_UNKNOWN_CREDENTIAL', 'the assertion comes from a credential this vault has not registered');
  if (a.purpose !== c.purpose) throw new VaultError('ASSERTION_MISMATCH', `the assertion approves '${a.purpose}', not '${c.purpose}'`);
  if (a.app !== c.app) throw new VaultError('ASSERTION_MISMATCH', `the assertion was approved for app '${a.app}', not '${c.app}'`);
  c.challenges.spend(a.nonce, c.now);
  const challenge = webAuthnChallenge({
    purpose: c.purpose,
    app: c.app,
    identity: c.identity,
    session: c.session,
    digest: c.digest,
    nonce: a.nonce,
  });
  checkClientData(a.clientDataJSON, 'webauthn.get', challenge, credential.origin);
  const { signCount } = checkAuthenticatorData(a.authenticatorData, credential.rpId);
  // ECDSA-SHA256 over authData ‖ sha256(clientDataJSON): OpenSSL hashes the message itself
  const message = Buffer.concat([a.authenticatorData, createHash('sha256').update(a.clientDataJSON).digest()]);
  let valid = false;
  try {
    valid = verify('sha256', message, keyObject(credential.publicKey), a.signature);
  } catch {
    valid = false;
  }
  if (!valid)
    throw new VaultError(
      'WEBAUTHN_SIGNATURE',
      "the assertion's signature does not verify with the registered credential over this authenticator data and client data",
    );
  if ((signCount !== 0 || credential.signCount !== 0) && signCount <= credential.signCount)
    throw new VaultError(
      'WEBAUTHN_COUNTER',
      `the authenticator's sign counter ${signCount} did not increase past ${credential.signCount}: a cloned authenticator or a replayed assertion`,
    );
  return { credential, signCount };
}
