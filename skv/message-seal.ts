/**
 * End-to-end message sealing between two Antelope K1 keys, computed inside the vault: ECDH of our
 * private key and the peer's public key (secp256k1, @noble/curves), its x coordinate hashed with a
 * domain tag and both public keys (in byte order, so both sides derive the same key) into an
 * AES-256-GCM key; a random 12-byte nonce per message; the two public keys as additional data.
 * The shared key never leaves the vault worker; only nonce and ciphertext do.
 *
 * A message may be bound to a context (the contract account it was sealed for): a non-empty context
 * is appended to the additional data, length-prefixed, so a message sealed for one contract does not
 * open for another, though the keys are the same. The empty context keeps the additional data of a
 * message sealed without one (the host's own seal-to-self values: drive keys, share content keys).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { KeyType, type PrivateKey, type PublicKey } from '../abi/antelope/index.js';
import { VaultError } from './error.js';
import { TAG_MESSAGE_AAD, TAG_MESSAGE_KEY } from './domain-tags.js';
import { MAX_MESSAGE_CONTEXT_LENGTH, MESSAGE_CONTEXT_PATTERN } from './limits.js';

/** A sealed message carries at most 4 KiB of plaintext: chat-sized; files belong elsewhere. */
export const MAX_SEALED_PLAINTEXT = 4096;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The context, checked: a contract account name or ''; anything else is refused before any key is used. */
export function checkMessageContext(context: unknown): string {
  if (context === undefined) return '';
  if (typeof context !== 'string' || context.length > MAX_MESSAGE_CONTEXT_LENGTH || !MESSAGE_CONTEXT_PATTERN.test(context))
    throw new VaultError(
      'INVALID_ARGUMENT',
      `a message context is an account name (at most ${MAX_MESSAGE_CONTEXT_LENGTH} of a-z, 1-5, '.') or empty`,
    );
  return context;
}

function ordered(a: Uint8Array, b: Uint8Array): [Uint8Array, Uint8Array] {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) <= 0 ? [a, b] : [b, a];
}

function keyAndAad(priv: PrivateKey, peer: PublicKey, context: string): { key: Buffer; aad: Buffer } {
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
  const parts = [Buffer.from(TAG_MESSAGE_AAD), lo, hi];
  // length-prefixed, so no context is a prefix of another's additional data; none: as before contexts
  const ctx = checkMessageContext(context);
  if (ctx !== '') parts.push(Buffer.from([ctx.length]), Buffer.from(ctx, 'latin1'));
  return { key, aad: Buffer.concat(parts) };
}

export function sealMessage(
  priv: PrivateKey,
  peer: PublicKey,
  plaintext: Uint8Array,
  context = '',
): { nonce: Uint8Array; ciphertext: Uint8Array } {
  if (plaintext.length > MAX_SEALED_PLAINTEXT)
    throw new VaultError('INVALID_ARGUMENT', `a sealed message holds at most ${MAX_SEALED_PLAINTEXT} bytes, got ${plaintext.length}`);
  const { key, aad } = keyAndAad(priv, peer, context);
  const nonce = randomBytes(NONCE_BYTES);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  key.fill(0);
  return { nonce: new Uint8Array(nonce), ciphertext: new Uint8Array(ciphertext) };
}

export function openMessage(priv: PrivateKey, peer: PublicKey, nonce: Uint8Array, ciphertext: Uint8Array, context = ''): Uint8Array {
  if (nonce.length !== NONCE_BYTES || ciphertext.length < TAG_BYTES)
    throw new VaultError('INVALID_ARGUMENT', 'not a sealed message (bad nonce or length)');
  const { key, aad } = keyAndAad(priv, peer, context);
  try {
    const d = createDecipheriv('aes-256-gcm', key, nonce);
    d.setAAD(aad);
    d.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
    return new Uint8Array(Buffer.concat([d.update(ciphertext.subarray(0, ciphertext.length - TAG_BYTES)), d.final()]));
  } catch {
    throw new VaultError(
      'INVALID_ARGUMENT',
      'the message does not open with these keys and context (not for us, sealed for another contract, or altered)',
    );
  } finally {
    key.fill(0);
  }
}
