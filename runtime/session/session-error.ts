/**
 * The one error class of the single account model (login, logout, sessions, account creation).
 * Callers branch on `code`; messages say what was wrong and how to fix it.
 */
export type SessionErrorCode =
  /** Nobody is logged in: run `peeros login NAME`. */
  | 'NOT_LOGGED_IN'
  /** The account does not exist on the selected DMCS. */
  | 'UNKNOWN_ACCOUNT'
  /** None of the vault's keys satisfies the permission. */
  | 'NO_MATCHING_KEY'
  /** The signed challenge does not prove control of the account. */
  | 'PROOF_INVALID'
  /** The session file exists but is not a session this host wrote. */
  | 'SESSION_CORRUPT'
  /** A malformed argument (account name, key). */
  | 'BAD_ARGUMENT'
  /** The account's permissions could not be resolved (too deep, too many accounts). */
  | 'AUTHORITY_UNRESOLVED';

export class SessionError extends Error {
  override readonly name = 'SessionError';
  constructor(readonly code: SessionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isSessionError(err: unknown, code?: SessionErrorCode): err is SessionError {
  return err instanceof SessionError && (code === undefined || err.code === code);
}
