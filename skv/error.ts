/**
 * The one error class of the Secure Key Vault. Every failure has a stable `code` (for programs) and
 * a message that says what was wrong and how to fix it (for people). Messages never contain
 * secrets: no passphrases, private keys, derived keys or verifier secrets.
 *
 * Errors cross the worker boundary as `{ code, message, retryAfterMs? }` inside a dMemo error
 * response and are rebuilt as `VaultError` on the main thread.
 */
import { CodedError } from '../lib/coded-error.js';
import { IsaErrorCode } from '../abi/boundary-errors.js';

/** Stable error codes. Add new ones at the end; never rename. */
export const VAULT_ERROR_CODES = [
  'MALFORMED_MESSAGE', // a dMemo message that does not decode or does not match its type
  'UNSUPPORTED_VERSION', // a dMemo message with a protocol version this vault does not speak
  'UNKNOWN_OPERATION', // a dMemo message with an `op` this vault does not know
  'MESSAGE_TOO_LARGE',
  'LOCKED', // the operation needs an unlocked vault
  'WRONG_PASSPHRASE',
  'BACKOFF', // too many wrong passphrases: wait `retryAfterMs`
  'NO_KEYSTORE',
  'KEYSTORE_EXISTS',
  'KEYSTORE_CORRUPT', // the file does not parse or its checksum does not match
  'KEYSTORE_TAMPERED', // the passphrase is right but the authenticated contents do not verify
  'KEYSTORE_CHANGED', // another process rewrote the keystore since this vault unlocked it
  'UNSUPPORTED_KEYSTORE_VERSION',
  'INVALID_KEY',
  'UNKNOWN_KEY',
  'DUPLICATE_KEY',
  'ASSERTION_REQUIRED',
  'ASSERTION_INVALID', // bad MAC, wrong scheme, or minted under another unlock session
  'ASSERTION_EXPIRED',
  'ASSERTION_REPLAYED',
  'ASSERTION_MISMATCH', // bound to another digest, app or purpose
  'NOT_APPROVED', // the verifier (the user) declined
  'SCOPE_DENIED', // the request is outside the app's signing grant
  'INVALID_TRANSACTION',
  'INVALID_ARGUMENT',
  'VAULT_CLOSED',
  'INTERNAL',
  'KDF_OUT_OF_RANGE', // the keystore asks for KDF parameters the vault does not accept (checked before any derivation)
  'VAULT_BUSY', // another process held the vault's lock longer than VAULT_LOCK_WAIT_MS
  'WEBAUTHN_REQUIRED', // a WebAuthn credential is registered: only an assertion from it approves
  'WEBAUTHN_UNKNOWN_CREDENTIAL', // the assertion names a credential this keystore does not hold
  'WEBAUTHN_CHALLENGE_UNKNOWN', // the challenge nonce was not issued in this unlock session, or it expired
  'WEBAUTHN_CLIENT_DATA', // client data JSON unreadable, or of the wrong type
  'WEBAUTHN_ORIGIN', // client data origin is not the credential's
  'WEBAUTHN_RP_ID', // authenticator data rp id hash is not sha256(the credential's rp id)
  'WEBAUTHN_FLAGS', // user presence (UP) or user verification (UV) not set
  'WEBAUTHN_COUNTER', // the sign counter did not increase: a cloned authenticator or a replay
  'WEBAUTHN_SIGNATURE', // the P-256 signature does not verify with the credential's key
  'WEBAUTHN_ATTESTATION', // a registration's attestation object does not parse or is not acceptable
  'WEBAUTHN_ALREADY_REGISTERED', // a credential is registered; another needs an assertion from it
] as const;
export type VaultErrorCode = (typeof VAULT_ERROR_CODES)[number];

/**
 * What an app hears (its ISA `error-code`) when the vault refuses something done on its behalf:
 * a refusal of the user or the grant is `capability-denied`, a vault that cannot serve now is
 * `unavailable`, a broken conversation between host and vault is the host's fault (`internal`).
 */
