/**
 * Antelope signature: key type and payload. K1 and R1: 65 bytes, recovery header (27 + 4 + recid) ‖
 * r ‖ s; WA (WebAuthn): those 65 bytes ‖ authenticator data ‖ client JSON (webauthn-signature.ts).
 * String form `SIG_K1_…` (base58 with ripemd160(data ‖ "K1") checksum); binary: type ‖ payload.
 * Recovery and verification (K1 and R1) run on @noble/curves with the digest passed as-is (no prehash);
 * WA recovery adds Leap's client-data checks (webauthn-recovery.ts).
 */
import { AntelopeError, describe } from './error.js';
import { curveFor } from './key-curve.js';
import { sha256 } from './hash.js';
import { bytesEqual, toBytes } from './bytes.js';
import { decodeRipemd160Check, encodeRipemd160Check, maxBase58Chars } from './base58.js';
import { KeyType, keyTypeFromIndex, keyTypeFromString, keyTypeName } from './key-type.js';
import { PublicKey, type PublicKeyType } from './public-key.js';
import { Checksum256 } from './checksum.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';
import {
  type WebAuthnSignatureParts,
  MAX_WEBAUTHN_VARIABLE_BYTES,
  decodeWebAuthnSignature,
  encodeWebAuthnSignature,
  readWebAuthnSignature,
} from './webauthn-signature.js';
import { recoverWebAuthnKey } from './webauthn-recovery.js';

export type SignatureType = Signature | string;
export type DigestType = Checksum256 | Uint8Array | string;

const SIG_SIZE = 65;
/**
 * Longest `SIG_WA_…` string parsed: the prefix and the most base58 characters Leap's variable-length
 * maximum takes (`maxBase58Chars`), refused before base58's quadratic decode would spend on a longer one.
 */
const MAX_WA_SIGNATURE_CHARS = 'SIG_WA_'.length + maxBase58Chars(SIG_SIZE + 10 + MAX_WEBAUTHN_VARIABLE_BYTES + 4);

function digestBytes(digest: DigestType): Uint8Array {
  const d = digest instanceof Checksum256 ? digest.array : toBytes(digest, 'digest');
  if (d.length !== 32) throw new AntelopeError('INVALID_VALUE', `digest: expected 32 bytes, got ${d.length}`);
  return d;
}

/**
 * Leap's `is_canonical`: r and s (big-endian, bytes 1..32 and 33..64 after the header) each have
 * the top bit clear and no redundant leading zero byte.
 */
export function isCanonical(c: Uint8Array): boolean {
  return !(c[1]! & 0x80) && !(c[1] === 0 && !(c[2]! & 0x80)) && !(c[33]! & 0x80) && !(c[33] === 0 && !(c[34]! & 0x80));
}

export class Signature {
  readonly type: KeyType;
  readonly data: Uint8Array;
  private wa?: WebAuthnSignatureParts;

  constructor(type: KeyType, data: Uint8Array) {
    if (type === KeyType.WA) {
      this.wa = decodeWebAuthnSignature(data);
    } else if (data.length !== SIG_SIZE) {
      throw new AntelopeError('INVALID_SIGNATURE', `signature: expected ${SIG_SIZE} bytes, got ${data.length}`);
    }
    this.type = type;
    this.data = data;
  }

  /** A WA signature from its parts (what a WebAuthn assertion returns, with the compact signature). */
  static fromWebAuthn(parts: WebAuthnSignatureParts): Signature {
    return new Signature(KeyType.WA, encodeWebAuthnSignature(parts));
  }

  /** Compact signature, authenticator data and client JSON of a WA signature; undefined otherwise. */
  get webauthn(): WebAuthnSignatureParts | undefined {
    return this.wa;
  }

  /** Bytes of authenticator data plus client JSON (Leap's `variable_size`); 0 for K1 and R1. */
  get variableSize(): number {
    return this.wa ? this.wa.authData.length + this.wa.clientJson.length : 0;
  }

