/**
 * The one error class of the transaction service. `isaCode` is what the app hears through the ISA
 * (an `error-code` of peeros:isa/types); the message is for the person reading logs or the CLI.
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { CodedError } from '../../lib/coded-error.js';
import type { VaultErrorCode } from '../../skv/index.js';

export const TRANSACTION_SERVICE_ERROR_CODES = [
  /** Nobody is logged in. */
  'NOT_LOGGED_IN',
  /** The push is outside the app's granted scope (contract, action or amount). */
  'CAPABILITY_DENIED',
  /** The actions are malformed, or do not encode with the contract's ABI. */
  'BAD_ACTIONS',
  /** The vault holds no key that satisfies the session account's permission. */
  'NO_MATCHING_KEY',
  /** The user (or the verifier policy) did not approve, or the vault refused to sign. */
  'NOT_APPROVED',
  /** The DMCS refused the transaction (its Antelope exception name is in the message). */
  'REJECTED',
  /** The DMCS cannot be reached and nothing is cached to build the transaction with. */
  'UNAVAILABLE',
] as const;
export type TransactionServiceErrorCode = (typeof TRANSACTION_SERVICE_ERROR_CODES)[number];

/** What the app hears for each refusal of its push. */
export const TRANSACTION_SERVICE_ISA_CODES: Record<TransactionServiceErrorCode, IsaErrorCode> = {
  NOT_LOGGED_IN: IsaErrorCode.NO_SESSION,
  CAPABILITY_DENIED: IsaErrorCode.CAPABILITY_DENIED,
  BAD_ACTIONS: IsaErrorCode.INVALID_ARGUMENT,
  NO_MATCHING_KEY: IsaErrorCode.CAPABILITY_DENIED,
  NOT_APPROVED: IsaErrorCode.CAPABILITY_DENIED,
  REJECTED: IsaErrorCode.INVALID_ARGUMENT,
  UNAVAILABLE: IsaErrorCode.UNAVAILABLE,
};

/** How a vault refusal to sign a push is reported: outside the grant is a denied capability, anything else a signature not given. */
export const VAULT_SIGN_REFUSALS: Record<VaultErrorCode, TransactionServiceErrorCode> = {
  MALFORMED_MESSAGE: 'NOT_APPROVED',
  UNSUPPORTED_VERSION: 'NOT_APPROVED',
  UNKNOWN_OPERATION: 'NOT_APPROVED',
  MESSAGE_TOO_LARGE: 'NOT_APPROVED',
  LOCKED: 'NOT_APPROVED',
  WRONG_PASSPHRASE: 'NOT_APPROVED',
  BACKOFF: 'NOT_APPROVED',
  NO_KEYSTORE: 'NOT_APPROVED',
  KEYSTORE_EXISTS: 'NOT_APPROVED',
  KEYSTORE_CORRUPT: 'NOT_APPROVED',
  KEYSTORE_TAMPERED: 'NOT_APPROVED',
  KEYSTORE_CHANGED: 'NOT_APPROVED',
  UNSUPPORTED_KEYSTORE_VERSION: 'NOT_APPROVED',
  INVALID_KEY: 'NOT_APPROVED',
  UNKNOWN_KEY: 'NOT_APPROVED',
  DUPLICATE_KEY: 'NOT_APPROVED',
  ASSERTION_REQUIRED: 'NOT_APPROVED',
  ASSERTION_INVALID: 'NOT_APPROVED',
  ASSERTION_EXPIRED: 'NOT_APPROVED',
  ASSERTION_REPLAYED: 'NOT_APPROVED',
  ASSERTION_MISMATCH: 'NOT_APPROVED',
  NOT_APPROVED: 'NOT_APPROVED',
  SCOPE_DENIED: 'CAPABILITY_DENIED',
  INVALID_TRANSACTION: 'NOT_APPROVED',
  INVALID_ARGUMENT: 'NOT_APPROVED',
  VAULT_CLOSED: 'NOT_APPROVED',
  INTERNAL: 'NOT_APPROVED',
  KDF_OUT_OF_RANGE: 'NOT_APPROVED',
  VAULT_BUSY: 'NOT_APPROVED',
  WEBAUTHN_REQUIRED: 'NOT_APPROVED',
  WEBAUTHN_UNKNOWN_CREDENTIAL: 'NOT_APPROVED',
  WEBAUTHN_CHALLENGE_UNKNOWN: 'NOT_APPROVED',
  WEBAUTHN_CLIENT_DATA: 'NOT_APPROVED',
  WEBAUTHN_ORIGIN: 'NOT_APPROVED',
  WEBAUTHN_RP_ID: 'NOT_APPROVED',
  WEBAUTHN_FLAGS: 'NOT_APPROVED',
  WEBAUTHN_COUNTER: 'NOT_APPROVED',
  WEBAUTHN_SIGNATURE: 'NOT_APPROVED',
  WEBAUTHN_ATTESTATION: 'NOT_APPROVED',
  WEBAUTHN_ALREADY_REGISTERED: 'NOT_APPROVED',
};

export class TransactionServiceError extends CodedError<TransactionServiceErrorCode> {
  override readonly name = 'TransactionServiceError';

  /** The ISA error code the app receives. */
  get isaCode(): IsaErrorCode {
    return TRANSACTION_SERVICE_ISA_CODES[this.code];
  }
}
