/**
 * Limits of the offline queue, each with the reason for its value.
 */

/** Largest record in the log (5 MiB): an entry holds a push body (at most the 4 MiB of a DMCS
 * request, `MAX_REQUEST_BYTES`) plus its bookkeeping; a length field above this is corruption. */
export const MAX_RECORD_BYTES = 5 * 1024 * 1024;

/** Largest inflated zlib transaction (1 MiB): twice Leap's default max_transaction_size; stops a
 * zip bomb in a queued body from exhausting memory when the host computes its id. */
export const MAX_INFLATED_TRX_BYTES = 1024 * 1024;

/** Most entries that are pending, sent or expired at once: a person offline for a day queues tens;
 * past this, enqueue refuses instead of growing the log without bound. */
export const MAX_LIVE_ENTRIES = 10_000;

/** Finished entries (done, failed, replaced) kept for `queue list` after compaction: enough history
 * to answer "did my transfer go through?", small enough to keep the log short. */
export const KEEP_FINISHED_ENTRIES = 500;

/** Compact when the log holds this many records more than live entries: every status change is a
 * record, so a log rewrite every few hundred changes keeps open time and disk use small. */
export const COMPACT_SLACK_RECORDS = 256;

/** First retry delay after the DMCS was unreachable; doubles per failure up to the maximum. */
export const BACKOFF_BASE_MS = 500;

/** Longest wait between reconnect attempts: a minute keeps a returning DMCS found quickly without
 * hammering one that is down for hours. */
export const BACKOFF_MAX_MS = 60_000;

/** How often the flusher asks whether acknowledged transactions are in a block yet (one Antelope
 * block interval). */
export const CONFIRM_POLL_MS = 500;
