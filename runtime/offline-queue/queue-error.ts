/**
 * The one error class of the offline queue, with stable codes:
 * `BAD_TRANSACTION` (a push body that is not a signed Antelope transaction), `NOT_FOUND`,
 * `AMBIGUOUS_ID`, `WRONG_STATUS`, `UNCERTAIN` (re-signing could execute the action twice), `LOCKED`
 * (another process holds the queue), `FULL`, `CLOSED`.
 */
export type QueueErrorCode =
  | 'BAD_TRANSACTION'
  | 'NOT_FOUND'
  | 'AMBIGUOUS_ID'
  | 'WRONG_STATUS'
  | 'UNCERTAIN'
  | 'LOCKED'
  | 'FULL'
  | 'CLOSED';

export class QueueError extends Error {
  override readonly name = 'QueueError';
  readonly code: QueueErrorCode;

  constructor(code: QueueErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
