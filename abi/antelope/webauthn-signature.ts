/**
 * The payload of an Antelope WebAuthn (`WA`) signature, Leap's `fc::crypto::webauthn::signature`:
 * 65-byte compact P-256 signature (header 31..34 ‖ r ‖ s) ‖ authenticator data (varuint32 length ‖
 * bytes) ‖ client data JSON (varuint32 length ‖ bytes). The JSON is kept as the exact bytes the
 * authenticator signed over; it is parsed only when the signature is recovered.
 */
import { AntelopeError } from './error.js';
import { BinaryReader } from './binary-reader.js';
import { BinaryWriter } from './binary-writer.js';

export interface WebAuthnSignatureParts {
  /** Header (27 + 4 + recid) ‖ r ‖ s. */
  readonly compact: Uint8Array;
  readonly authData: Uint8Array;
  readonly clientJson: Uint8Array;
}

export const COMPACT_SIZE = 65;
/**
 * The most bytes of authenticator data plus client JSON accepted (Leap's subjective
 * `max-variable-signature-length`, default 16384, configurable per node). Real authenticators send a
 * few hundred; 4096 keeps base58, which is quadratic, near 50 ms for the longest string (16384 bytes
 * would cost seconds to parse or print).
 */
export const MAX_WEBAUTHN_VARIABLE_BYTES = 4096;

/** Reads one WA signature payload from `r`. */
export function readWebAuthnSignature(r: BinaryReader): WebAuthnSignatureParts {
  const compact = r.raw(COMPACT_SIZE).slice();
  const authData = r.bytes();
  const clientJson = r.bytes();
  return { compact, authData, clientJson };
}

/** The payload bytes of a WA signature exactly as Leap packs it (without the key type byte). */
export function encodeWebAuthnSignature(parts: WebAuthnSignatureParts): Uint8Array {
  if (parts.compact.length !== COMPACT_SIZE)
    throw new AntelopeError('INVALID_SIGNATURE', `webauthn signature: expected ${COMPACT_SIZE} compact bytes, got ${parts.compact.length}`);
  const w = new BinaryWriter(COMPACT_SIZE + 10 + parts.authData.length + parts.clientJson.length);
  w.raw(parts.compact);
  w.bytes(parts.authData);
  w.bytes(parts.clientJson);
  return w.finish();
}

/** The parts of a whole payload; trailing bytes are refused. */
export function decodeWebAuthnSignature(data: Uint8Array): WebAuthnSignatureParts {
  const r = new BinaryReader(data);
  let parts: WebAuthnSignatureParts;
  try {
    parts = readWebAuthnSignature(r);
  } catch (e) {
    throw new AntelopeError('INVALID_SIGNATURE', `webauthn signature: ${(e as Error).message}`);
  }
  if (r.remaining !== 0) throw new AntelopeError('INVALID_SIGNATURE', `webauthn signature: ${r.remaining} trailing byte(s)`);
  return parts;
}