export const VAULT_ISA_CODES: Record<VaultErrorCode, IsaErrorCode> = {
  MALFORMED_MESSAGE: IsaErrorCode.INTERNAL,
  UNSUPPORTED_VERSION: IsaErrorCode.INTERNAL,
  UNKNOWN_OPERATION: IsaErrorCode.INTERNAL,
  MESSAGE_TOO_LARGE: IsaErrorCode.LIMIT_EXCEEDED,
  LOCKED: IsaErrorCode.UNAVAILABLE,
  WRONG_PASSPHRASE: IsaErrorCode.UNAVAILABLE,
  BACKOFF: IsaErrorCode.UNAVAILABLE,
  NO_KEYSTORE: IsaErrorCode.UNAVAILABLE,
  KEYSTORE_EXISTS: IsaErrorCode.INTERNAL,
  KEYSTORE_CORRUPT: IsaErrorCode.UNAVAILABLE,
  KEYSTORE_TAMPERED: IsaErrorCode.UNAVAILABLE,
  KEYSTORE_CHANGED: IsaErrorCode.UNAVAILABLE,
  UNSUPPORTED_KEYSTORE_VERSION: IsaErrorCode.UNAVAILABLE,
  INVALID_KEY: IsaErrorCode.INVALID_ARGUMENT,
  UNKNOWN_KEY: IsaErrorCode.NOT_FOUND,
  DUPLICATE_KEY: IsaErrorCode.INVALID_ARGUMENT,
  ASSERTION_REQUIRED: IsaErrorCode.CAPABILITY_DENIED,
  ASSERTION_INVALID: IsaErrorCode.CAPABILITY_DENIED,
  ASSERTION_EXPIRED: IsaErrorCode.CAPABILITY_DENIED,
  ASSERTION_REPLAYED: IsaErrorCode.CAPABILITY_DENIED,
  ASSERTION_MISMATCH: IsaErrorCode.CAPABILITY_DENIED,
  NOT_APPROVED: IsaErrorCode.CAPABILITY_DENIED,
  SCOPE_DENIED: IsaErrorCode.CAPABILITY_DENIED,
  INVALID_TRANSACTION: IsaErrorCode.INVALID_ARGUMENT,
  INVALID_ARGUMENT: IsaErrorCode.INVALID_ARGUMENT,
  VAULT_CLOSED: IsaErrorCode.UNAVAILABLE,
  INTERNAL: IsaErrorCode.INTERNAL,
  KDF_OUT_OF_RANGE: IsaErrorCode.UNAVAILABLE,
  VAULT_BUSY: IsaErrorCode.UNAVAILABLE,
  WEBAUTHN_REQUIRED: IsaErrorCode.CAPABILITY_DENIED,
  WEBAUTHN_UNKNOWN_CREDENTIAL: IsaErrorCode.CAPABILITY_DENIED,
  WEBAUTHN_CHALLENGE_UNKNOWN: IsaErrorCode.CAPABILITY_DENIED,
  WEBAUTHN_CLIENT_DATA: IsaErrorCode.CAPABILITY_DENIED,
  WEBAUTHN_ORIGIN: IsaErrorCode.CAPABILITY_DENIED,
  WEBAUTHN_RP_ID: IsaErrorCode.CAPABILITY_DENIED,
  WEBAUTHN_FLAGS: IsaErrorCode.CAPABILITY_DENIED,
  WEBAUTHN_COUNTER: IsaErrorCode.CAPABILITY_DENIED,
  WEBAUTHN_SIGNATURE: IsaErrorCode.CAPABILITY_DENIED,
  WEBAUTHN_ATTESTATION: IsaErrorCode.INVALID_ARGUMENT,
  WEBAUTHN_ALREADY_REGISTERED: IsaErrorCode.CAPABILITY_DENIED,
};

export class VaultError extends CodedError<VaultErrorCode> {
  override readonly name = 'VaultError';
  /** For `BACKOFF`: milliseconds until the next passphrase attempt is allowed. */
  readonly retryAfterMs?: number;

  constructor(code: VaultErrorCode, message: string, retryAfterMs?: number) {
    super(code, message);
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }

  static locked(what: string): VaultError {
    return new VaultError('LOCKED', `the vault is locked: unlock it with the passphrase before ${what}`);
  }

  static wrongPassphrase(): VaultError {
    return new VaultError(
      'WRONG_PASSPHRASE',
      'wrong passphrase: the keystore did not open with it; check the passphrase and try again (repeated failures are delayed)',
    );
  }

  static backoff(retryAfterMs: number): VaultError {
    const s = Math.ceil(retryAfterMs / 1000);
    return new VaultError(
      'BACKOFF',
      `after wrong passphrases, attempts are delayed: the next one is allowed in ${s} s; wait and try again`,
      retryAfterMs,
    );
  }
}

/** `VaultError` for anything thrown inside the vault that is not one already (no secrets leak). */
export function asVaultError(err: unknown): VaultError {
  if (err instanceof VaultError) return err;
  const code = (err as { code?: unknown })?.code;
  const msg = err instanceof Error ? err.message : String(err);
  return new VaultError('INTERNAL', `internal vault error${typeof code === 'string' ? ` (${code})` : ''}: ${msg}`);
}
