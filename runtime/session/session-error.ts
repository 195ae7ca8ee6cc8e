/**
 * The one error class of the single account model (login, logout, sessions, account creation).
 * Callers branch on `code`; messages say what was wrong and how to fix it.
 */
import { CodedError } from '../../lib/coded-error.js';
import { IsaErrorCode } from '../../abi/boundary-errors.js';

export const SESSION_ERROR_CODES = [
  /** Nobody is logged in: run `peeros login NAME`. */
  'NOT_LOGGED_IN',
  /** The account does not exist on the selected DMCS. */
  'UNKNOWN_ACCOUNT',
  /** None of the vault's keys satisfies the permission. */
  'NO_MATCHING_KEY',
  /** The signed challenge does not prove control of the account. */
  'PROOF_INVALID',
  /** The session file exists but is not a session this host wrote. */
  'SESSION_CORRUPT',
  /** A malformed argument (account name, key). */
  'BAD_ARGUMENT',
  /** The account's permissions could not be resolved (too deep, too many accounts). */
  'AUTHORITY_UNRESOLVED',
] as const;
export type SessionErrorCode = (typeof SESSION_ERROR_CODES)[number];

/** What an app hears when a session step fails on its behalf: no login is `no-session`, the rest a bad request. */
export const SESSION_ISA_CODES: Record<SessionErrorCode, IsaErrorCode> = {
  NOT_LOGGED_IN: IsaErrorCode.NO_SESSION,
  UNKNOWN_ACCOUNT: IsaErrorCode.INVALID_ARGUMENT,
  NO_MATCHING_KEY: IsaErrorCode.INVALID_ARGUMENT,
  PROOF_INVALID: IsaErrorCode.INVALID_ARGUMENT,
  SESSION_CORRUPT: IsaErrorCode.INVALID_ARGUMENT,
  BAD_ARGUMENT: IsaErrorCode.INVALID_ARGUMENT,
  AUTHORITY_UNRESOLVED: IsaErrorCode.INVALID_ARGUMENT,
};

export class SessionError extends CodedError<SessionErrorCode> {
  override readonly name = 'SessionError';
}

export function isSessionError(err: unknown, code?: SessionErrorCode): err is SessionError {
  return err instanceof SessionError && (code === undefined || err.code === code);
}
