/**
 * SHA-256 of some bytes as lowercase hex: how modules and packages are named. A file of its own so
 * that reading the app registry (`peeros app list`) does not load the sandbox's module loader.
 */
import { createHash } from 'node:crypto';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
