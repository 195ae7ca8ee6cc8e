/**
 * What a failed `push_transaction` means for the signed transaction: the one rule shared by the
 * first push (`TransactionSubmitter`, behind an app's `dmcs.push`) and the offline queue's flush.
 *
 * - `refused`: the chain answered with Antelope's error JSON (`REJECTED`). Final: the caller hears
 *   why; the transaction is never queued.
 * - `retry`: the DMCS did not answer (`UNREACHABLE`) or answered something this host cannot trust
 *   (`BAD_REPLY`: not JSON, wrong shape, a 4xx from something that is not a node). It may or may
 *   not have run, so the signed transaction is kept and pushed again later: it either executes or
 *   meets `tx_duplicate`, never runs twice. Dropping it would lose a transaction that did not run.
 * - `unsendable`: this host refused to send it (`BAD_ARGUMENT`, e.g. larger than any node accepts).
 *   Final: it will never go.
 * - `other`: not a statement about this transaction (`CHAIN_MISMATCH`, the registry, a bug).
 */
import { DmcsError } from './dmcs-error.js';

export type PushFailure = 'refused' | 'retry' | 'unsendable' | 'other';

export function pushFailureOf(err: unknown): PushFailure {
  if (!(err instanceof DmcsError)) return 'other';
  switch (err.code) {
    case 'REJECTED':
      return 'refused';
    case 'UNREACHABLE':
    case 'BAD_REPLY':
      return 'retry';
    case 'BAD_ARGUMENT':
      return 'unsendable';
    default:
      return 'other';
  }
}

/**
 * False only when the failed push certainly never reached the DMCS (connection refused, name not
 * resolved, or stopped here because the chain id did not match); otherwise it may have executed,
 * and its queue entry is `uncertain` (never re-signed after expiry without force).
 */
export function pushMayHaveRun(err: unknown): boolean {
  return !(err instanceof DmcsError && (err.notDelivered || err.code === 'CHAIN_MISMATCH'));
}
