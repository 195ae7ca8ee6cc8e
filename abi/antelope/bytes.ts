/**
 * Byte helpers shared by the codecs: hex in and out (strict), concatenation, equality.
 * Hex conversion goes through Node's Buffer after a strict check, which is far faster than a loop.
 */
import { AntelopeError, describe } from './error.js';

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Parse an even-length hex string (no prefix) into bytes; rejects anything else. */
export function hexToBytes(hex: string, field = 'hex'): Uint8Array {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) {
    throw new AntelopeError('INVALID_HEX', `${field}: expected an even-length hex string, got ${describe(hex)}`);
  }
  const b = Buffer.from(hex, 'hex');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Lower-case hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Accept bytes or hex; always returns a Uint8Array (not copied when already bytes). */
export function toBytes(value: Uint8Array | string, field = 'bytes'): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return hexToBytes(value, field);
  throw new AntelopeError('INVALID_VALUE', `${field}: expected bytes or hex string, got ${describe(value)}`);
}
