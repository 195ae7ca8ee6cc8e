/** Crypto intrinsics (Leap's crypto.cpp): the hashes and their asserting forms, charged per byte. */
import { createHash } from 'node:crypto';
import { ContractError } from '../contract-error.js';
import type { CurrentContext, Intrinsics } from './context.js';

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
