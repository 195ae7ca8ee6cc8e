/**
 * Crypto intrinsics (Leap's crypto.cpp, all context-free): the hashes and their asserting forms,
 * charged per byte, and key recovery (`recover_key`, `assert_recover_key`), charged
 * `RECOVER_KEY_CPU_UNITS`. Signatures and keys arrive packed as `fc::crypto` variants (type byte +
 * data); K1, R1 and WebAuthn (with Leap's size limit and client-data checks, keys/key-recovery.ts).
 */
import { createHash } from 'node:crypto';
import { AntelopeError, BinaryReader, BinaryWriter, KeyType, PublicKey, Signature } from '../../../abi/antelope/index.js';
import { recoverPublicKey } from '../../keys/key-recovery.js';
import { ContractError } from '../contract-error.js';
import type { ApplyContext } from '../apply-context.js';
import { RECOVER_KEY_CPU_UNITS } from '../contract-limits.js';
import type { CurrentContext, Intrinsics } from './context.js';

/** The key that signed `digest` (32 bytes at `digestPtr`) with the packed signature at `sigPtr`. */
function recoverPacked(c: ApplyContext, fn: string, digestPtr: number, sigPtr: number, sigLen: number): PublicKey {
  c.hostUnits += RECOVER_KEY_CPU_UNITS;
  c.charge(sigLen >>> 0);
  const digest = c.mem.read(digestPtr, 32, `${fn} digest`);
  const sigBytes = c.mem.read(sigPtr, sigLen, `${fn} signature`);
  let sig: Signature;
  try {
    sig = Signature.decode(new BinaryReader(sigBytes));
  } catch (e) {
    throw new ContractError('unpack_exception', `${fn}: cannot unpack the signature: ${(e as Error).message}`);
  }
  if (sig.type === KeyType.WA) return recoverPublicKey(sig, digest);
  try {
    return sig.recover(digest);
  } catch (e) {
    if (e instanceof AntelopeError) throw new ContractError('crypto_api_exception', `${fn}: ${e.message}`);
    throw e;
  }
}

export function cryptoIntrinsics(cx: CurrentContext): Intrinsics {
  const hashInto =
    (alg: string) =>
    (ptr: number, len: number, out: number): void => {
      const c = cx();
      c.charge(len >>> 0);
      const p = ptr >>> 0;
      const mem = c.mem.check(p, len, `${alg} data`);
      c.mem.write(
        out,
        createHash(alg)
          .update(mem.subarray(p, p + (len >>> 0)))
          .digest(),
        `${alg} hash`,
      );
    };

  const assertHash =
    (alg: string) =>
    (ptr: number, len: number, hash: number): void => {
      const c = cx();
      c.charge(len >>> 0);
      const p = ptr >>> 0;
      const mem = c.mem.check(p, len, `assert_${alg} data`);
      const digest = createHash(alg)
        .update(mem.subarray(p, p + (len >>> 0)))
        .digest();
      if (!digest.equals(c.mem.read(hash, digest.length, `assert_${alg} hash`))) {
        throw new ContractError('crypto_api_exception', 'hash mismatch');
      }
    };

  return {
    recover_key(digestPtr: number, sigPtr: number, sigLen: number, pubPtr: number, pubLen: number): number {
      const c = cx();
      const key = recoverPacked(c, 'recover_key', digestPtr, sigPtr, sigLen);
      const w = new BinaryWriter(40);
      key.encode(w);
      const packed = w.peek();
      // K1/R1 keys pack to 34 bytes; Leap's datastream refuses a smaller destination
      if (pubLen >>> 0 < packed.length) {
        throw new ContractError('wasm_execution_error', 'destination buffer must at least be able to hold an ECC public key');
      }
      c.mem.write(pubPtr, packed, 'recover_key public key');
      return packed.length;
    },
    assert_recover_key(digestPtr: number, sigPtr: number, sigLen: number, pubPtr: number, pubLen: number): void {
      const c = cx();
      const pubBytes = c.mem.read(pubPtr, pubLen, 'assert_recover_key public key');
      let expected: PublicKey;
      try {
        expected = PublicKey.decode(new BinaryReader(pubBytes));
      } catch (e) {
        const wa = pubBytes[0] === 2;
        throw new ContractError(
          wa ? 'unactivated_key_type' : 'unpack_exception',
          wa
            ? 'Unactivated key type used when creating assert_recover_key'
            : `assert_recover_key: cannot unpack the key: ${(e as Error).message}`,
        );
      }
      const key = recoverPacked(c, 'assert_recover_key', digestPtr, sigPtr, sigLen);
      if (!key.equals(expected)) throw new ContractError('crypto_api_exception', 'Error expected key different than recovered key');
    },
    sha256: hashInto('sha256'),
    assert_sha256: assertHash('sha256'),
    sha1: hashInto('sha1'),
    assert_sha1: assertHash('sha1'),
    sha512: hashInto('sha512'),
    assert_sha512: assertHash('sha512'),
    ripemd160: hashInto('ripemd160'),
    assert_ripemd160: assertHash('ripemd160'),
  };
}
