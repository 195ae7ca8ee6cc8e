/**
 * End-to-end message sealing between two Antelope K1 keys, computed inside the vault: ECDH of our
 * private key and the peer's public key (secp256k1, @noble/curves), its x coordinate hashed with a
 * domain tag and both public keys (in byte order, so both sides derive the same key) into an
 * AES-256-GCM key; a random 12-byte nonce per message; the two public keys as additional data.
 * The shared key never leaves the vault worker; only nonce and ciphertext do.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { KeyType, type PrivateKey, type PublicKey } from '../abi/antelope/index.js';
import { VaultError } from './error.js';
import { TAG_MESSAGE_AAD, TAG_MESSAGE_KEY } from './domain-tags.js';

/** A sealed message carries at most 4 KiB of plaintext: chat-sized; files belong elsewhere. */
export const MAX_SEALED_PLAINTEXT = 4096;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function ordered(a: Uint8Array, b: Uint8Array): [Uint8Array, Uint8Array] {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) <= 0 ? [a, b] : [b, a];
}

function keyAndAad(priv: PrivateKey, peer: PublicKey): { key: Buffer; aad: Buffer } {
  if (priv.type !== KeyType.K1 || peer.type !== KeyType.K1) throw new VaultError('INVALID_KEY', 'message sealing needs two K1 keys');
  let point: Uint8Array;
  try {
    point = secp256k1.getSharedSecret(priv.data, peer.data, true);
  } catch {
    throw new VaultError('INVALID_KEY', 'the peer key is not a valid secp256k1 point');
  }
  const [lo, hi] = ordered(priv.toPublic().data, peer.data);
  const key = createHash('sha256').update(TAG_MESSAGE_KEY).update(point.subarray(1)).update(lo).update(hi).digest();
  point.fill(0);
  return { key, aad: Buffer.concat([Buffer.from(TAG_MESSAGE_AAD), lo, hi]) };
}

export function sealMessage(priv: PrivateKey, peer: PublicKey, plaintext: Uint8Array): { nonce: Uint8Array; ciphertext: Uint8Array } {
  if (plaintext.length > MAX_SEALED_PLAINTEXT)
    throw new VaultError('INVALID_ARGUMENT', `a sealed message holds at most ${MAX_SEALED_PLAINTEXT} bytes, got ${plaintext.length}`);
  const { key, aad } = keyAndAad(priv, peer);
  const nonce = randomBytes(NONCE_BYTES);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  key.fill(0);
  return { nonce: new Uint8Array(nonce), ciphertext: new Uint8Array(ciphertext) };
}

export function openMessage(priv: PrivateKey, peer: PublicKey, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (nonce.length !== NONCE_BYTES || ciphertext.length < TAG_BYTES)
    throw new VaultError('INVALID_ARGUMENT', 'not a sealed message (bad nonce or length)');
  const { key, aad } = keyAndAad(priv, peer);
  try {
    const d = createDecipheriv('aes-256-gcm', key, nonce);
    d.setAAD(aad);
    d.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
    return new Uint8Array(Buffer.concat([d.update(ciphertext.subarray(0, ciphertext.length - TAG_BYTES)), d.final()]));
  } catch {
    throw new VaultError('INVALID_ARGUMENT', 'the message does not open with these keys (not for us, or altered)');
  } finally {
    key.fill(0);
  }
}
