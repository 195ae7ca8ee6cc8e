/**
 * How a drive stores one file when it has a key: AES-256-GCM under the 32-byte drive key with a
 * random 12-byte nonce per write, and the domain tag plus the file's path as additional data, so a
 * record moved to another path, cut or altered does not open. Stored: nonce ‖ ciphertext ‖ tag.
 * A random nonce per write keeps the nonce-reuse bound of GCM (2^32 writes per key) far away for a
 * personal drive. What it does not promise: freshness (an older copy of the whole log replayed by
 * someone with disk access opens), or hiding file sizes and paths (paths are the log's keys).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Domain tag of a sealed file's additional data; versioned so a future format cannot be confused with this one. */
export const TAG_FS_FILE_AAD = 'peeros-fs/v1/file';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes a sealed file takes beyond its content. */
export const FILE_SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;

const aad = (path: string): Buffer => Buffer.concat([Buffer.from(TAG_FS_FILE_AAD), Buffer.from([0]), Buffer.from(path, 'utf8')]);

export function sealFile(key: Uint8Array, path: string, content: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad(path));
  return Buffer.concat([nonce, c.update(content), c.final(), c.getAuthTag()]);
}

/** The content of a sealed file, or undefined when it does not open (wrong key, other path, altered). */
export function openFile(key: Uint8Array, path: string, stored: Uint8Array): Uint8Array | undefined {
  if (stored.length < FILE_SEAL_OVERHEAD) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', key, stored.subarray(0, NONCE_BYTES));
    d.setAAD(aad(path));
    d.setAuthTag(stored.subarray(stored.length - TAG_BYTES));
    return Buffer.concat([d.update(stored.subarray(NONCE_BYTES, stored.length - TAG_BYTES)), d.final()]);
  } catch {
    return undefined;
  }
}
