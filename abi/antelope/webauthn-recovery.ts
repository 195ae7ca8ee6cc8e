/**
 * Public-key recovery from a WebAuthn (`WA`) signature, the way Leap does it (libfc
 * `elliptic_webauthn.cpp`, `public_key(const signature&, const sha256&, bool)`): the client data
 * JSON is parsed (never matched against a template) and must have `type` `webauthn.get`, a base64url
 * `challenge` that decodes to the digest, and an `origin` starting `https://` whose host (up to the
 * last `:`) is the rp id; the first 32 bytes of the authenticator data must be sha256(rp id); the
 * flags byte sets the key's user presence (UP 0x01 → PRESENT, UV 0x04 → VERIFIED); the P-256 key is
 * recovered from sha256(authData ‖ sha256(clientJSON)) with header byte 31..34. High-S signatures are
 * accepted: authenticators make them and Leap does not apply the secp256k1 canonical rule here.
 * The result is the WA key (point, presence, rp id); an authority matches it only when all three match.
 * Every refusal carries Leap's own message: a failed client-data or authenticator-data check is
 * `INVALID_SIGNATURE` (Leap's FC_ASSERT), no key reconstructable from the signature `RECOVER_FAILED`.
 */
import { p256 } from '@noble/curves/nist.js';
import { AntelopeError } from './error.js';
import { sha256, sha256Parts } from './hash.js';
import { bytesEqual } from './bytes.js';
import type { WebAuthnSignatureParts } from './webauthn-signature.js';
import { type WebAuthnKeyParts, UserPresence } from './webauthn-key.js';

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
/** rpIdHash (32) ‖ flags (1) ‖ signCount (4): the shortest authenticator data Leap accepts. */
const MIN_AUTH_DATA_SIZE = 37;
const HTTPS = 'https://';

const utf8 = new TextDecoder('utf-8');
/** A UTF-16 surrogate without its pair (code units, so no `u` flag). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8Encoder = new TextEncoder();

function fail(message: string): never {
  throw new AntelopeError('INVALID_SIGNATURE', message);
}

function unreconstructable(): never {
  throw new AntelopeError('RECOVER_FAILED', 'unable to reconstruct public key from signature');
}

interface ClientData {
  type: string;
  challenge: string;
  origin: string;
}

/**
 * The three fields Leap reads from the client data. Leap parses the C string, so bytes after a NUL
 * are ignored (they still count in the hash); the document must be one object; `type`, `challenge`
 * and `origin` must be strings when present (any other value fails Leap's parser); absent ones are "".
 * Input rapidjson refuses is refused too, even where JSON.parse would take it.
 */
export function parseClientData(json: Uint8Array): ClientData {
  const nul = json.indexOf(0);
  let doc: unknown;
  let leapRefuses = false;
  try {
    doc = JSON.parse(utf8.decode(nul < 0 ? json : json.subarray(0, nul)), (key, value: unknown) => {
      // what rapidjson refuses and JSON.parse takes: lone surrogate escapes, numbers beyond a double
      if (LONE_SURROGATE.test(key) || (typeof value === 'string' && LONE_SURROGATE.test(value))) leapRefuses = true;
      if (typeof value === 'number' && !Number.isFinite(value)) leapRefuses = true;
      return value;
    });
  } catch {
    fail('Failed to parse client data JSON');
  }
  if (leapRefuses) fail('Failed to parse client data JSON');
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('Failed to parse client data JSON');
  const o = doc as Record<string, unknown>;
  const field = (k: string): string => {
    if (!Object.hasOwn(o, k)) return '';
    const v = o[k];
    if (typeof v !== 'string') fail('Failed to parse client data JSON');
    return v;
  };
  return { type: field('type'), challenge: field('challenge'), origin: field('origin') };
}

/** fc::base64url_decode: decodes up to the first character outside the URL alphabet (or `=`). */
function base64urlPrefix(s: string): Uint8Array {
  const end = s.search(/[^A-Za-z0-9_-]/);
  return Buffer.from(end < 0 ? s : s.slice(0, end), 'base64url');
}

/** Leap's rp id of an origin: what follows `https://` up to the last `:` (or to the end). */
export function rpidOfOrigin(origin: string): string {
  const colon = origin.lastIndexOf(':');
  return colon >= HTTPS.length ? origin.slice(HTTPS.length, colon) : origin.slice(HTTPS.length);
}

/** The WA key that made `sig` over the 32-byte `digest`, or an AntelopeError with Leap's reason. */
export function recoverWebAuthnKey(sig: WebAuthnSignatureParts, digest: Uint8Array): WebAuthnKeyParts {
  const client = parseClientData(sig.clientJson);
  if (client.type !== 'webauthn.get') fail('webauthn signature type not an assertion');
  if (!bytesEqual(base64urlPrefix(client.challenge), digest)) fail('Wrong webauthn challenge');
  if (!client.origin.startsWith(HTTPS)) fail('webauthn origin must begin with https://');
  const rpid = rpidOfOrigin(client.origin);
  const auth = sig.authData;
  if (auth.length < MIN_AUTH_DATA_SIZE) fail('auth_data not as large as required');
  const flags = auth[32]!;
  const presence =
    flags & FLAG_USER_VERIFIED ? UserPresence.VERIFIED : flags & FLAG_USER_PRESENT ? UserPresence.PRESENT : UserPresence.NONE;
  if (!bytesEqual(auth.subarray(0, 32), sha256(utf8Encoder.encode(rpid)))) fail("webauthn rpid hash doesn't match origin");
  const signed = sha256Parts(auth, sha256(sig.clientJson));
  const header = sig.compact[0]!;
  if (header < 31 || header >= 35) unreconstructable();
  const rec = sig.compact.slice();
  rec[0] = header - 31;
  let point: Uint8Array;
  try {
    point = p256.recoverPublicKey(rec, signed, { prehash: false });
  } catch {
    unreconstructable();
  }
  return { point, presence, rpid };
}
