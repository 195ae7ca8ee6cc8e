/**
 * An eosio.msig proposal as the chain holds it, for everything that shows an approval before it is
 * signed (`peeros msig approve`, the console's signing dialog): the proposal row read (one row,
 * scope = proposer, key = proposal name), its hash (sha256 of the stored transaction bytes: what an
 * approve's `proposal_hash` pins), the actions it would run (context-free ones, and after each
 * eosio.wrap::exec the actions that exec runs), and the proposal an approve action names with the
 * hash it pins, if any. One home for these rules: the CLI and the console both import it.
 */
import { type Action, BinaryReader, Name, Transaction, bytesToHex, hexToBytes, sha256 } from '../../abi/antelope/index.js';
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

/**
 * The actions a proposal's transaction would run, in the order shown: context-free ones first, and
 * after each eosio.wrap::exec the actions it runs (`wrapped` > 0). Throws when the bytes are no
 * transaction; an exec whose data is not one is shown as itself.
 */
export function proposalActions(packed: Uint8Array, depth = 0): Array<{ action: Action; contextFree: boolean; wrapped: number }> {
  const trx = Transaction.fromBinary(packed);
  const out: Array<{ action: Action; contextFree: boolean; wrapped: number }> = [];
  const all = [...trx.context_free_actions.map((a) => ({ a, cf: true })), ...trx.actions.map((a) => ({ a, cf: false }))];
  for (const { a, cf } of all) {
    out.push({ action: a, contextFree: cf, wrapped: depth });
    if (a.account.toString() === WRAP_ACCOUNT && a.name.toString() === 'exec' && a.data.length > 8 && depth < MAX_WRAP_DEPTH) {
      try {
        out.push(...proposalActions(a.data.subarray(8), depth + 1));
      } catch {
        // not a transaction: the exec's own data is shown
      }
    }
  }
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
