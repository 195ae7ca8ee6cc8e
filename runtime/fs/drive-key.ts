/**
 * The key of an account's drive, held by the vault: a random 32-byte key, sealed inside the vault
 * to the account's own K1 key (the vault's `seal_message` with our key on both sides: ECDH inside
 * the vault, AES-256-GCM) and kept beside the drive as `drive.key`. Opening it needs the vault,
 * unlocked, holding that key: a copy of `$PEEROS_HOME/data` alone opens no file. Runs in the main
 * thread (the vault is async); app workers ask for it through the host bridge (`fs.drive-key`).
 *
 * What JS cannot promise: the opened key lives in the host's memory (and the app worker's) while
 * the drive is in use, and is not wiped when the garbage collector moves it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { CodedError } from '../../lib/coded-error.js';

/** The sealed key's file in a drive's folder. */
export const DRIVE_KEY_FILE = 'drive.key';

export const DRIVE_KEY_ERROR_CODES = ['DRIVE_KEY_CORRUPT'] as const;
export class DriveKeyError extends CodedError<(typeof DRIVE_KEY_ERROR_CODES)[number]> {
  override readonly name = 'DriveKeyError';
}

/**
 * The context the host's own seal-to-self values (drive keys, share content keys) are bound to: none.
 * They never go on chain nor to an app, and '' keeps the additional data they were sealed with before
 * contexts existed, so the drive keys already on disk still open.
 */
export const HOST_OWN_CONTEXT = '';

/** The vault calls this needs (skv/vault.ts), as the user acting directly (`app: USER_APP`). */
export interface DriveKeyVault {
  sealMessage(r: {
    key: string;
    peer: string;
    plaintext: Uint8Array;
    app: string;
    context: string;
  }): Promise<{ nonce: Uint8Array; ciphertext: Uint8Array }>;
  openMessage(r: {
    key: string;
    peer: string;
    nonce: Uint8Array;
    ciphertext: Uint8Array;
    app: string;
    context: string;
  }): Promise<Uint8Array>;
}

interface DriveKeyFile {
  version: 1;
  /** The vault key the drive key is sealed to (and from). */
  key: string;
  nonce: string;
  sealed: string;
}

/** Whether the drive in `dir` has a sealed key (then it is encrypted and opens only with it). */
export function hasDriveKey(dir: string): boolean {
  return existsSync(join(dir, DRIVE_KEY_FILE));
}

/** The drive key of `dir`, opened by the vault; created and sealed to `sealTo` when the drive has none. */
export async function driveKey(vault: DriveKeyVault, userApp: string, dir: string, sealTo: string): Promise<Uint8Array> {
  const path = join(dir, DRIVE_KEY_FILE);
  if (existsSync(path)) {
    let f: DriveKeyFile;
    try {
      f = JSON.parse(readFileSync(path, 'utf8')) as DriveKeyFile;
    } catch {
      throw new DriveKeyError('DRIVE_KEY_CORRUPT', `${path} is not JSON: restore it from a backup`);
    }
    if (f.version !== 1 || typeof f.key !== 'string' || !/^[0-9a-f]{24}$/.test(f.nonce) || !/^([0-9a-f]{2}){48}$/.test(f.sealed))
      throw new DriveKeyError('DRIVE_KEY_CORRUPT', `${path} is not a sealed drive key: restore it from a backup`);
    const key = await vault.openMessage({
      key: f.key,
      peer: f.key,
      nonce: Buffer.from(f.nonce, 'hex'),
      ciphertext: Buffer.from(f.sealed, 'hex'),
      app: userApp,
      context: HOST_OWN_CONTEXT,
    });
    if (key.length !== 32) throw new DriveKeyError('DRIVE_KEY_CORRUPT', `${path} opened to ${key.length} bytes, not a 32-byte key`);
    return key;
  }
  const key = randomBytes(32);
  const { nonce, ciphertext } = await vault.sealMessage({
    key: sealTo,
    peer: sealTo,
    plaintext: key,
    app: userApp,
    context: HOST_OWN_CONTEXT,
  });
  const file: DriveKeyFile = {
    version: 1,
    key: sealTo,
    nonce: Buffer.from(nonce).toString('hex'),
    sealed: Buffer.from(ciphertext).toString('hex'),
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(file)}\n`);
  return new Uint8Array(key);
}
