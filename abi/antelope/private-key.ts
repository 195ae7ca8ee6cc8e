/**
 * Antelope private key: a key type and a 32-byte secret scalar. Parses `PVT_K1_…` and WIF (legacy,
 * 0x80 ‖ key ‖ sha256d checksum); prints either. K1 signing follows Leap's canonical rule: sign
 * RFC 6979 with low S, and while the result fails `is_canonical`, sign again with fresh extra
 * entropy (a counter), as Leap and @wharfkit/antelope do.
 *
 * JS cannot promise to erase the secret from memory: `data` lives until the garbage collector
 * reclaims it; `clear()` overwrites this copy only.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { AntelopeError, describe } from './error.js';
import { decodeRipemd160Check, decodeSha256dCheck, encodeRipemd160Check, encodeSha256dCheck } from './base58.js';
import { KeyType, keyTypeFromString, keyTypeName } from './key-type.js';
import { PublicKey } from './public-key.js';
import { Signature, digestBytes, isCanonical, type DigestType } from './signature.js';

export type PrivateKeyType = PrivateKey | string;

const KEY_SIZE = 32;
const WIF_VERSION = 0x80;
const MAX_SIGN_ATTEMPTS = 1000; // ~2 expected; 1000 failures means something is broken, not bad luck

export class PrivateKey {
  readonly type: KeyType;
  readonly data: Uint8Array;

  constructor(type: KeyType, data: Uint8Array) {
    if (data.length !== KEY_SIZE) throw new AntelopeError('INVALID_KEY', `private key: expected ${KEY_SIZE} bytes, got ${data.length}`);
    if (type === KeyType.K1 && !secp256k1.utils.isValidSecretKey(data)) {
      throw new AntelopeError('INVALID_KEY', 'private key: not a valid secp256k1 scalar (must be 1..n-1)');
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
    const raw = decodeSha256dCheck(value, 'WIF private key');
    // 0x80 ‖ key, optionally ‖ 0x01 (the "compressed" flag some wallets append)
    if (raw[0] !== WIF_VERSION || !(raw.length === 33 || (raw.length === 34 && raw[33] === 0x01))) {
      throw new AntelopeError('INVALID_KEY', `WIF private key: expected version 0x80 and 32 key bytes, got version 0x${raw[0]?.toString(16)} and ${raw.length - 1} bytes`);
    }
    return new PrivateKey(KeyType.K1, raw.slice(1, 33));
  }

  /** A new K1 key from 32 random bytes (crypto.getRandomValues unless `random` is given). */
  static generate(random?: (n: number) => Uint8Array): PrivateKey {
    const rnd = random ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
    for (let i = 0; i < 16; i++) {
      const d = rnd(KEY_SIZE);
      if (d.length === KEY_SIZE && secp256k1.utils.isValidSecretKey(d)) return new PrivateKey(KeyType.K1, d);
    }
    throw new AntelopeError('INVALID_KEY', 'private key: random source produced no valid scalar in 16 tries');
  }

  toPublic(): PublicKey {
    this.requireK1('toPublic');
    return new PublicKey(KeyType.K1, secp256k1.getPublicKey(this.data, true));
  }

  /** Canonical K1 signature over a 32-byte digest. */
  sign(digest: DigestType): Signature {
    this.requireK1('sign');
    const d = digestBytes(digest);
    const entropy = new Uint8Array(32);
    for (let attempt = 0; attempt < MAX_SIGN_ATTEMPTS; attempt++) {
      // attempt 0 is plain RFC 6979; later attempts mix a counter in as extra entropy
      new DataView(entropy.buffer).setUint32(28, attempt);
      const rec = secp256k1.sign(d, this.data, {
        prehash: false, lowS: true, format: 'recovered',
        extraEntropy: attempt === 0 ? false : entropy,
      });
      const sig = Signature.fromRecovered(rec);
      if (isCanonical(sig.data)) return sig;
    }
    throw new AntelopeError('SIGN_FAILED', `private key: no canonical signature after ${MAX_SIGN_ATTEMPTS} attempts`);
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
  clear(): void { this.data.fill(0); }

  private requireK1(op: string): void {
    if (this.type !== KeyType.K1) throw new AntelopeError('INVALID_KEY', `private key: ${op} supports K1 only, got ${keyTypeName(this.type)}`);
  }
}
