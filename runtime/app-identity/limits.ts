/** Limits of app identity files, each with its reason. */

/** `peeros.sig` is four short JSON fields (≈ 300 bytes); 4 KiB refuses anything else unread. */
export const MAX_SIGNATURE_FILE_BYTES = 4096;
/** Random bytes in an unverified app's install id: 128 bits never collide by chance. */
export const INSTALL_ID_BYTES = 16;
