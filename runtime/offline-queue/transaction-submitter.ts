/**
 * The hybrid IPC path for one signed transaction: push it to the app's DMCS now; if the DMCS
 * cannot be reached, put it in the offline queue (fsynced) and say "queued". A refusal by the
 * chain is not queued — it is the app's answer. A push that got no answer is queued `uncertain`,
 * so a later re-push either executes it or meets `tx_duplicate` (done), and it is never re-signed
 * without force after it expires.
 */
import type { DmcsBackend, PushTransactionBody, PushTransactionResult } from '../dispatch/dmcs-backend.js';
import { DmcsError } from '../dispatch/dmcs-error.js';
import type { OfflineQueue } from './offline-queue.js';
import type { QueueEntry } from './queue-entry.js';

export type SubmitResult =
  | { status: 'sent'; transactionId: string; ack: PushTransactionResult }
  | { status: 'queued'; transactionId: string; entry: QueueEntry; reason: string };

export interface SubmitterOptions {
  /** The backend for a DMCS name (null = default): the dispatcher's routing. */
  backendFor: (dmcs: string | null) => Promise<DmcsBackend> | DmcsBackend;
  queue: OfflineQueue;
  /** Told after something was queued, e.g. `QueueFlusher.kick` to start retrying. */
  onQueued?: (entry: QueueEntry) => void;
}

export class TransactionSubmitter {
  readonly #opts: SubmitterOptions;

  constructor(opts: SubmitterOptions) {
    this.#opts = opts;
  }

  /** Sends `body` for `app` to DMCS `dmcs` (null: the default), or queues it when unreachable. */
  async submit(body: PushTransactionBody, o: { app: string; dmcs?: string | null }): Promise<SubmitResult> {
    const dmcs = o.dmcs ?? null;
    let backend: DmcsBackend;
    try {
      backend = await this.#opts.backendFor(dmcs);
    } catch (err) {
      if (err instanceof DmcsError && err.code === 'UNREACHABLE') return this.#queue(body, o.app, dmcs, err, false);
      throw err;
    }
    try {
      const ack = await backend.pushTransaction(body);
      return { status: 'sent', transactionId: ack.transaction_id, ack };
    } catch (err) {
      if (err instanceof DmcsError && (err.code === 'UNREACHABLE' || err.code === 'BAD_REPLY')) {
        return this.#queue(body, o.app, dmcs, err, !err.notDelivered);
      }
      throw err;
    }
  }

  async #queue(body: PushTransactionBody, app: string, dmcs: string | null, err: DmcsError, uncertain: boolean): Promise<SubmitResult> {
    const entry = await this.#opts.queue.enqueue(body, { app, dmcs, uncertain });
    this.#opts.onQueued?.(entry);
    return { status: 'queued', transactionId: entry.id, entry, reason: err.message };
  }
}
