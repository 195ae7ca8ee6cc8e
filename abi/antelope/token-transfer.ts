/**
 * The token `transfer` action's arguments as eosio.token (and every token contract that follows it)
 * serializes them: `from name, to name, quantity asset, memo string`. A signing scope reads amounts
 * from this layout only: it needs no ABI, so the vault (which has none) and the host read the same
 * bytes the same way.
 */
import { Asset } from './asset.js';
import { BinaryReader } from './binary-reader.js';
import { Name } from './name.js';

export interface TokenTransfer {
  from: string;
  to: string;
  quantity: Asset;
  memo: string;
}

/** The token transfer in `data`, or null when `data` is not exactly (name, name, asset, string). */
export function decodeTokenTransfer(data: Uint8Array): TokenTransfer | null {
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

/**
 * The quantity at its place in the token layout's head (from, to, quantity), whatever follows:
 * what a token contract reads, for a count that must not miss one (the session-grant policy). Null
 * when no asset sits there. `decodeTokenTransfer` is the exact reading a cap is checked against.
 */
export function tokenTransferQuantity(data: Uint8Array): Asset | null {
  try {
    const r = new BinaryReader(data);
    Name.decode(r);
    Name.decode(r);
    return Asset.decode(r);
  } catch {
    return null;
  }
}
