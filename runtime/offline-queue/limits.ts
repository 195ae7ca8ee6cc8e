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

/** Most unfinished entries of one app (a tenth of the queue): an app that queues without end (a
 * session grant lets it sign unattended) fills its own share and hears `APP_FULL`, while every other
 * app's pushes are still kept; before, one app took all `MAX_LIVE_ENTRIES` and the others' were lost. */
export const MAX_APP_LIVE_ENTRIES = 1_000;

/** Most bytes of push bodies one app keeps unfinished (32 MiB): room for eight of the largest
 * requests a DMCS takes (`MAX_REQUEST_BYTES`) or a hundred thousand transfers; the queue holds every
 * body in memory and in its log, so an app's share of both is bounded, not 10,000 × 4 MiB. */
export const MAX_APP_LIVE_BYTES = 32 * 1024 * 1024;

/** Most bytes of push bodies unfinished in the whole queue (256 MiB): what the host holds in
 * memory and rewrites at compaction, whatever many apps queue. */
export const MAX_LIVE_BYTES = 256 * 1024 * 1024;

/** Finished entries (done, failed, replaced) kept for `queue list` after compaction: enough history
 * to answer "did my transfer go through?", small enough to keep the log short. */
export const KEEP_FINISHED_ENTRIES = 500;

/** Compact when the log holds this many records more than live entries: every status change is a
 * record, so a log rewrite every few hundred changes keeps open time and disk use small. */
export const COMPACT_SLACK_RECORDS = 256;

/** How long past its expiration an acknowledged transaction waits for the node's head to reach the
 * block the node named: a node that names a block it never reaches (hostile, or stalled) would
 * otherwise keep the entry `sent` forever, and the flusher asking every `CONFIRM_POLL_MS`. A minute
 * covers a node catching up after a short stall; no new block takes a transaction once expired. */
export const ACK_BLOCK_GRACE_MS = 60_000;

/** First retry delay after the DMCS was unreachable; doubles per failure up to the maximum. */
export const BACKOFF_BASE_MS = 500;

/** Longest wait between reconnect attempts: a minute keeps a returning DMCS found quickly without
 * hammering one that is down for hours. */
export const BACKOFF_MAX_MS = 60_000;

/** How often the flusher asks whether acknowledged transactions are in a block yet (one Antelope
 * block interval). */
export const CONFIRM_POLL_MS = 500;

/** Entries `dropExpired` marks dropped per synced write: dropping an app's 1,000 expired entries
 * costs 2 fsyncs, not 1,000 (about 12 s on a slow disk), and one write stays a few hundred KB
 * (a dropped entry's record keeps no transaction bytes, `finishedForm`). */
export const DROP_BATCH_ENTRIES = 500;
