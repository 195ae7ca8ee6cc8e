/**
 * The package hash: what a publisher signs and what identifies one exact build of an app.
 * Written down, with test vectors, in docs/packages.md (test/vectors/packages/).
 *
 * A package of only a manifest and a module (every app before assets existed) hashes as v1:
 *
 *   packageHash = sha256( "peeros-app-package/v1" ‖ 0x00
 *                         ‖ u64be(len manifest) ‖ manifest bytes   (DIR/peeros.json, as on disk)
 *                         ‖ u64be(len module)   ‖ module bytes )   (the manifest's `entry`)
 *
 * A package with extra files (icon, assets) hashes as v2, which appends them sorted by path:
 *
 *   packageHash = sha256( "peeros-app-package/v2" ‖ 0x00
 *                         ‖ u64be(len manifest) ‖ manifest bytes ‖ u64be(len module) ‖ module bytes
 *                         ‖ u32be(count)
 *                         ‖ for each file, paths in ascending byte order:
 *                             u16be(len path) ‖ path (UTF-8) ‖ u64be(len data) ‖ data )
 *
 * Length prefixes make the split unambiguous: no two packages share a preimage, and the tags keep
 * v1 and v2 apart. Keeping v1 for packages without extras keeps every existing `peeros.sig` valid.
 * Changing this layout is a format change: bump the tag's version.
 */
import { createHash } from 'node:crypto';

export const PACKAGE_HASH_TAG = 'peeros-app-package/v1';
export const PACKAGE_HASH_TAG_V2 = 'peeros-app-package/v2';

/** A file of a package besides its manifest and module (its icon, an asset). */
export interface PackageFile {
  /** Relative, normalized path inside the package (package-path.ts). */
  path: string;
  data: Uint8Array;
}

function u64be(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Byte order of UTF-8 paths (not UTF-16 code units, which sort astral characters differently). */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function packageHash(manifest: Uint8Array, module: Uint8Array, files: readonly PackageFile[] = []): Uint8Array {
  const h = createHash('sha256')
    .update(files.length ? PACKAGE_HASH_TAG_V2 : PACKAGE_HASH_TAG)
    .update('\0')
    .update(u64be(manifest.length))
    .update(manifest)
    .update(u64be(module.length))
    .update(module);
  if (files.length) {
    const sorted = [...files].sort((a, b) => comparePaths(a.path, b.path));
    const count = Buffer.alloc(4);
    count.writeUInt32BE(sorted.length);
    h.update(count);
    for (const f of sorted) {
      const path = Buffer.from(f.path, 'utf8');
      const len = Buffer.alloc(2);
      len.writeUInt16BE(path.length);
      h.update(len).update(path).update(u64be(f.data.length)).update(f.data);
    }
  }
  return new Uint8Array(h.digest());
}
