/**
 * What the vault needs to read from a serialized transaction to enforce a signing scope: its
 * actions (context-free and regular), each with contract account, action name, authorizations and
 * raw data, plus the token `transfer` payload (from, to, quantity, memo) when an action is one.
 *
 * Built on the protocol core's `BinaryReader`, `Name` and `Asset`; the transaction layout follows
 * Leap's `transaction` (header, context_free_actions, actions, transaction_extensions) and must
 * consume the input exactly — trailing bytes are refused, so what is checked is what is signed.
 */
import { Asset, BinaryReader, Name } from '../abi/antelope/index.js';
import { VaultError } from './error.js';

export interface ActionView {
  account: string;
  name: string;
  authorization: { actor: string; permission: string }[];
  data: Uint8Array;
  contextFree: boolean;
}

export interface TransferView { from: string; to: string; quantity: Asset; memo: string }

const MAX_ACTIONS = 1000; // bounds the work of a scope check on untrusted input

function invalid(why: string): VaultError {
  return new VaultError('INVALID_TRANSACTION', `the transaction to sign does not decode: ${why}`);
}

function readActions(r: BinaryReader, contextFree: boolean, out: ActionView[]): void {
  const n = r.varuint32();
  if (n + out.length > MAX_ACTIONS) throw invalid(`more than ${MAX_ACTIONS} actions`);
  for (let i = 0; i < n; i++) {
    const account = Name.decode(r).toString();
    const name = Name.decode(r).toString();
    const na = r.varuint32();
    if (na > MAX_ACTIONS) throw invalid('too many authorizations');
    const authorization: ActionView['authorization'] = [];
    for (let j = 0; j < na; j++) authorization.push({ actor: Name.decode(r).toString(), permission: Name.decode(r).toString() });
    out.push({ account, name, authorization, data: r.bytes(), contextFree });
  }
}

/** The actions of a packed (uncompressed) transaction; throws INVALID_TRANSACTION. */
export function transactionActions(packed: Uint8Array): ActionView[] {
  try {
    const r = new BinaryReader(packed);
    r.u32(); // expiration
    r.u16(); // ref_block_num
    r.u32(); // ref_block_prefix
    r.varuint32(); // max_net_usage_words
    r.u8(); // max_cpu_usage_ms
    r.varuint32(); // delay_sec
    const actions: ActionView[] = [];
    readActions(r, true, actions);
    readActions(r, false, actions);
    const ne = r.varuint32();
    for (let i = 0; i < ne; i++) { r.u16(); r.bytes(); }
    if (r.remaining !== 0) throw invalid(`${r.remaining} trailing byte(s)`);
    return actions;
  } catch (err) {
    if (err instanceof VaultError) throw err;
    throw invalid((err as Error).message);
  }
}

/** The token transfer in `data`, or null when it is not exactly (name, name, asset, string). */
export function decodeTransfer(data: Uint8Array): TransferView | null {
  try {
    const r = new BinaryReader(data);
    const from = Name.decode(r).toString();
    const to = Name.decode(r).toString();
    const quantity = Asset.decode(r);
    const memo = r.string();
    if (r.remaining !== 0) return null;
    return { from, to, quantity, memo };
  } catch {
    return null;
  }
}
