/**
 * Antelope authorities as the node stores them: a threshold over weighted keys, weighted
 * `actor@permission` levels and weighted waits. Keys are held as opaque key ids (lower-case hex of
 * the binary public key: type byte ‖ 33 bytes), so comparing and hashing them is cheap and their
 * order is Antelope's `public_key` order. `isValidAuthority` is Leap's `validate(authority)`.
 */
import { Name, PublicKey, bytesToHex, hexToBytes, KeyType } from '../abi/antelope/index.js';

export interface PermissionLevel {
  actor: string;
  permission: string;
}
export interface KeyWeight { key: string; weight: number }
export interface PermissionLevelWeight { permission: PermissionLevel; weight: number }
export interface WaitWeight { wait_sec: number; weight: number }
export interface Authority {
  threshold: number;
  keys: KeyWeight[];
  accounts: PermissionLevelWeight[];
  waits: WaitWeight[];
}

/** The key id of a public key (hex of its binary form). */
export function keyIdOf(key: PublicKey): string {
  const b = new Uint8Array(34);
  b[0] = key.type;
  b.set(key.data, 1);
  return bytesToHex(b);
}

export function publicKeyOfId(id: string): PublicKey {
  const b = hexToBytes(id, 'key id');
  return new PublicKey(b[0] as KeyType, b.slice(1));
}

/** Display form Leap uses in get_account: legacy `EOS…` for K1, `PUB_R1_…` otherwise. */
export function keyIdToString(id: string): string {
  const k = publicKeyOfId(id);
  return k.type === KeyType.K1 ? k.toLegacyString() : k.toString();
}

function levelLess(a: PermissionLevel, b: PermissionLevel): boolean {
  const aa = Name.from(a.actor).value, ba = Name.from(b.actor).value;
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
    accounts: auth.accounts.map((a) => ({ permission: { actor: a.permission.actor, permission: a.permission.permission }, weight: a.weight })),
    waits: auth.waits.map((w) => ({ wait_sec: w.wait_sec, weight: w.weight })),
  };
}

/** An authority with one key of weight 1, threshold 1 (genesis and `--dev`). */
export function singleKeyAuthority(key: PublicKey): Authority {
  return { threshold: 1, keys: [{ key: keyIdOf(key), weight: 1 }], accounts: [], waits: [] };
}
