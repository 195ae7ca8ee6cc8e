/**
 * Named limits of the transaction service, each with its reason.
 */

/** Expiration of a freshly built transaction: 10 minutes. Long enough to wait in the offline queue
 * through a short outage; Leap refuses more than 3600 s. Longer outages re-sign (`peeros queue resign`). */
export const DEFAULT_EXPIRATION_S = 600;

/** Actions in one push: an app that needs more is batching something it should split. */
export const MAX_ACTIONS_PER_PUSH = 16;

/** A contract ABI fetched from the DMCS is reused this long before it is fetched again (setabi is rare;
 * a stale ABI can only make encoding fail, never make the user see something else than what is signed,
 * because the confirmation decodes the bytes being signed with the same ABI). */
export const ABI_REUSE_MS = 30_000;

/** Longest line of decoded action data shown in a confirmation; longer values are cut and marked. */
export const MAX_CONFIRMATION_VALUE_CHARS = 200;

/** Session grants: at most this many approvals per period (a typo of 1e9 is refused). */
export const MAX_GRANT_COUNT = 100_000;

/** Session grants: the period is between one minute and 30 days. */
export const MIN_GRANT_PERIOD_MS = 60_000;
export const MAX_GRANT_PERIOD_MS = 30 * 24 * 3600_000;
/** Default period of a session grant. */
export const DEFAULT_GRANT_PERIOD_MS = 24 * 3600_000;

/** The block a transaction references (TaPoS) is reused this long, as ABIs are: any of the last
 * 65,536 blocks (9 hours at two blocks a second) is a valid reference, and one some seconds old is
 * more likely irreversible than the head, so a fork cannot void it. Asked again after each block
 * (500 ms, before), it cost each host a get_info per block on its push path. A chain that no longer
 * has the block (a dev chain started again) refuses the push, and a refusal drops it. */
export const HEAD_REUSE_MS = 30_000;

/** Chains and routes whose reads are kept: a host serves a handful; more only makes the oldest be
 * read again. */
export const REUSED_READS_MAX = 64;

/** An app's route to its DMCS (the registry file) is re-read at most this often. */
export const ROUTE_REUSE_MS = 1000;

/** Transaction ids this service remembers to avoid building the same transaction twice (two equal
 * pushes within a second would otherwise be one Antelope transaction, refused as tx_duplicate). */
export const RECENT_IDS = 4096;
/**
 * Vault grants waiting to be revoked (one per app removed while the vault was locked). Past this the
 * oldest entries are dropped: harmless, since each grant is bound to its removed app's identity.
 */
export const MAX_PENDING_REVOCATIONS = 1024;

/** Longest wait for another process's hold of the session grants lock (one small JSON read-write). */
export const SESSION_GRANTS_LOCK_WAIT_MS = 10_000;

/**
 * Approvals written together in one session-grants write (group commit): 64 covers every app of a
 * busy host pushing at once, and bounds how long one batch holds the file lock that other peeros
 * processes wait on (one JSON read-modify-write whatever the batch size).
 */
export const SESSION_GRANTS_MAX_BATCH = 64;

/**
 * The session grant uses log (session-grant-uses.ts) is folded into session-grants.json once an
 * append takes it past this many bytes: 64 KiB is a few hundred approvals between two folds, and
 * every approval reads the whole log under the lock, so it stays small.
 */
export const SESSION_GRANT_USES_MAX_BYTES = 64 * 1024;

/**
 * Sealed fields one table read opens in the vault (`"open": FIELD`, runtime/host-bridge/chain-reads.ts):
 * the stock apps ask for at most 200 rows. The rows come from the DMCS, so without a bound one read
 * of 16 MiB had the vault run an ECDH per row (tens of thousands), all at once, ahead of every other
 * app's signing; the opens are made one at a time, and rows past this carry `FIELD_error` instead.
 */
export const MAX_SEALED_OPENS_PER_READ = 200;
