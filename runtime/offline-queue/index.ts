/**
 * The durable offline queue of signed transactions and its background flusher. See docs/hybrid.md.
 */
export {
  OfflineQueue,
  QUEUE_DIR,
  QUEUE_LOG,
  QUEUE_LOCK,
  type OfflineQueueOptions,
  type EnqueueOptions,
  type BackendResolver,
  type FlushReport,
  type ResignCallback,
} from './offline-queue.js';
export { QueueFlusher, type QueueFlusherOptions } from './queue-flusher.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export { QueueError, type QueueErrorCode } from './queue-error.js';
export { inspectSignedTransaction, type SignedTransactionInfo } from './signed-transaction.js';
export { RecordLog, scanLog, encodeFrame, LOG_MAGIC, type LogScan } from './record-log.js';
export { isFinished, QUEUE_STATUSES, type QueueEntry, type QueueStatus, type QueueEntryError } from './queue-entry.js';
export * as queueLimits from './limits.js';
export { createResigner, RESIGN_EXPIRATION_S, type TransactionSigner, type ResignerOptions } from './transaction-resigner.js';
export { TransactionSubmitter, type SubmitResult, type SubmitterOptions } from './transaction-submitter.js';
