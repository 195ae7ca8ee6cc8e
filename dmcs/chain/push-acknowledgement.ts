/**
 * What an in-process push answers once its transaction is durable: the id, the block and the
 * receipt, not the trace. A push waits for the journal's group-committed sync after it executed,
 * and whatever it holds meanwhile is alive at every scavenge of the young generation in between:
 * the trace (its action traces, receipts and digests, about 1,000 B a transfer) would be copied
 * there, and then promoted, for a caller that does not read it (docs/performance.md, fifteenth
 * round). A caller that wants the trace pushes with `Chain.pushTransaction` and reads it at once.
 */
import type { TransactionReceipt } from '../block.js';
import type { PushResult } from './chain.js';

export interface PushAcknowledgement {
  /** The transaction's id, 64 hex digits. */
  readonly id: string;
  readonly blockNum: number;
  /** Block time, ms since the Unix epoch. */
  readonly blockTime: number;
  /** The receipt the pending block holds (the same object). */
  readonly receipt: TransactionReceipt;
}

/**
 * `r`'s acknowledgement, resolved once `r.accepted` resolves (at once without a journal); `r`
 * itself is not kept while the sync is awaited.
 */
export function acknowledgedWhenDurable(r: PushResult): Promise<PushAcknowledgement> {
  const ack: PushAcknowledgement = { id: r.trace.id, blockNum: r.blockNum, blockTime: r.blockTime, receipt: r.receipt };
  return r.accepted ? r.accepted.then(() => ack) : Promise.resolve(ack);
}
