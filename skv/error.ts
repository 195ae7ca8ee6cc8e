/**
 * The one error class of the Secure Key Vault. Every failure has a stable `code` (for programs) and
 * a message that says what was wrong and how to fix it (for people). Messages never contain
 * secrets: no passphrases, private keys, derived keys or verifier secrets.
 *
 * Errors cross the worker boundary as `{ code, message, retryAfterMs? }` inside a dMemo error
 * response and are rebuilt as `VaultError` on the main thread.
 */

/** Stable error codes. Add new ones at the end; never rename. */
export type VaultErrorCode =
  | 'MALFORMED_MESSAGE' // a dMemo message that does not decode or does not match its type
  | 'UNSUPPORTED_VERSION' // a dMemo message with a protocol version this vault does not speak
  | 'UNKNOWN_OPERATION' // a dMemo message with an `op` this vault does not know
  | 'MESSAGE_TOO_LARGE'
  | 'LOCKED' // the operation needs an unlocked vault
  | 'WRONG_PASSPHRASE'
  | 'BACKOFF' // too many wrong passphrases: wait `retryAfterMs`
  | 'NO_KEYSTORE'
  | 'KEYSTORE_EXISTS'
  | 'KEYSTORE_CORRUPT' // the file does not parse or its checksum does not match
  | 'KEYSTORE_TAMPERED' // the passphrase is right but the authenticated contents do not verify
  | 'KEYSTORE_CHANGED' // another process rewrote the keystore since this vault unlocked it
  | 'UNSUPPORTED_KEYSTORE_VERSION'
  | 'INVALID_KEY'
  | 'UNKNOWN_KEY'
  | 'DUPLICATE_KEY'
  | 'ASSERTION_REQUIRED'
  | 'ASSERTION_INVALID' // bad MAC, wrong scheme, or minted under another unlock session
  | 'ASSERTION_EXPIRED'
  | 'ASSERTION_REPLAYED'
  | 'ASSERTION_MISMATCH' // bound to another digest, app or purpose
  | 'NOT_APPROVED' // the verifier (the user) declined
  | 'SCOPE_DENIED' // the request is outside the app's signing grant
  | 'INVALID_TRANSACTION'
  | 'INVALID_ARGUMENT'
  | 'VAULT_CLOSED'
  | 'INTERNAL'
  | 'KDF_OUT_OF_RANGE' // the keystore asks for KDF parameters the vault does not accept (checked before any derivation)
  | 'VAULT_BUSY'; // another process held the vault's lock longer than VAULT_LOCK_WAIT_MS

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;
  /** For `BACKOFF`: milliseconds until the next passphrase attempt is allowed. */
  readonly retryAfterMs?: number;

  constructor(code: VaultErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.code = code;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }

  static locked(what: string): VaultError {
    return new VaultError('LOCKED', `the vault is locked: unlock it with the passphrase before ${what}`);
  }

  static wrongPassphrase(): VaultError {
    return new VaultError('WRONG_PASSPHRASE', 'wrong passphrase: the keystore did not open with it; check the passphrase and try again (repeated failures are delayed)');
  }

  static backoff(retryAfterMs: number): VaultError {
    const s = Math.ceil(retryAfterMs / 1000);
    return new VaultError('BACKOFF', `after wrong passphrases, attempts are delayed: the next one is allowed in ${s} s; wait and try again`, retryAfterMs);
  }
}

/** `VaultError` for anything thrown inside the vault that is not one already (no secrets leak). */
export function asVaultError(err: unknown): VaultError {
  if (err instanceof VaultError) return err;
  const code = (err as { code?: unknown })?.code;
  const msg = err instanceof Error ? err.message : String(err);
  return new VaultError('INTERNAL', `internal vault error${typeof code === 'string' ? ` (${code})` : ''}: ${msg}`);
}
