/** Limits of app identity files, each with its reason. */

/** `peeros.sig` is four short JSON fields (≈ 300 bytes); 4 KiB refuses anything else unread. */
export const MAX_SIGNATURE_FILE_BYTES = 4096;
/** The manifest bytes hashed into the package: a manifest is a few KiB; 1 MiB bounds the read. */
export const MAX_MANIFEST_BYTES = 1 << 20;
/** Random bytes in an unverified app's install id: 128 bits never collide by chance. */
export const INSTALL_ID_BYTES = 16;
