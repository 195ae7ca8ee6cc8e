/**
 * What a package holds, besides the container: `peeros.json`, the module at the manifest's `entry`,
 * optionally `peeros.sig` (the publisher's signature), `icon.png` and files under `assets/`. Nothing
 * else is packed or accepted; the icon and assets are the package's "extra files" (package-hash.ts).
 */
import { MAX_MANIFEST_BYTES, MAX_MODULE_BYTES } from '../limits.js';
import { MAX_SIGNATURE_FILE_BYTES } from '../app-identity/limits.js';
import { SIGNATURE_FILE } from '../app-identity/package-signature.js';
import { MAX_ASSETS_TOTAL_BYTES, MAX_ASSET_BYTES } from './limits.js';

export const MANIFEST_PATH = 'peeros.json';
export const SIGNATURE_PATH = SIGNATURE_FILE;
export const ICON_PATH = 'icon.png';
export const ASSETS_DIR = 'assets';

/** True for the icon and anything under assets/: the files covered by the v2 package hash. */
export function isExtraPath(path: string): boolean {
  return path === ICON_PATH || path.startsWith(`${ASSETS_DIR}/`);
}

/** Cap of one entry by what it can be (the module is only known once the manifest is read). */
export function maxEntryBytes(path: string): number {
  if (path === MANIFEST_PATH) return MAX_MANIFEST_BYTES;
  if (path === SIGNATURE_PATH) return MAX_SIGNATURE_FILE_BYTES;
  if (isExtraPath(path)) return MAX_ASSET_BYTES;
  return MAX_MODULE_BYTES;
}

/** Sum of every entry: the manifest, the module, the signature and the extras at their caps. */
export const MAX_PACKAGE_CONTENT_BYTES = MAX_MANIFEST_BYTES + MAX_MODULE_BYTES + MAX_SIGNATURE_FILE_BYTES + MAX_ASSETS_TOTAL_BYTES;
