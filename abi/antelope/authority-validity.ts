/**
 * Leap's `validate(authority)`: keys sorted and unique (by key id, which is `public_key` order),
 * account levels sorted and unique (by name value), waits strictly increasing and none of 0 s
 * first, and a threshold that is positive and reachable. `updateauth` and `newaccount` refuse an
 * authority that fails it.
 */
import { Name } from './name.js';
import type { Authority, PermissionLevelJSON } from './eosio-abi.js';

function levelLess(a: PermissionLevelJSON, b: PermissionLevelJSON): boolean {
  const aa = Name.from(a.actor).value,
    ba = Name.from(b.actor).value;
  if (aa !== ba) return aa < ba;
  return Name.from(a.permission).value < Name.from(b.permission).value;
}

/** Leap's `validate(authority)`: sorted unique entries, no zero wait first, 0 < threshold ≤ Σ weights. */
export function isValidAuthority(auth: Authority): boolean {
  let total = 0;
  for (let i = 0; i < auth.keys.length; i++) {
    if (i > 0 && !(auth.keys[i - 1]!.key < auth.keys[i]!.key)) return false;
    total += auth.keys[i]!.weight;
  }
  for (let i = 0; i < auth.accounts.length; i++) {
    if (i > 0 && !levelLess(auth.accounts[i - 1]!.permission, auth.accounts[i]!.permission)) return false;
    total += auth.accounts[i]!.weight;
  }
  if (auth.waits.length > 0 && auth.waits[0]!.wait_sec === 0) return false;
  for (let i = 0; i < auth.waits.length; i++) {
    if (i > 0 && auth.waits[i - 1]!.wait_sec >= auth.waits[i]!.wait_sec) return false;
    total += auth.waits[i]!.weight;
  }
  return auth.threshold > 0 && total >= auth.threshold;
}
