/**
 * An eosio.msig proposal as the chain holds it, for everything that shows an approval before it is
 * signed (`peeros msig approve`, the console's signing dialog): the proposal row read (one row,
 * scope = proposer, key = proposal name), its hash (sha256 of the stored transaction bytes: what an
 * approve's `proposal_hash` pins), the actions it would run (context-free ones, and after each
 * eosio.wrap::exec the actions that exec runs), and the proposal an approve action names with the
 * hash it pins, if any. One home for these rules: the CLI and the console both import it.
 */
import { Action, AntelopeError, BinaryReader, Name, TransactionHeader, bytesToHex, hexToBytes, sha256 } from '../../abi/antelope/index.js';
import type { DmcsBackend } from '../dispatch/dmcs-backend.js';
import { scalarText } from '../../lib/scalar-text.js';

export const MSIG_ACCOUNT = 'eosio.msig';
export const WRAP_ACCOUNT = 'eosio.wrap';
/** How deep wrap-inside-wrap is decoded: a proposal is anyone's bytes, and nesting must not exhaust the stack. */
export const MAX_WRAP_DEPTH = 4;

/** No such proposal on the chain (the CLI turns it into a usage error). */
export class NoProposalError extends Error {}

/** One row of an eosio.msig table (scope = proposer, key = proposal name), or undefined. */
export async function msigRow(
  backend: Pick<DmcsBackend, 'getTableRows'>,
  table: string,
  proposer: string,
  proposal: string,
): Promise<Record<string, unknown> | undefined> {
  const r = await backend.getTableRows({
    code: MSIG_ACCOUNT,
    scope: proposer,
    table,
    json: true,
    lower_bound: proposal,
    upper_bound: proposal,
    limit: 1,
  });
  const row = r.rows[0] as Record<string, unknown> | undefined;
  // a node that ignores the bounds: only the row of that name counts
  if (row && scalarText(row.proposal_name) !== undefined && scalarText(row.proposal_name) !== proposal) return undefined;
  return row;
}

/** The proposal's transaction as eosio.msig stores it (its bytes: what the proposal hash is of). */
export async function packedProposal(backend: Pick<DmcsBackend, 'getTableRows'>, proposer: string, proposal: string): Promise<Uint8Array> {
  const row = await msigRow(backend, 'proposal', proposer, proposal);
  if (!row) throw new NoProposalError(`no proposal ${proposal} by ${proposer} on ${MSIG_ACCOUNT}`);
  return hexToBytes(scalarText(row.packed_transaction) ?? '', 'packed_transaction');
}

/** The proposal hash: sha256 of the stored transaction bytes, hex. */
export function proposalHash(packed: Uint8Array): string {
  return bytesToHex(sha256(packed));
}

/** One action a proposal would run: context-free or not, and how many eosio.wrap::exec it runs inside. */
export interface ProposalAction {
  action: Action;
  contextFree: boolean;
  wrapped: number;
}

/** A proposal's actions as far as they were decoded, and how many more it holds (inside a wrap too). */
export interface ProposalListing {
  actions: ProposalAction[];
  /** Actions past `max`, walked over without being decoded (those a skipped exec would run are not counted). */
  notShown: number;
}

/** Walks over one action's bytes without copying them: account and name, authorizations (16 bytes each), data. */
function skipAction(r: BinaryReader): void {
  r.need(16, 'action account and name');
  r.pos += 16;
  const auths = r.varuint32();
  r.need(auths * 16, `${auths} authorizations`);
  r.pos += auths * 16;
  const data = r.varuint32();
  r.need(data, 'action data');
  r.pos += data;
}

/**
 * The actions a proposal's transaction would run, in the order shown: context-free ones first, and
 * after each eosio.wrap::exec the actions it runs (`wrapped` > 0). At most `max` are decoded (a
 * proposal is anyone's bytes, as large as the chain's reply allows): the rest are walked over, to
 * count them and to check the bytes are one transaction. Throws when they are not; an exec whose
 * data is not one is shown as itself.
 */
export function proposalActions(packed: Uint8Array, max = Number.POSITIVE_INFINITY, depth = 0): ProposalListing {
  const r = new BinaryReader(packed);
  TransactionHeader.decodeValues(r);
  const out: ProposalListing = { actions: [], notShown: 0 };
  for (const contextFree of [true, false]) {
    const n = r.varuint32();
    if (n * 17 > r.remaining) throw new AntelopeError('DECODE_INVALID', `${n} actions do not fit in ${r.remaining} byte(s)`, 'transaction');
    for (let i = 0; i < n; i++) {
      if (out.actions.length >= max) {
        skipAction(r);
        out.notShown += 1;
        continue;
      }
      const action = Action.decode(r);
      out.actions.push({ action, contextFree, wrapped: depth });
      if (
        action.account.toString() === WRAP_ACCOUNT &&
        action.name.toString() === 'exec' &&
        action.data.length > 8 &&
        depth < MAX_WRAP_DEPTH
      ) {
        try {
          const inner = proposalActions(action.data.subarray(8), max - out.actions.length, depth + 1);
          out.actions.push(...inner.actions);
          out.notShown += inner.notShown;
        } catch {
          // not a transaction: the exec's own data is shown
        }
      }
    }
  }
  const extensions = r.varuint32();
  for (let i = 0; i < extensions; i++) {
    r.u16();
    r.raw(r.varuint32());
  }
  if (r.remaining) throw new AntelopeError('DECODE_TRAILING', `transaction: ${r.remaining} unexpected trailing byte(s)`);
  return out;
}

/**
 * The proposal an eosio.msig::approve action's data names, and the hash it pins (null: none, the
 * approval counts for whatever the proposal holds when it executes). The layout is eosio.msig's:
 * proposer, proposal_name, level (actor, permission), then the binary extension proposal_hash.
 * Throws on data of any other length.
 */
export function approveTarget(data: Uint8Array): { proposer: string; proposal: string; hash: string | null } {
  if (data.length !== 32 && data.length !== 64)
    throw new Error(`eosio.msig::approve data of ${data.length} bytes (32, or 64 with proposal_hash)`);
  const r = new BinaryReader(data);
  const proposer = Name.decode(r).toString();
  const proposal = Name.decode(r).toString();
  return { proposer, proposal, hash: data.length === 64 ? bytesToHex(data.subarray(32)) : null };
}

/**
 * Whether approve action `a` carries `hash` (hex) as its `proposal_hash`: the binary extension is
 * its last 32 bytes. An eosio.msig ABI without the field serializes the action without it (the
 * serializer drops unknown fields), and the approval then counts for whatever the proposal holds.
 */
export function approvalPins(a: Action, hash: string): boolean {
  return a.data.length > 32 && bytesToHex(a.data.subarray(a.data.length - 32)) === hash;
}
