/**
 * Antelope private key: a key type and a 32-byte secret scalar. Parses `PVT_K1_…`, `PVT_R1_…` and
 * WIF (legacy, 0x80 ‖ key ‖ sha256d checksum); prints either. K1 signing follows Leap's canonical
 * rule: sign RFC 6979 with low S, and while the result fails `is_canonical`, sign again with fresh
 * extra entropy (a counter), as Leap and @wharfkit/antelope do. R1 signs once, low S.
 *
 * JS cannot promise to erase the secret from memory: `data` lives until the garbage collector
 * reclaims it; `clear()` overwrites this copy only.
 */
import { AntelopeError, describe } from './error.js';
import { curveFor } from './key-curve.js';
import { Checksum512 } from './checksum.js';
import { sha256, sha512 } from './hash.js';
import { decodeRipemd160Check, decodeSha256dCheck, encodeRipemd160Check, encodeSha256dCheck } from './base58.js';
import { KeyType, keyTypeFromString, keyTypeName } from './key-type.js';
import { PublicKey, type PublicKeyType } from './public-key.js';
import { Signature, digestBytes, isCanonical, type DigestType } from './signature.js';

export type PrivateKeyType = PrivateKey | string;

const KEY_SIZE = 32;
const WIF_VERSION = 0x80;
/** A WIF string decodes to at most this many bytes: the version, the key, the optional "compressed" flag and 4 checksum bytes. */
export const MAX_WIF_BYTES = 1 + KEY_SIZE + 1 + 4;
/** Canonical K1 signing tries at most this many nonces: ~2 expected; 1000 failures means something is broken, not bad luck. */
export const MAX_SIGN_ATTEMPTS = 1000;

export class PrivateKey {
  readonly type: KeyType;
  readonly data: Uint8Array;

  constructor(type: KeyType, data: Uint8Array) {
    if (data.length !== KEY_SIZE) throw new AntelopeError('INVALID_KEY', `private key: expected ${KEY_SIZE} bytes, got ${data.length}`);
    if (!curveFor(type, 'INVALID_KEY', 'private key').utils.isValidSecretKey(data)) {
      throw new AntelopeError('INVALID_KEY', `private key: not a valid ${keyTypeName(type)} scalar (must be 1..n-1)`);
    }
    this.type = type;
    this.data = data;
  }

  static from(value: PrivateKeyType): PrivateKey {
    if (value instanceof PrivateKey) return value;
    if (typeof value !== 'string') throw new AntelopeError('INVALID_KEY', `private key: expected a string, got ${describe(value)}`);
    if (value.startsWith('PVT_')) {
      const parts = value.split('_');
      if (parts.length !== 3) throw new AntelopeError('INVALID_KEY', 'private key: expected PVT_<type>_<base58>');
      const type = keyTypeFromString(parts[1]!, 'private key');
      return new PrivateKey(type, decodeRipemd160Check(parts[2]!, parts[1]!, KEY_SIZE, 'INVALID_KEY', 'private key'));
    }
    const raw = decodeSha256dCheck(value, 'WIF private key', MAX_WIF_BYTES);
    // 0x80 ‖ key, optionally ‖ 0x01 (the "compressed" flag some wallets append)
    if (raw[0] !== WIF_VERSION || !(raw.length === 33 || (raw.length === 34 && raw[33] === 0x01))) {
      throw new AntelopeError(
        'INVALID_KEY',
        `WIF private key: expected version 0x80 and 32 key bytes, got version 0x${raw[0]?.toString(16)} and ${raw.length - 1} bytes`,
      );
    }
    return new PrivateKey(KeyType.K1, raw.slice(1, 33));
  }

  /** A new key (K1 unless `type` says R1) from 32 random bytes (crypto.getRandomValues unless `random` is given). */
  static generate(random?: (n: number) => Uint8Array, type: KeyType = KeyType.K1): PrivateKey {
    const rnd = random ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
    const curve = curveFor(type, 'INVALID_KEY', 'generate');
    for (let i = 0; i < 16; i++) {
      const d = rnd(KEY_SIZE);
      if (d.length === KEY_SIZE && curve.utils.isValidSecretKey(d)) return new PrivateKey(type, d);
    }
    throw new AntelopeError('INVALID_KEY', 'private key: random source produced no valid scalar in 16 tries');
  }

  toPublic(): PublicKey {
    return new PublicKey(this.type, curveFor(this.type, 'INVALID_KEY', 'toPublic').getPublicKey(this.data, true));
  }

  /** Signature over a 32-byte digest: canonical for K1 (Leap's rule), low S for R1. */
  sign(digest: DigestType): Signature {
    const d = digestBytes(digest);
    const curve = curveFor(this.type, 'SIGN_FAILED', 'sign');
    if (this.type === KeyType.R1) {
      return Signature.fromRecovered(curve.sign(d, this.data, { prehash: false, lowS: true, format: 'recovered' }), KeyType.R1);
    }
    const entropy = new Uint8Array(32);
    for (let attempt = 0; attempt < MAX_SIGN_ATTEMPTS; attempt++) {
      // attempt 0 is plain RFC 6979; later attempts mix a counter in as extra entropy
      new DataView(entropy.buffer).setUint32(28, attempt);
      const rec = curve.sign(d, this.data, {
        prehash: false,
        lowS: true,
        format: 'recovered',
        extraEntropy: attempt === 0 ? false : entropy,
      });
      const sig = Signature.fromRecovered(rec);
      if (isCanonical(sig.data)) return sig;
    }
    throw new AntelopeError('SIGN_FAILED', `private key: no canonical signature after ${MAX_SIGN_ATTEMPTS} attempts`);
  }

  /** sign(sha256(message)). */
  signMessage(message: Uint8Array): Signature {
    return this.sign(sha256(message));
  }

  /**
   * ECDH shared secret with `pub` (same key type): sha512 of the 32-byte x coordinate of the
   * shared point, as fc and eosjs-ecc derive it (wharfkit drops leading zero bytes of x; we do not).
   */
  sharedSecret(pub: PublicKeyType): Checksum512 {
    const p = PublicKey.from(pub);
    if (p.type !== this.type) {
      throw new AntelopeError('INVALID_KEY', `shared secret: key types differ (${keyTypeName(this.type)} and ${keyTypeName(p.type)})`);
    }
    const shared = curveFor(this.type, 'INVALID_KEY', 'sharedSecret').getSharedSecret(this.data, p.data, true);
    return new Checksum512(sha512(shared.subarray(1, 33)));
  }

  /** `PVT_K1_…` form. */
  toString(): string {
    const t = keyTypeName(this.type);
    return `PVT_${t}_${encodeRipemd160Check(this.data, t)}`;
  }
  /** Legacy WIF form (K1 only). */
  toWif(): string {
    this.requireK1('toWif');
    const raw = new Uint8Array(33);
    raw[0] = WIF_VERSION;
    raw.set(this.data, 1);
    return encodeSha256dCheck(raw);
  }
  /** Overwrite this copy of the secret with zeros (other copies, e.g. strings, are out of reach). */
  clear(): void {
    this.data.fill(0);
  }

  private requireK1(op: string): void {
    if (this.type !== KeyType.K1)
      throw new AntelopeError('INVALID_KEY', `private key: ${op} supports K1 only, got ${keyTypeName(this.type)}`);
  }
}
