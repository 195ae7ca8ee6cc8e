/**
 * The package hash: what a publisher signs and what identifies one exact build of an app.
 *
 *   packageHash = sha256( "peeros-app-package/v1" ‖ 0x00
 *                         ‖ u64be(len manifest) ‖ manifest bytes   (DIR/peeros.json, as on disk)
 *                         ‖ u64be(len module)   ‖ module bytes )   (the manifest's `entry`)
 *
 * Length prefixes make the split unambiguous: no two (manifest, module) pairs share a preimage.
 * Changing this layout is a format change: bump the tag's version.
 */
import { createHash } from 'node:crypto';

export const PACKAGE_HASH_TAG = 'peeros-app-package/v1';

function u64be(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

export function packageHash(manifest: Uint8Array, module: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHash('sha256')
      .update(PACKAGE_HASH_TAG)
      .update('\0')
      .update(u64be(manifest.length))
      .update(manifest)
      .update(u64be(module.length))
      .update(module)
      .digest(),
  );
}
