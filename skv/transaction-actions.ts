/**
 * What the vault needs to read from a serialized transaction to enforce a signing scope: its
 * actions (context-free and regular), each with contract account, action name, authorizations and
 * raw data (the token `transfer` layout is read by abi/antelope/token-transfer.ts).
 *
 * Decoded with the protocol core's `Transaction.fromBinary`, which consumes the input exactly —
 * trailing bytes are refused, so what is checked is what is signed.
 */
import { Transaction, type Action } from '../abi/antelope/index.js';
import { VaultError } from './error.js';

export interface ActionView {
  account: string;
  name: string;
  authorization: { actor: string; permission: string }[];
  data: Uint8Array;
  contextFree: boolean;
}

const MAX_ACTIONS = 1000; // bounds the work of a scope check on untrusted input

function invalid(why: string): VaultError {
  return new VaultError('INVALID_TRANSACTION', `the transaction to sign does not decode: ${why}`);
}

/** The actions of a packed (uncompressed) transaction, context-free ones first; throws INVALID_TRANSACTION. */
export function transactionActions(packed: Uint8Array): ActionView[] {
  let trx: Transaction;
  try {
    trx = Transaction.fromBinary(packed); // refuses trailing bytes
  } catch (err) {
    throw invalid((err as Error).message);
  }
  if (trx.context_free_actions.length + trx.actions.length > MAX_ACTIONS) throw invalid(`more than ${MAX_ACTIONS} actions`);
  const view = (a: Action, contextFree: boolean): ActionView => ({
    account: a.account.toString(),
    name: a.name.toString(),
    data: a.data,
    contextFree,
    authorization: a.authorization.map((p) => ({ actor: p.actor.toString(), permission: p.permission.toString() })),
  });
  return [...trx.context_free_actions.map((a) => view(a, true)), ...trx.actions.map((a) => view(a, false))];
}
