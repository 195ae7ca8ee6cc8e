/**
 * Base58 (Bitcoin alphabet) as used by Antelope key and signature strings, plus the two checksum
 * flavours: ripemd160(data ‖ suffix)[0..4] for `PUB_K1_`/`SIG_K1_`/legacy `EOS`, and
 * sha256d(data)[0..4] for WIF private keys.
 */
import { AntelopeError } from './error.js';
import { ripemd160, sha256 } from './hash.js';
import { bytesEqual } from './bytes.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

export function base58Encode(data: Uint8Array): string {
  const digits: number[] = [];
  for (let i = 0; i < data.length; i++) {
    let carry = data[i]!;
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j]! << 8;
      digits[j] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = (carry / 58) | 0;
    }
  }
  let out = '';
  for (let i = 0; i < data.length && data[i] === 0; i++) out += '1';
  for (let i = digits.length - 1; i >= 0; i--) out += ALPHABET[digits[i]!];
  return out;
}

export function base58Decode(s: string, what = 'base58'): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? INDEX[c]! : -1;
    if (v < 0) throw new AntelopeError('INVALID_VALUE', `${what}: invalid base58 character ${JSON.stringify(s[i])} at ${i}`);
    let carry = v;
    for (let j = 0; j < bytes.length; j++) {
      carry += bytes[j]! * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < s.length && s[i] === '1'; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

function ripemdCheck(data: Uint8Array, suffix: string): Uint8Array {
  const buf = new Uint8Array(data.length + suffix.length);
  buf.set(data);
  for (let i = 0; i < suffix.length; i++) buf[data.length + i] = suffix.charCodeAt(i);
  return ripemd160(buf).subarray(0, 4);
}

/** base58(data ‖ ripemd160(data ‖ suffix)[0..4]); suffix '' for the legacy EOS form. */
export function encodeRipemd160Check(data: Uint8Array, suffix: string): string {
  const out = new Uint8Array(data.length + 4);
  out.set(data);
  out.set(ripemdCheck(data, suffix), data.length);
  return base58Encode(out);
}

/**
 * The most base58 characters `bytes` bytes take: each character carries log2(58) ≈ 5.86 bits, and a
 * leading zero byte takes one. A longer string cannot decode to that size, and base58's decode is
 * quadratic in the string's length, so the fixed-size decoders refuse one before decoding it (a
 * 60 KB `SIG_K1_…` in a pushed transaction took 2 s of the node's thread).
 */
export function maxBase58Chars(bytes: number): number {
  return Math.ceil((bytes * 8) / Math.log2(58));
}

export function decodeRipemd160Check(
  s: string,
  suffix: string,
  size: number | 'variable',
  code: 'INVALID_KEY' | 'INVALID_SIGNATURE',
  what: string,
): Uint8Array {
  if (size !== 'variable' && s.length > maxBase58Chars(size + 4))
    throw new AntelopeError(code, `${what}: ${s.length} base58 characters, more than ${size} bytes + 4 checksum bytes take`);
  const raw = base58Decode(s, what);
  if (size === 'variable' ? raw.length < 4 : raw.length !== size + 4) {
    throw new AntelopeError(code, `${what}: expected ${size} bytes + 4 checksum bytes, got ${raw.length} bytes`);
  }
  const data = raw.subarray(0, raw.length - 4);
  if (!bytesEqual(ripemdCheck(data, suffix), raw.subarray(raw.length - 4))) {
    throw new AntelopeError(code, `${what}: checksum mismatch`);
  }
  return data.slice();
}

/** base58(data ‖ sha256(sha256(data))[0..4]), the WIF checksum. */
export function encodeSha256dCheck(data: Uint8Array): string {
  const out = new Uint8Array(data.length + 4);
  out.set(data);
  out.set(sha256(sha256(data)).subarray(0, 4), data.length);
  return base58Encode(out);
}

/** `maxBytes`: the most bytes (checksum included) the caller reads; a longer string is refused before its decode (`maxBase58Chars`). */
export function decodeSha256dCheck(s: string, what: string, maxBytes: number): Uint8Array {
  if (s.length > maxBase58Chars(maxBytes))
    throw new AntelopeError('INVALID_KEY', `${what}: ${s.length} base58 characters, more than ${maxBytes} bytes take`);
  const raw = base58Decode(s, what);
  if (raw.length < 5) throw new AntelopeError('INVALID_KEY', `${what}: too short`);
  const data = raw.subarray(0, raw.length - 4);
  if (!bytesEqual(sha256(sha256(data)).subarray(0, 4), raw.subarray(raw.length - 4))) {
    throw new AntelopeError('INVALID_KEY', `${what}: checksum mismatch`);
  }
  return data.slice();
}
