/**
 * The payload of an Antelope WebAuthn (`WA`) public key, Leap's `fc::crypto::webauthn::public_key`
 * (libfc `elliptic_webauthn.hpp`): 33-byte compressed P-256 point ‖ user presence u8 ‖ rp id
 * (varuint32 length ‖ UTF-8). Two WA keys are equal only when all three parts are: a signature made
 * without user verification recovers to a different key than the same point with `VERIFIED`.
 */
import { AntelopeError } from './error.js';
import { BinaryReader } from './binary-reader.js';
import { BinaryWriter } from './binary-writer.js';

/** Leap's `user_presence_t`: which authenticator flags a signature must carry, exactly. */
export enum UserPresence {
  NONE = 0,
  PRESENT = 1,
  VERIFIED = 2,
}

export interface WebAuthnKeyParts {
  /** Compressed P-256 point. */
  readonly point: Uint8Array;
  readonly presence: UserPresence;
  /** Relying-party id: the host of the https origin the key signs for. */
  readonly rpid: string;
}

const POINT_SIZE = 33;
/** A DNS name is at most 253 characters; the cap keeps hostile keys (and their key ids) small. */
export const MAX_RPID_BYTES = 255;

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Reads one WA key payload from `r` and returns its parts (checked: known presence, 1..255-byte rp id). */
export function readWebAuthnKey(r: BinaryReader): WebAuthnKeyParts {
  const point = r.raw(POINT_SIZE).slice();
  const presence = r.u8();
  // Leap casts any byte; a value no flag combination produces could never sign, so it is refused here.
  if (presence > UserPresence.VERIFIED)
    throw new AntelopeError('INVALID_KEY', `webauthn public key: expected user presence 0, 1 or 2, got ${presence}`);
  const n = r.varuint32();
  if (n === 0) throw new AntelopeError('INVALID_KEY', 'webauthn public key: the rp id must not be empty');
  if (n > MAX_RPID_BYTES) throw new AntelopeError('INVALID_KEY', `webauthn public key: rp id of ${n} bytes exceeds ${MAX_RPID_BYTES}`);
  let rpid: string;
  try {
    rpid = utf8Strict.decode(r.raw(n));
  } catch {
    throw new AntelopeError('INVALID_KEY', 'webauthn public key: the rp id is not valid UTF-8');
  }
  return { point, presence, rpid };
}

/** The payload bytes of a WA key exactly as Leap packs it (without the key type byte). */
export function encodeWebAuthnKey(parts: WebAuthnKeyParts): Uint8Array {
  if (parts.point.length !== POINT_SIZE)
    throw new AntelopeError('INVALID_KEY', `webauthn public key: expected a ${POINT_SIZE}-byte point, got ${parts.point.length}`);
  const rp = utf8.encode(parts.rpid);
  if (rp.length === 0 || rp.length > MAX_RPID_BYTES)
    throw new AntelopeError('INVALID_KEY', `webauthn public key: expected an rp id of 1..${MAX_RPID_BYTES} bytes, got ${rp.length}`);
  const w = new BinaryWriter(POINT_SIZE + 1 + 5 + rp.length);
  w.raw(parts.point);
  w.u8(parts.presence);
  w.bytes(rp);
  return w.finish();
}

/** The parts of a whole payload; trailing bytes are refused. */
export function decodeWebAuthnKey(data: Uint8Array): WebAuthnKeyParts {
  const r = new BinaryReader(data);
  const parts = readWebAuthnKey(r);
  if (r.remaining !== 0) throw new AntelopeError('INVALID_KEY', `webauthn public key: ${r.remaining} trailing byte(s)`);
  return parts;
}
