/**
 * Antelope authorities as the node stores them: the protocol's `Authority` (abi/antelope) with keys
 * held as key ids (`keyIdOf`), so comparing and hashing them is cheap. What is the node's own lives
 * here: the RAM an authority bills, the get_account JSON shape and the genesis authority. The rules
 * (validity, satisfaction, key ids) live in abi/antelope.
 */
import { type PublicKey, keyIdOf, keyIdToString } from '../abi/antelope/index.js';
import type { Authority, PermissionLevelJSON } from '../abi/antelope/index.js';

export type { Authority, KeyWeight, PermissionLevelWeight, WaitWeight } from '../abi/antelope/index.js';
export type PermissionLevel = PermissionLevelJSON;
// The chain API's callers import key ids from here; the helpers themselves are abi/antelope/key-id.ts.
export { keyIdOf, publicKeyOfId, keyIdToString } from '../abi/antelope/index.js';

/** Billable RAM of an authority, as Leap's `authority::get_billable_size` counts it. */
export function authorityBillableSize(auth: Authority): number {
  // shared_key_weight ≈ 42 bytes (variant key + weight), permission_level_weight 24, wait_weight 16
  return auth.keys.length * 42 + auth.accounts.length * 24 + auth.waits.length * 16;
}

/** The JSON shape clients expect (get_account's `required_auth`). */
export function authorityToJson(auth: Authority): unknown {
  return {
    threshold: auth.threshold,
    keys: auth.keys.map((k) => ({ key: keyIdToString(k.key), weight: k.weight })),
    accounts: auth.accounts.map((a) => ({
      permission: { actor: a.permission.actor, permission: a.permission.permission },
      weight: a.weight,
    })),
    waits: auth.waits.map((w) => ({ wait_sec: w.wait_sec, weight: w.weight })),
  };
}

/** An authority with one key of weight 1, threshold 1 (genesis and `--dev`). */
export function singleKeyAuthority(key: PublicKey): Authority {
  return { threshold: 1, keys: [{ key: keyIdOf(key), weight: 1 }], accounts: [], waits: [] };
}
