/**
 * The one error class of the transaction service. `isaCode` is what the app hears through the ISA
 * (an `error-code` of peeros:isa/types); the message is for the person reading logs or the CLI.
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';

export type TransactionServiceErrorCode =
  /** Nobody is logged in. */
  | 'NOT_LOGGED_IN'
  /** The push is outside the app's granted scope (contract, action or amount). */
  | 'CAPABILITY_DENIED'
  /** The actions are malformed, or do not encode with the contract's ABI. */
  | 'BAD_ACTIONS'
  /** The vault holds no key that satisfies the session account's permission. */
  | 'NO_MATCHING_KEY'
  /** The user (or the verifier policy) did not approve, or the vault refused to sign. */
  | 'NOT_APPROVED'
  /** The DMCS refused the transaction (its Antelope exception name is in the message). */
  | 'REJECTED'
  /** The DMCS cannot be reached and nothing is cached to build the transaction with. */
  | 'UNAVAILABLE';

const ISA: Record<TransactionServiceErrorCode, IsaErrorCode> = {
  NOT_LOGGED_IN: IsaErrorCode.NO_SESSION,
  CAPABILITY_DENIED: IsaErrorCode.CAPABILITY_DENIED,
  BAD_ACTIONS: IsaErrorCode.INVALID_ARGUMENT,
  NO_MATCHING_KEY: IsaErrorCode.CAPABILITY_DENIED,
  NOT_APPROVED: IsaErrorCode.CAPABILITY_DENIED,
  REJECTED: IsaErrorCode.INVALID_ARGUMENT,
  UNAVAILABLE: IsaErrorCode.UNAVAILABLE,
};

export class TransactionServiceError extends Error {
  override readonly name = 'TransactionServiceError';
  constructor(readonly code: TransactionServiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** The ISA error code the app receives. */
  get isaCode(): IsaErrorCode {
    return ISA[this.code];
  }
}
