/**
 * Key ids: a public key as an opaque string (lower-case hex of its binary form, type byte ‖ 33
 * bytes), so authorities compare and hash keys cheaply and sort them in Antelope's `public_key`
 * order. The node's state, the authority checker and the host's session all key authorities by it.
 */
import { PublicKey } from './public-key.js';
import { KeyType } from './key-type.js';
import { bytesToHex, hexToBytes } from './bytes.js';

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
