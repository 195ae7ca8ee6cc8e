/**
 * One queued signed transaction and its life:
 *
 *     pending ──push acknowledged──▶ sent ──its block is on the node──▶ done
 *        │  └──node says tx_duplicate (already executed)───────────────▶ done
 *        │  └──node refuses it (any other Antelope error), or it can
 *        │     never be sent (larger than any DMCS request)──────────────▶ failed
 *        └──expiration passed / expired_tx_exception──▶ expired ──resign──▶ (new pending entry)
 *
 *     expired or failed ──the user drops it (`peeros queue drop`)──▶ dropped
 *
 * `sent` and `done` are only ever written after the node answered; an unanswered push leaves the
 * entry `pending` with `uncertain: true` (the node may have executed it). A `sent` entry whose block
 * the node's head has not reached a minute past its expiration becomes `expired`, `uncertain`.
 * A `dropped` entry is one the user discarded: finished, so it no longer counts toward its app's
 * share, and kept in the history like the others (with `uncertain` as it was) until compaction.
 */
import type { PushTransactionBody } from '../dispatch/dmcs-backend.js';

export type QueueStatus = 'pending' | 'sent' | 'done' | 'expired' | 'failed' | 'dropped';

export const QUEUE_STATUSES: readonly QueueStatus[] = ['pending', 'sent', 'done', 'expired', 'failed', 'dropped'];

export interface QueueEntryError {
  code: string;
  message: string;
  antelopeName?: string;
}

export interface QueueEntry {
  /** Transaction id (sha256 of the packed transaction), 64 hex digits; the entry's key. */
  id: string;
  /** The app that asked for the transaction. */
  app: string;
  /** Registry name of the DMCS to push to; null means the default at flush time. */
  dmcs: string | null;
  /**
   * The signed push body, exactly as it will be sent; once the entry is finished, its signatures
   * only (`finishedForm`): it is never sent again.
   */
  body: PushTransactionBody;
  /** When the chain stops accepting this transaction (ISO). */
  expiration: string;
  createdAt: string;
  updatedAt: string;
  /** Pushes started (including ones that got no answer). */
  attempts: number;
  status: QueueStatus;
  /** A push may have reached the node without an answer: it might have executed. */
  uncertain: boolean;
  /** Block the node said the transaction went into (`processed.block_num`). */
  ackBlockNum?: number;
  /** When the node acknowledged the push. */
  ackAt?: string;
  /** Why the entry is done without an acknowledgement of ours, e.g. `tx_duplicate`. */
  note?: string;
  /** The last error: the chain's refusal for `failed`, the network failure while `pending`. */
  error?: QueueEntryError;
  /** Id of the expired entry this one re-signs. */
  replaces?: string;
  /** Id of the entry that re-signed this one. */
  replacedBy?: string;
  /** What the entry was when the user dropped it (`status: 'dropped'`). */
  droppedFrom?: 'expired' | 'failed';
}

/** A new entry waiting to be sent: the signed transaction `tx`, queued `at` for `of.app`. */
export function pendingEntry(
  tx: { id: string; body: PushTransactionBody; expiration: string },
  at: string,
  of: { app: string; dmcs: string | null; uncertain: boolean; replaces?: string },
): QueueEntry {
  const entry: QueueEntry = {
    id: tx.id,
    app: of.app,
    dmcs: of.dmcs,
    body: tx.body,
    expiration: tx.expiration,
    createdAt: at,
    updatedAt: at,
    attempts: 0,
    status: 'pending',
    uncertain: of.uncertain,
  };
  if (of.replaces !== undefined) entry.replaces = of.replaces;
  return entry;
}

/** A finished entry: nothing more will happen to it. */
export function isFinished(e: QueueEntry): boolean {
  return e.status === 'done' || e.status === 'failed' || e.status === 'dropped' || (e.status === 'expired' && e.replacedBy !== undefined);
}

/**
 * The entry as kept once finished: its body without the transaction bytes, which nothing sends or
 * shows again (`queue list` shows the signature count). Up to KEEP_FINISHED_ENTRIES finished entries
 * stay, each body up to the push cap (4 MiB): an app whose DMCS refused what it had queued could
 * have them hold some 2 GB in memory and in the log.
 */
export function finishedForm(e: QueueEntry): QueueEntry {
  if (!isFinished(e) || (e.body.packed_trx === '' && !e.body.packed_context_free_data)) return e;
  return { ...e, body: { ...e.body, packed_trx: '', packed_context_free_data: '' } };
}
