/**
 * The keystore format, version 1: a text file of exactly three lines
 *
 *   <body JSON>\n
 *   mac=<hex HMAC-SHA256(macKey, TAG ‖ body bytes)>\n
 *   sha256=<hex sha256(line 1 ‖ "\n" ‖ line 2)>\n
 *
 * The body holds the format name and version, the scrypt parameters, a passphrase check value,
 * the app signing grants and one entry per key: its public key, label and the private key sealed
 * with AES-256-GCM under a random 96-bit nonce (additional data: tag ‖ keystore id ‖ public key).
 * Layers of checking, each with its own error: the checksum catches accidental damage without the
 * passphrase (KEYSTORE_CORRUPT); the check value tells a wrong passphrase (WRONG_PASSPHRASE);
 * the MAC over the exact body bytes and each GCM tag catch deliberate edits (KEYSTORE_TAMPERED).
 * See docs/vault.md.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { VaultError } from './error.js';
import { TAG_KEYSTORE_MAC, TAG_KEY_AAD } from './domain-tags.js';
import type { DerivedKeys, ScryptParams } from './kdf.js';
import { passphraseCheckValue } from './kdf.js';
import type { SigningGrant } from './signing-grant.js';
import { validateGrant } from './signing-grant.js';
import { MAX_KEYS, MAX_KEYSTORE_BYTES, MAX_KEYSTORE_JSON_DEPTH, MAX_WEBAUTHN_CREDENTIALS } from './limits.js';
import { isStoredCredential, type StoredCredential } from './webauthn-credential.js';
import { jsonDepth } from '../lib/json-depth.js';

export const KEYSTORE_FORMAT = 'peeros-skv-keystore';
export const KEYSTORE_VERSION = 1;

export interface SealedKey {
  /** Public key, `PUB_K1_…`; bound into the AEAD additional data. */
  publicKey: string;
  label: string;
  /** ISO-8601 time of creation or import. */
  created: string;
  /** 12 random bytes, hex. */
  nonce: string;
  /** AES-256-GCM ciphertext of the 32-byte private scalar followed by the 16-byte tag, hex. */
  sealed: string;
}

export interface KeystoreBody {
  format: typeof KEYSTORE_FORMAT;
  version: typeof KEYSTORE_VERSION;
  /** 16 random bytes, hex: binds sealed keys to this keystore. */
  id: string;
  kdf: ScryptParams;
  /** HMAC of a fixed tag under a passphrase-derived key, hex. */
  check: string;
  cipher: 'aes-256-gcm';
  keys: SealedKey[];
  grants: SigningGrant[];
  /** WebAuthn credentials whose assertions alone approve requests (absent: none registered). */
  webauthn?: StoredCredential[];
}

export interface ParsedKeystore {
  body: KeystoreBody;
  bodyText: string;
  mac: string;
  /** sha256 line: identifies this exact file version (used to notice concurrent writers). */
  checksum: string;
}

const MAC_RE = /^mac=([0-9a-f]{64})$/;
const SUM_RE = /^sha256=([0-9a-f]{64})$/;
const HEX = (n: number) => new RegExp(`^[0-9a-f]{${n}}$`);

function corrupt(what: string): VaultError {
  return new VaultError(
    'KEYSTORE_CORRUPT',
    `the keystore file is corrupted (${what}); it was not changed — restore it from a backup (the vault never re-initialises a damaged keystore)`,
  );
}

export function newKeystoreBody(kdf: ScryptParams, keys: DerivedKeys): KeystoreBody {
  return {
    format: KEYSTORE_FORMAT,
    version: KEYSTORE_VERSION,
    id: randomBytes(16).toString('hex'),
    kdf,
    check: passphraseCheckValue(keys),
    cipher: 'aes-256-gcm',
    keys: [],
    grants: [],
  };
}

