/**
 * Where the vault keeps its files under `$PEEROS_HOME/vault/` (mode 0700, files 0600), and how
 * the keystore is read and written: reads are size-capped; writes go through `writeFileAtomic`
 * (temp file, fsync, rename, fsync of the directory), so a crash leaves the old or the new file.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { MAX_KEYSTORE_BYTES } from './limits.js';
import { VaultError } from './error.js';

export interface VaultPaths {
  dir: string;
  keystore: string;
  backoff: string;
  spend: string;
  /** The cross-process lock over everything above (vault-lock.ts). */
  lock: string;
}

export function vaultPaths(home: string): VaultPaths {
  const dir = join(home, 'vault');
  return {
    dir,
    keystore: join(dir, 'keystore'),
    backoff: join(dir, 'unlock-backoff.json'),
    spend: join(dir, 'spend-ledger'),
    lock: join(dir, 'vault.lock'),
  };
}

export function ensureVaultDir(paths: VaultPaths): void {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
}

/** The keystore bytes, or null when there is none. */
export async function readKeystoreFile(path: string): Promise<Uint8Array | null> {
  try {
    const data = await readFile(path);
    if (data.length > MAX_KEYSTORE_BYTES) {
      throw new VaultError('KEYSTORE_CORRUPT', `the keystore file is larger than ${MAX_KEYSTORE_BYTES} bytes; restore it from a backup`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function writeKeystoreFile(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text, 0o600);
}
