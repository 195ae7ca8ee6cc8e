/**
 * The dAppStore contract's key of an app name (apps/dappstore/contract): the first 8 bytes of
 * sha256(UTF-8 name) read little-endian, as the contract reads them from its sha256 intrinsic. It is
 * the `apps` row key and the `releases` scope. (App names are not Antelope names: up to 64 chars, '-'.)
 */
import { createHash } from 'node:crypto';

export function appKey(app: string): bigint {
  return createHash('sha256').update(app, 'utf8').digest().readBigUInt64LE(0);
}