/** Parses and structurally checks a keystore file; needs no passphrase. */
export function parseKeystore(data: Uint8Array): ParsedKeystore {
  if (data.length > MAX_KEYSTORE_BYTES) throw corrupt(`larger than ${MAX_KEYSTORE_BYTES} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw corrupt('not UTF-8 text');
  }
  const lines = text.split('\n');
  if (lines.length !== 4 || lines[3] !== '') throw corrupt('expected three lines');
  const [bodyText, macLine, sumLine] = lines as [string, string, string];
  const mac = MAC_RE.exec(macLine)?.[1];
  const sum = SUM_RE.exec(sumLine)?.[1];
  if (!mac || !sum) throw corrupt('MAC or checksum line malformed');
  const actual = createHash('sha256').update(`${bodyText}\n${macLine}`).digest('hex');
  if (actual !== sum) throw corrupt('checksum mismatch');
  if (jsonDepth(bodyText) > MAX_KEYSTORE_JSON_DEPTH) throw corrupt(`body nests deeper than ${MAX_KEYSTORE_JSON_DEPTH} levels`);
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    throw corrupt('body is not JSON');
  }
  const b = body as Partial<KeystoreBody>;
  if (typeof b !== 'object' || b === null || b.format !== KEYSTORE_FORMAT) throw corrupt('not a PeerOS keystore');
  if (b.version !== KEYSTORE_VERSION) {
    // not String(): an object version with a non-function toString would throw a TypeError
    const version = typeof b.version === 'number' ? String(b.version) : String(JSON.stringify(b.version)).slice(0, 40);
    throw new VaultError(
      'UNSUPPORTED_KEYSTORE_VERSION',
      `keystore format version ${version} is not supported by this vault (it reads version ${KEYSTORE_VERSION}); use a newer peeros`,
    );
  }
  checkBodyShape(b);
  return { body: b as KeystoreBody, bodyText, mac, checksum: sum };
}

function checkBodyShape(b: Partial<KeystoreBody>): void {
  if (typeof b.id !== 'string' || !HEX(32).test(b.id)) throw corrupt('bad id');
  const k = b.kdf as Partial<ScryptParams> | undefined;
  if (k?.name !== 'scrypt' || !Number.isInteger(k.logN) || !Number.isInteger(k.r) || !Number.isInteger(k.p) || typeof k.salt !== 'string')
    throw corrupt('bad KDF parameters');
  if (typeof b.check !== 'string' || !HEX(64).test(b.check)) throw corrupt('bad check value');
  if (b.cipher !== 'aes-256-gcm') throw corrupt(`unknown cipher ${JSON.stringify(b.cipher)}`);
  if (!Array.isArray(b.keys) || b.keys.length > MAX_KEYS) throw corrupt('bad key list');
  for (const e of b.keys as Partial<SealedKey>[]) {
    if (
      typeof e !== 'object' ||
      e === null ||
      typeof e.publicKey !== 'string' ||
      typeof e.label !== 'string' ||
      typeof e.created !== 'string' ||
      typeof e.nonce !== 'string' ||
      !HEX(24).test(e.nonce) ||
      typeof e.sealed !== 'string' ||
      !HEX(96).test(e.sealed)
    )
      throw corrupt('bad key entry');
  }
  if (!Array.isArray(b.grants)) throw corrupt('bad grant list');
  if (
    b.webauthn !== undefined &&
    (!Array.isArray(b.webauthn) || b.webauthn.length > MAX_WEBAUTHN_CREDENTIALS || !b.webauthn.every(isStoredCredential))
  )
    throw corrupt('bad WebAuthn credential list');
}

function macOf(bodyText: string, keys: DerivedKeys): string {
  return createHmac('sha256', keys.mac).update(TAG_KEYSTORE_MAC).update('\0').update(bodyText).digest('hex');
}

function hexEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex'),
    y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Wrong passphrase → WRONG_PASSPHRASE; right passphrase but edited body → KEYSTORE_TAMPERED. */
export function authenticateKeystore(parsed: ParsedKeystore, keys: DerivedKeys): void {
  if (!hexEqual(passphraseCheckValue(keys), parsed.body.check)) throw VaultError.wrongPassphrase();
  if (!hexEqual(macOf(parsed.bodyText, keys), parsed.mac)) {
    throw new VaultError(
      'KEYSTORE_TAMPERED',
      'the keystore failed authentication: its contents were changed by something other than this vault; it was not opened — restore it from a backup',
    );
  }
  for (const g of parsed.body.grants) {
    try {
      validateGrant(g, { stored: true });
    } catch {
      throw new VaultError('KEYSTORE_TAMPERED', 'the keystore holds an invalid signing grant; restore it from a backup');
    }
  }
}

export function serializeKeystore(body: KeystoreBody, keys: DerivedKeys): string {
  const bodyText = JSON.stringify(body);
  const macLine = `mac=${macOf(bodyText, keys)}`;
  const sum = createHash('sha256').update(`${bodyText}\n${macLine}`).digest('hex');
  return `${bodyText}\n${macLine}\nsha256=${sum}\n`;
}

function aad(keystoreId: string, publicKey: string): Buffer {
  return Buffer.from(`${TAG_KEY_AAD}\0${keystoreId}\0${publicKey}`, 'utf8');
}

export function sealPrivateKey(keys: DerivedKeys, keystoreId: string, publicKey: string, label: string, scalar: Uint8Array): SealedKey {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keys.enc, nonce);
  c.setAAD(aad(keystoreId, publicKey));
  const sealed = Buffer.concat([c.update(scalar), c.final(), c.getAuthTag()]);
  return { publicKey, label, created: new Date().toISOString(), nonce: nonce.toString('hex'), sealed: sealed.toString('hex') };
}

/** The 32-byte private scalar of a sealed key (caller wipes it when done). */
export function openPrivateKey(keys: DerivedKeys, keystoreId: string, entry: SealedKey): Uint8Array {
  const raw = Buffer.from(entry.sealed, 'hex');
  const d = createDecipheriv('aes-256-gcm', keys.enc, Buffer.from(entry.nonce, 'hex'));
  d.setAAD(aad(keystoreId, entry.publicKey));
  d.setAuthTag(raw.subarray(32));
  try {
    const out = Buffer.concat([d.update(raw.subarray(0, 32)), d.final()]);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch {
    throw new VaultError(
      'KEYSTORE_TAMPERED',
      `the sealed private key for ${entry.publicKey} failed authentication; restore the keystore from a backup`,
    );
  }
}
