/**
 * Antelope public key: a key type and its payload. K1 and R1: 33 bytes of compressed point; WA
 * (WebAuthn): point ‖ user presence ‖ rp id (webauthn-key.ts), variable length. Parses `PUB_K1_…`,
 * `PUB_R1_…`, `PUB_WA_…` and the legacy `EOS…` form (which Leap still prints); prints `PUB_K1_…` by
 * default and the legacy form on request. Binary form: type byte ‖ payload.
 */
import { AntelopeError, describe } from './error.js';
import { curveFor } from './key-curve.js';
import { bytesEqual } from './bytes.js';
import { decodeRipemd160Check, encodeRipemd160Check } from './base58.js';
import { KeyType, keyTypeFromIndex, keyTypeFromString, keyTypeName } from './key-type.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';
import { type WebAuthnKeyParts, decodeWebAuthnKey, encodeWebAuthnKey, readWebAuthnKey } from './webauthn-key.js';

export type PublicKeyType = PublicKey | string;

const LEGACY_PREFIX = 'EOS';
const KEY_SIZE = 33;
/** A WA key string longer than this cannot hold a 255-byte rp id; refused before base58's quadratic decode. */
const MAX_WA_KEY_CHARS = 512;

export class PublicKey {
  readonly type: KeyType;
  readonly data: Uint8Array;
  private str?: string;
  private wa?: WebAuthnKeyParts;

  constructor(type: KeyType, data: Uint8Array) {
    if (type === KeyType.WA) {
      this.wa = decodeWebAuthnKey(data);
    } else if (data.length !== KEY_SIZE) {
      throw new AntelopeError('INVALID_KEY', `public key: expected ${KEY_SIZE} bytes, got ${data.length}`);
    }
    this.type = type;
    this.data = data;
  }

  /** A WA key from its parts. */
  static fromWebAuthn(parts: WebAuthnKeyParts): PublicKey {
    return new PublicKey(KeyType.WA, encodeWebAuthnKey(parts));
  }

  /** The 33-byte compressed point (for WA, without presence and rp id). */
  get point(): Uint8Array {
    return this.wa ? this.wa.point : this.data;
  }

  /** Point, user presence and rp id of a WA key; undefined for K1 and R1. */
  get webauthn(): WebAuthnKeyParts | undefined {
    return this.wa;
  }

  static from(value: PublicKeyType): PublicKey {
    if (value instanceof PublicKey) return value;
    if (typeof value !== 'string') throw new AntelopeError('INVALID_KEY', `public key: expected a string, got ${describe(value)}`);
    if (value.startsWith('PUB_')) {
      const parts = value.split('_');
      if (parts.length !== 3) throw new AntelopeError('INVALID_KEY', `public key: expected PUB_<type>_<base58>, got ${describe(value)}`);
      const type = keyTypeFromString(parts[1]!, 'public key');
      if (type === KeyType.WA) {
        if (value.length > MAX_WA_KEY_CHARS)
          throw new AntelopeError(
            'INVALID_KEY',
            `public key: a PUB_WA_ key has at most ${MAX_WA_KEY_CHARS} characters, got ${value.length}`,
          );
        return new PublicKey(type, decodeRipemd160Check(parts[2]!, 'WA', 'variable', 'INVALID_KEY', 'public key'));
      }
      return new PublicKey(type, decodeRipemd160Check(parts[2]!, parts[1]!, KEY_SIZE, 'INVALID_KEY', 'public key'));
    }
    if (value.startsWith(LEGACY_PREFIX)) {
      return new PublicKey(
        KeyType.K1,
        decodeRipemd160Check(value.slice(LEGACY_PREFIX.length), '', KEY_SIZE, 'INVALID_KEY', 'legacy public key'),
      );
    }
    throw new AntelopeError('INVALID_KEY', `public key: expected PUB_K1_…, PUB_R1_…, PUB_WA_… or EOS…, got ${describe(value)}`);
  }

  static decode(r: BinaryReader): PublicKey {
    const type = keyTypeFromIndex(r.u8(), 'public key');
    if (type === KeyType.WA) return PublicKey.fromWebAuthn(readWebAuthnKey(r));
    return new PublicKey(type, r.raw(KEY_SIZE).slice());
  }

  /** True when the bytes are a valid point on the key's curve. */
  isValid(): boolean {
    try {
      curveFor(this.type, 'INVALID_KEY', 'isValid', true).Point.fromBytes(this.point);
      return true;
    } catch {
      return false;
    }
  }

  equals(other: PublicKeyType): boolean {
    const o = PublicKey.from(other);
    return o.type === this.type && bytesEqual(o.data, this.data);
  }
  toString(): string {
    return (this.str ??= `PUB_${keyTypeName(this.type)}_${encodeRipemd160Check(this.data, keyTypeName(this.type))}`);
  }
  /** The legacy `EOS…` form (K1 only). */
  toLegacyString(prefix = LEGACY_PREFIX): string {
    if (this.type !== KeyType.K1)
      throw new AntelopeError('INVALID_KEY', `public key: legacy format exists only for K1 keys, this is ${keyTypeName(this.type)}`);
    return prefix + encodeRipemd160Check(this.data, '');
  }
  toJSON(): string {
    return this.toString();
  }
  encode(w: BinaryWriter): void {
    w.u8(this.type);
    w.raw(this.data);
  }
}
