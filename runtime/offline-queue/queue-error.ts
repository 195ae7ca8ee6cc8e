/**
 * The one error class of the offline queue, with stable codes:
 * `BAD_TRANSACTION` (a push body that is not a signed Antelope transaction), `NOT_FOUND`,
 * `AMBIGUOUS_ID`, `WRONG_STATUS`, `UNCERTAIN` (re-signing could execute the action twice), `LOCKED`
 * (another process holds the queue), `FULL`, `APP_FULL` (one app's share of the queue is used up),
 * `CLOSED`.
 */
import { CodedError } from '../../lib/coded-error.js';
import { IsaErrorCode } from '../../abi/boundary-errors.js';

export const QUEUE_ERROR_CODES = [
  'BAD_TRANSACTION',
  'NOT_FOUND',
  'AMBIGUOUS_ID',
  'WRONG_STATUS',
  'UNCERTAIN',
  'LOCKED',
  'FULL',
  'APP_FULL',
  'CLOSED',
] as const;
export type QueueErrorCode = (typeof QUEUE_ERROR_CODES)[number];

/**
 * What an app hears when its push could not be queued: the queue is the fallback for an
 * unreachable chain, so any failure of it is `unavailable`, but for the app's own share used up
 * (`limit-exceeded`).
 */
export const QUEUE_ISA_CODES: Record<QueueErrorCode, IsaErrorCode> = {
  BAD_TRANSACTION: IsaErrorCode.UNAVAILABLE,
  NOT_FOUND: IsaErrorCode.UNAVAILABLE,
  AMBIGUOUS_ID: IsaErrorCode.UNAVAILABLE,
  WRONG_STATUS: IsaErrorCode.UNAVAILABLE,
  UNCERTAIN: IsaErrorCode.UNAVAILABLE,
  LOCKED: IsaErrorCode.UNAVAILABLE,
  FULL: IsaErrorCode.UNAVAILABLE,
  // the app's own share: it is the one asking too much, not the host being down
  APP_FULL: IsaErrorCode.LIMIT_EXCEEDED,
  CLOSED: IsaErrorCode.UNAVAILABLE,
};

export class QueueError extends CodedError<QueueErrorCode> {
  override readonly name = 'QueueError';
}
