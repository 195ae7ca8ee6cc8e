/**
 * The vault's cross-process lock, `$PEEROS_HOME/vault/vault.lock`. Every read-check-write of state
 * that several peeros processes share runs under it: the keystore (keys, grants), the spend ledger
 * (daily caps and counts) and the unlock backoff. So two processes signing under one daily cap
 * count every signature, and parallel wrong passphrases are tried one after another, each seeing
 * the backoff the previous one recorded. A holder that does not answer within VAULT_LOCK_WAIT_MS
 * makes the caller fail with VAULT_BUSY, naming the process.
 *
 * The vault worker leases the lock (lib/file-lock.ts): it keeps it for LOCK_LEASE_IDLE_MS after each
 * operation, so serial signatures take it without a syscall, and while it kept it without a break
 * the keystore and the spend ledger are as this worker left them (every writer of them holds this
 * lock), so they are not stat'ed. Another process gets it at the worker's next operation or
 * LOCK_LEASE_IDLE_MS after its last one. The vault's owner (vault-channel.ts) removes the lock of a
 * worker that ended during its lease.
 */
import { withFileLock, FileLockTimeoutError, type FileLockHold } from '../lib/file-lock.js';
import { VaultError } from './error.js';
import { VAULT_LOCK_WAIT_MS } from './limits.js';
import type { VaultPaths } from './keystore-file.js';

export async function withVaultLock<T>(paths: VaultPaths, fn: (hold: FileLockHold) => Promise<T>): Promise<T> {
  try {
    return await withFileLock(paths.lock, fn, { waitMs: VAULT_LOCK_WAIT_MS, lease: true });
  } catch (err) {
    if (!(err instanceof FileLockTimeoutError)) throw err;
    throw new VaultError(
      'VAULT_BUSY',
      `the vault is busy: ${err.message}; another peeros process is working with the vault — wait for it, or stop it if it hangs`,
    );
  }
}
