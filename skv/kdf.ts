/**
 * Passphrase → keys. scrypt (node:crypto) with stored parameters gives a 32-byte master secret;
 * HKDF-SHA256 with a tag per purpose splits it into the AES-256-GCM key that seals private keys,
 * the HMAC key that authenticates the keystore body, the passphrase check value and the spend
 * ledger MAC key. See docs/vault.md for the format.
 */
import { scrypt, hkdfSync, randomBytes, createHmac } from 'node:crypto';
import { VaultError } from './error.js';
import { TAG_KEYSTORE_ENC, TAG_KEYSTORE_MAC, TAG_PASSPHRASE_CHECK, TAG_SPEND_MAC } from './domain-tags.js';
import { SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, TEST_SCRYPT_LOG_N } from './limits.js';

export interface ScryptParams {
  name: 'scrypt';
  logN: number;
  r: number;
  p: number;
  /** 32 random bytes, hex. */
  salt: string;
}

/** Keys derived from the passphrase; they live only inside the vault worker while it is unlocked. */
export interface DerivedKeys {
  enc: Buffer;
  mac: Buffer;
  check: Buffer;
  spendMac: Buffer;
}

export function newScryptParams(insecureTestKdf = false): ScryptParams {
  return {
    name: 'scrypt',
    logN: insecureTestKdf ? TEST_SCRYPT_LOG_N : SCRYPT_LOG_N,
    r: SCRYPT_R,
    p: SCRYPT_P,
    salt: randomBytes(32).toString('hex'),
  };
}

/**
 * Checks stored parameters before any derivation: exactly the vault's own setting (SCRYPT_LOG_N, r,
 * p), or the test setting when the vault runs with `insecureTestKdf`. A crafted file can neither
 * weaken the KDF nor make an unlock exhaust time and memory.
 */
export function checkScryptParams(kdf: ScryptParams, insecureTestKdf = false): void {
  const logNs = insecureTestKdf ? [TEST_SCRYPT_LOG_N, SCRYPT_LOG_N] : [SCRYPT_LOG_N];
  if (kdf.name !== 'scrypt' || !logNs.includes(kdf.logN) || kdf.r !== SCRYPT_R || kdf.p !== SCRYPT_P) {
    throw new VaultError(
      'KDF_OUT_OF_RANGE',
      `keystore KDF parameters are refused (${String(kdf.name)} logN=${kdf.logN} r=${kdf.r} p=${kdf.p}; this vault accepts only scrypt logN=${logNs.join(' or ')} r=${SCRYPT_R} p=${SCRYPT_P}); the file was altered or written by another tool — restore it from a backup`,
    );
  }
  if (!/^[0-9a-f]{64}$/.test(kdf.salt))
    throw new VaultError('KEYSTORE_CORRUPT', 'keystore KDF salt is not 32 bytes of hex; restore the keystore from a backup');
}

export async function deriveKeys(passphrase: string, kdf: ScryptParams): Promise<DerivedKeys> {
  const N = 2 ** kdf.logN;
  const master = await new Promise<Buffer>((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFKC'),
      Buffer.from(kdf.salt, 'hex'),
      32,
      { N, r: kdf.r, p: kdf.p, maxmem: 256 * N * kdf.r * kdf.p + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
  const sub = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  const keys = { enc: sub(TAG_KEYSTORE_ENC), mac: sub(TAG_KEYSTORE_MAC), check: sub(TAG_PASSPHRASE_CHECK), spendMac: sub(TAG_SPEND_MAC) };
  master.fill(0);
  return keys;
}

/** The value stored in the keystore to tell a wrong passphrase from a tampered file. */
export function passphraseCheckValue(keys: DerivedKeys): string {
  return createHmac('sha256', keys.check).update(TAG_PASSPHRASE_CHECK).digest('hex');
}

/** Best-effort wipe (JS cannot promise the engine kept no copy; see docs/vault.md). */
export function wipeKeys(keys: DerivedKeys | null | undefined): void {
  if (!keys) return;
  keys.enc.fill(0);
  keys.mac.fill(0);
  keys.check.fill(0);
  keys.spendMac.fill(0);
}
