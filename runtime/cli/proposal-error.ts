/**
 * The errors of approving a multisig proposal that is not what the approver pinned, refused before
 * the vault is asked to sign anything: PROPOSAL_CHANGED, the proposal's transaction on the chain
 * now has another hash than `--proposal-hash` (its proposer cancelled it and proposed other actions
 * under the same name since the review); PROPOSAL_NOT_PINNED, `--proposal-hash` was given but this
 * chain's eosio.msig ABI has no `proposal_hash` field to carry it.
 */
import { CodedError } from '../../lib/coded-error.js';

export class ProposalError extends CodedError<'PROPOSAL_CHANGED' | 'PROPOSAL_NOT_PINNED'> {
  override name = 'ProposalError';
}
