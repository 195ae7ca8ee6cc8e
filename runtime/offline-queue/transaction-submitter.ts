/**
 * The one push-or-queue policy (hybrid IPC) for a signed transaction, used by the transaction
 * service for every app push: push it to the app's DMCS now; if the DMCS cannot be reached or sends
 * a reply this host cannot trust, put it in the offline queue (fsynced) and say "queued". A refusal
 * by the chain is not queued — it is thrown: it is the app's answer. Which failure is which is
 * decided in one place, `pushFailureOf` (runtime/dispatch/push-failure.ts), which the queue's flush
 * uses too. A push that may have reached the DMCS is queued `uncertain`, so a later re-push either
 * executes it or meets `tx_duplicate` (done), and it is never re-signed without force after it
 * expires.
 */
import type { DmcsBackend, PushTransactionBody, PushTransactionResult } from '../dispatch/dmcs-backend.js';
import { pushFailureOf, pushMayHaveRun } from '../dispatch/push-failure.js';
import type { OfflineQueue } from './offline-queue.js';
import type { QueueEntry } from './queue-entry.js';

/**
 * `queued` carries the queue's entry: a new `pending` one, or the entry this same transaction
 * (same id) already had — possibly `sent`, `done`, `failed` or `expired` by now.
 */
export type SubmitResult =
  | { status: 'sent'; transactionId: string; ack: PushTransactionResult }
  | { status: 'queued'; transactionId: string; entry: QueueEntry; reason: string };

export interface SubmitterOptions {
  queue: OfflineQueue;
  /** Told after a transaction was queued pending, e.g. `QueueFlusher.kick` to start retrying. */
  onQueued?: (entry: QueueEntry) => void;
}

export class TransactionSubmitter {
  readonly #opts: SubmitterOptions;

  constructor(opts: SubmitterOptions) {
    this.#opts = opts;
  }

  /**
   * Sends `body` for `app` through `backend`, the one the dispatcher routed it to, or queues it for
   * DMCS `dmcs` (its registry name; null: the default), where the flush will send it.
   */
  async submit(body: PushTransactionBody, o: { app: string; dmcs: string | null; backend: DmcsBackend }): Promise<SubmitResult> {
    try {
      const ack = await o.backend.pushTransaction(body);
      return { status: 'sent', transactionId: ack.transaction_id, ack };
    } catch (err) {
      if (pushFailureOf(err) !== 'retry') throw err;
      const entry = await this.#opts.queue.enqueue(body, { app: o.app, dmcs: o.dmcs, uncertain: pushMayHaveRun(err) });
      if (entry.status === 'pending') this.#opts.onQueued?.(entry);
      return { status: 'queued', transactionId: entry.id, entry, reason: (err as Error).message };
    }
  }
}
