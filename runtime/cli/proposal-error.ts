/**
 * The error of approving a multisig proposal that is not what the approver pinned: the proposal's
 * transaction on the chain now has another hash than `--proposal-hash` (its proposer cancelled it
 * and proposed other actions under the same name since the review). Refused before the vault is
 * asked to sign anything.
 */
import { CodedError } from '../../lib/coded-error.js';

export class ProposalError extends CodedError<'PROPOSAL_CHANGED'> {
  override name = 'ProposalError';
}
