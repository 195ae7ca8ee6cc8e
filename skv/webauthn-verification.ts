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
 * Spec: https://www.w3.org/TR/webauthn-2/#sctn-verifying-assertion
 */
import { p256 } from '@noble/curves/nist.js';
import { createHash } from 'node:crypto';
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
  digest: Uint8Array;
  session: string;
  credentials: readonly StoredCredential[];
  challenges: ChallengeLedger;
  now: number;
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
  const challenge = webAuthnChallenge({ purpose: c.purpose, app: c.app, session: c.session, digest: c.digest, nonce: a.nonce });
  checkClientData(a.clientDataJSON, 'webauthn.get', challenge, credential.origin);
  const { signCount } = checkAuthenticatorData(a.authenticatorData, credential.rpId);
  const signed = createHash('sha256').update(a.authenticatorData).update(createHash('sha256').update(a.clientDataJSON).digest()).digest();
  let valid = false;
  try {
    valid = p256.verify(a.signature, signed, Buffer.from(credential.publicKey, 'hex'), { prehash: false, lowS: false, format: 'der' });
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
