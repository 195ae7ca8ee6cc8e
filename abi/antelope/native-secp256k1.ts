/**
 * libsecp256k1 through the `secp256k1` npm addon, when it can be loaded: only its prebuilt binding
 * (`bindings.js`), never its `elliptic` JS fallback. The node recovers keys with it
 * (dmcs/keys/key-recovery.ts) and the vault signs with it (`signCanonical`); where the addon cannot
 * load, both use @noble/curves.
 *
 * `signCanonical` follows the same rule as `PrivateKey.sign` and gives the same bytes: RFC 6979 with
 * low S, and while the result fails Leap's `is_canonical`, again with extra data = a 32-byte counter
 * (libsecp256k1 appends it to the nonce seed as noble appends its extra entropy). It is about ten
 * times faster than noble on this machine, and libsecp256k1 signs in constant time, which a JIT
 * cannot promise for JS.
 */
import { createRequire } from 'node:module';
import { AntelopeError } from './error.js';
import { KeyType } from './key-type.js';
import { MAX_SIGN_ATTEMPTS, type PrivateKey } from './private-key.js';
import { Signature, digestBytes, isCanonical, type DigestType } from './signature.js';

/** The part of the addon's API PeerOS uses. */
export interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array, options?: { data?: Uint8Array }): { signature: Uint8Array; recid: number };
}

let nativeLib: NativeSecp256k1 | null | undefined;

/** The native addon, or null when it is not installed or fails to load (asked once per thread). */
export function loadNativeSecp256k1(): NativeSecp256k1 | null {
  if (nativeLib !== undefined) return nativeLib;
  try {
    const require = createRequire(import.meta.url);
    nativeLib = require('secp256k1/bindings.js') as NativeSecp256k1;
  } catch {
    nativeLib = null;
  }
  return nativeLib;
}

/** Canonical K1 signature with libsecp256k1: the bytes `key.sign(digest)` gives. */
export function signK1Native(lib: NativeSecp256k1, key: PrivateKey, digest: DigestType): Signature {
  if (key.type !== KeyType.K1) throw new AntelopeError('SIGN_FAILED', 'native signing: only K1 keys');
  const d = digestBytes(digest);
  const counter = new Uint8Array(32);
  for (let attempt = 0; attempt < MAX_SIGN_ATTEMPTS; attempt++) {
    // attempt 0 is plain RFC 6979; later attempts add the counter as extra data
    new DataView(counter.buffer).setUint32(28, attempt);
    const { signature, recid } = lib.ecdsaSign(d, key.data, attempt === 0 ? {} : { data: counter });
    const data = new Uint8Array(65);
    data[0] = 27 + 4 + recid;
    data.set(signature, 1);
    if (isCanonical(data)) return new Signature(KeyType.K1, data);
  }
  throw new AntelopeError('SIGN_FAILED', `private key: no canonical signature after ${MAX_SIGN_ATTEMPTS} attempts`);
}

/** `key.sign(digest)`, with libsecp256k1 for a K1 key when the addon loads (same signature, faster). */
export function signCanonical(key: PrivateKey, digest: DigestType): Signature {
  const lib = key.type === KeyType.K1 ? loadNativeSecp256k1() : null;
  return lib ? signK1Native(lib, key, digest) : key.sign(digest);
}
