/** Limits of `.peeros` package files, each with its reason. Checked before anything is read or allocated. */
import { MAX_MANIFEST_BYTES, MAX_MODULE_BYTES } from '../limits.js';

/** Entries in one package: 1,024 — an app is a manifest, a module, an icon and some assets, not a file tree. */
export const MAX_PACKAGE_ENTRIES = 1024;
/** Bytes of one entry path: 255, the file-name limit of common file systems, for the whole path. */
export const MAX_PACKAGE_PATH_BYTES = 255;
/** Directory levels in one path: 8 — assets/a/b/c is plenty; deeper trees are refused, not walked. */
export const MAX_PACKAGE_PATH_DEPTH = 8;
/** One asset or icon: 8 MiB — an image or a data file an app ships, not a media library. */
export const MAX_ASSET_BYTES = 8 << 20;
/** All assets and the icon together: 32 MiB, so a whole package stays below ~64 MiB in memory. */
export const MAX_ASSETS_TOTAL_BYTES = 32 << 20;
/** Per-entry framing: u16 path length + path + u32 data length. */
const ENTRY_OVERHEAD = 2 + MAX_PACKAGE_PATH_BYTES + 4;
/** The whole `.peeros` file: manifest + module + assets + framing + header + checksum; checked before reading. */
export const MAX_PACKAGE_FILE_BYTES =
  MAX_MANIFEST_BYTES + MAX_MODULE_BYTES + MAX_ASSETS_TOTAL_BYTES + 4096 + MAX_PACKAGE_ENTRIES * ENTRY_OVERHEAD + 64;