  static from(value: SignatureType): Signature {
    if (value instanceof Signature) return value;
    if (typeof value !== 'string' || !value.startsWith('SIG_')) {
      throw new AntelopeError('INVALID_SIGNATURE', `signature: expected SIG_K1_…, SIG_R1_… or SIG_WA_…, got ${describe(value)}`);
    }
    const parts = value.split('_');
    if (parts.length !== 3) throw new AntelopeError('INVALID_SIGNATURE', `signature: expected SIG_<type>_<base58>, got ${describe(value)}`);
    const type = keyTypeFromString(parts[1]!, 'signature');
    if (type === KeyType.WA) {
      if (value.length > MAX_WA_SIGNATURE_CHARS)
        throw new AntelopeError(
          'INVALID_SIGNATURE',
          `signature: a SIG_WA_ signature has at most ${MAX_WA_SIGNATURE_CHARS} characters, got ${value.length}`,
        );
      return new Signature(type, decodeRipemd160Check(parts[2]!, 'WA', 'variable', 'INVALID_SIGNATURE', 'signature'));
    }
    return new Signature(type, decodeRipemd160Check(parts[2]!, parts[1]!, SIG_SIZE, 'INVALID_SIGNATURE', 'signature'));
  }

  static decode(r: BinaryReader): Signature {
    const type = keyTypeFromIndex(r.u8(), 'signature');
    if (type === KeyType.WA) return Signature.fromWebAuthn(readWebAuthnSignature(r));
    return new Signature(type, r.raw(SIG_SIZE).slice());
  }

  /** Build from noble's 'recovered' layout (recid ‖ r ‖ s); K1 or R1. */
  static fromRecovered(bytes: Uint8Array, type: KeyType = KeyType.K1): Signature {
    const data = new Uint8Array(SIG_SIZE);
    data.set(bytes.subarray(1, 65), 1);
    data[0] = 27 + 4 + bytes[0]!;
    return new Signature(type, data);
  }

  /** Recovery id 0..3 from the header byte. */
  get recid(): number {
    return (this.data[0]! - 27) & 3;
  }

  get isCanonical(): boolean {
    return isCanonical(this.data);
  }

  /**
   * The public key that produced this signature over `digest` (32 bytes). With
   * `requireCanonical`, a signature that fails Leap's `is_canonical` is refused, as nodes do.
   */
  recover(digest: DigestType, opts: { requireCanonical?: boolean } = {}): PublicKey {
    if (this.wa) return PublicKey.fromWebAuthn(recoverWebAuthnKey(this.wa, digestBytes(digest)));
    const curve = curveFor(this.type, 'RECOVER_FAILED', 'signature recover');
    if (opts.requireCanonical && this.type === KeyType.K1 && !isCanonical(this.data)) {
      throw new AntelopeError('RECOVER_FAILED', 'signature: not canonical (r or s has its top bit set or a redundant leading zero byte)');
    }
    const h = this.data[0]!;
    if (h < 27 || h > 34) throw new AntelopeError('RECOVER_FAILED', `signature: recovery header must be 27..34, got ${h}`);
    const rec = new Uint8Array(SIG_SIZE);
    rec.set(this.data);
    rec[0] = (h - 27) & 3;
    try {
      return new PublicKey(this.type, curve.recoverPublicKey(rec, digestBytes(digest), { prehash: false }));
    } catch (e) {
      if (e instanceof AntelopeError) throw e;
      throw new AntelopeError('RECOVER_FAILED', `signature: cannot recover a public key (${(e as Error).message})`);
    }
  }

  /** True when this signature over `digest` verifies against `key`. */
  verify(digest: DigestType, key: PublicKeyType): boolean {
    const pub = PublicKey.from(key);
    if (pub.type !== this.type) return false;
    if (this.wa) {
      // Leap has no WA verify: the recovered key (point, presence, rp id) must equal the key.
      try {
        return this.recover(digest).equals(pub);
      } catch {
        return false;
      }
    }
    const curve = curveFor(this.type, 'RECOVER_FAILED', 'signature verify');
    return curve.verify(this.data.subarray(1), digestBytes(digest), pub.data, { prehash: false, lowS: false });
  }

  /** recover(sha256(message)). */
  recoverMessage(message: Uint8Array): PublicKey {
    return this.recover(sha256(message));
  }
  /** verify(sha256(message), key). */
  verifyMessage(message: Uint8Array, key: PublicKeyType): boolean {
    return this.verify(sha256(message), key);
  }

  equals(other: SignatureType): boolean {
    const o = Signature.from(other);
    return o.type === this.type && bytesEqual(o.data, this.data);
  }
  toString(): string {
    const t = keyTypeName(this.type);
    return `SIG_${t}_${encodeRipemd160Check(this.data, t)}`;
  }
  toJSON(): string {
    return this.toString();
  }
  encode(w: BinaryWriter): void {
    w.u8(this.type);
    w.raw(this.data);
  }
}

export { digestBytes };
