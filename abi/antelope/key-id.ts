/**
 * Key ids: a public key as an opaque string (lower-case hex of type byte ‖ 33-byte point, and for
 * WA keys ‖ user presence ‖ rp id bytes without their length prefix), so authorities compare and hash
 * keys cheaply and sort them in Antelope's `public_key` order (Leap orders WA keys by point, presence,
 * then rp id as a byte string, which a length prefix would break). The node's state, the authority
 * checker and the host's session all key authorities by it.
 */
import { PublicKey } from './public-key.js';
import { KeyType } from './key-type.js';
import { bytesToHex, hexToBytes } from './bytes.js';
import { AntelopeError } from './error.js';

const POINT_SIZE = 33;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** The key id of a public key. */
export function keyIdOf(key: PublicKey): string {
  const wa = key.webauthn;
  if (!wa) {
    const b = new Uint8Array(1 + POINT_SIZE);
    b[0] = key.type;
    b.set(key.data, 1);
    return bytesToHex(b);
  }
  const rp = utf8.encode(wa.rpid);
  const b = new Uint8Array(2 + POINT_SIZE + rp.length);
  b[0] = key.type;
  b.set(wa.point, 1);
  b[1 + POINT_SIZE] = wa.presence;
  b.set(rp, 2 + POINT_SIZE);
  return bytesToHex(b);
}

/** Key texts whose ids `keyIdOfText` remembers (then it forgets them all and starts again). */
export const KEY_TEXTS_REMEMBERED = 1024;
/** Longer texts are parsed every time (a WA key with a long rp id; nothing an account normally holds). */
export const KEY_TEXT_REMEMBERED_MAX_CHARS = 256;
const idsOfTexts = new Map<string, string>();

/**
 * The key id of a public key in any text form Antelope uses (`PUB_K1_…`, `EOS…`, `PUB_R1_…`,
 * `PUB_WA_…`); throws as `PublicKey.from` does. A host resolves the same account's keys at every
 * push, and parsing one (base58, a RIPEMD-160 check) costs far more than a lookup, so the ids of
 * texts that parsed are remembered, a bounded number of them.
 */
export function keyIdOfText(text: string): string {
  const known = idsOfTexts.get(text);
  if (known !== undefined) return known;
  const id = keyIdOf(PublicKey.from(text));
  if (text.length <= KEY_TEXT_REMEMBERED_MAX_CHARS) {
    if (idsOfTexts.size >= KEY_TEXTS_REMEMBERED) idsOfTexts.clear();
    idsOfTexts.set(text, id);
  }
  return id;
}

export function publicKeyOfId(id: string): PublicKey {
  const b = hexToBytes(id, 'key id');
  if (b[0] !== KeyType.WA) return new PublicKey(b[0] as KeyType, b.slice(1));
  if (b.length < 3 + POINT_SIZE)
    throw new AntelopeError('INVALID_KEY', `key id: a WA key id has at least ${3 + POINT_SIZE} bytes, got ${b.length}`);
  let rpid: string;
  try {
    rpid = utf8Strict.decode(b.subarray(2 + POINT_SIZE));
  } catch {
    throw new AntelopeError('INVALID_KEY', 'key id: the rp id is not valid UTF-8');
  }
  return PublicKey.fromWebAuthn({ point: b.slice(1, 1 + POINT_SIZE), presence: b[1 + POINT_SIZE]!, rpid });
}

/** Display form Leap uses in get_account: legacy `EOS…` for K1, `PUB_R1_…` otherwise. */
export function keyIdToString(id: string): string {
  const k = publicKeyOfId(id);
  return k.type === KeyType.K1 ? k.toLegacyString() : k.toString();
}
