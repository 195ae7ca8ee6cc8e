/**
 * The challenge a WebAuthn assertion must sign for the vault to act, and the vault's ledger of the
 * challenges it issued. The commitment (32 bytes, base64url in the client data's `challenge`):
 *
 *   challenge = sha256( "peeros-skv/v1/webauthn-challenge" ‖ 0x00 ‖ purpose ‖ 0x00 ‖ app ‖ 0x00 ‖
 *                       identity ‖ 0x00 ‖ session ‖ 0x00 ‖ digest (32 bytes) ‖ nonce (16 bytes) )
 *
 * `purpose` is `sign`, `export`, `grant`, `package` or `register`; `app` the requesting app id or
 * `@user`; `identity` the installed app's identity a `sign` request carries (publisher key or
 * `unverified:<install id>`; empty when none, and for every other purpose); `session` the vault's unlock session id (16 hex); `digest` the 32 bytes the request is
 * about (for `sign` the transaction's signing digest, which the vault recomputes from the bytes it
 * signs; for `register` `registrationDigest(rpId, origin)`); `nonce` 16 random bytes the vault
 * issued. The vault recomputes the challenge from its own copies of all seven, so an assertion is
 * good for exactly one request of one installed app in one unlock session, and the nonce, spent on first use,
 * makes it good once even for authenticators whose counter stays 0.
 */
import { createHash, randomBytes } from 'node:crypto';
import { VaultError } from './error.js';
import { TAG_WEBAUTHN_CHALLENGE, TAG_WEBAUTHN_REGISTER } from './domain-tags.js';
import { MAX_PENDING_WEBAUTHN_CHALLENGES, MAX_REMEMBERED_NONCES, WEBAUTHN_CHALLENGE_TTL_MS } from './limits.js';

export type WebAuthnPurpose = 'sign' | 'export' | 'grant' | 'package' | 'register';
export const WEBAUTHN_PURPOSES: readonly WebAuthnPurpose[] = ['sign', 'export', 'grant', 'package', 'register'];

export interface ChallengeInput {
  purpose: WebAuthnPurpose;
  app: string;
  /** The app's identity for `sign` (empty: none). */
  identity: string;
  session: string;
  digest: Uint8Array;
  nonce: Uint8Array;
}

/** The 32-byte challenge of one request (see the module doc). */
export function webAuthnChallenge(c: ChallengeInput): Uint8Array {
  if (c.digest.length !== 32 || c.nonce.length !== 16) throw new VaultError('INVALID_ARGUMENT', 'challenge: digest 32 bytes, nonce 16');
  return new Uint8Array(
    createHash('sha256')
      .update(`${TAG_WEBAUTHN_CHALLENGE}\0${c.purpose}\0${c.app}\0${c.identity}\0${c.session}\0`)
      .update(c.digest)
      .update(c.nonce)
      .digest(),
  );
}

/** What a registration approves: this rp id and this origin. */
export function registrationDigest(rpId: string, origin: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`${TAG_WEBAUTHN_REGISTER}\0${rpId}\0${origin}`).digest());
}

/**
 * Nonces the vault issued in this session: pending until answered or expired, then remembered as
 * spent until they would have expired, so a second use is told apart (replayed) from a forgery.
 */
export class ChallengeLedger {
  private readonly pending = new Map<string, number>();
  private readonly spent = new Map<string, number>();

  issue(now: number): { nonce: Uint8Array; expiresAt: number } {
    this.prune(now);
    // spent nonces are remembered until they expire: a host issuing and burning challenges in a
    // loop would otherwise grow this without bound
    if (this.pending.size >= MAX_PENDING_WEBAUTHN_CHALLENGES || this.spent.size >= MAX_REMEMBERED_NONCES)
      throw new VaultError(
        'VAULT_BUSY',
        `${MAX_PENDING_WEBAUTHN_CHALLENGES} WebAuthn challenges are waiting for an answer; answer or let them expire (${WEBAUTHN_CHALLENGE_TTL_MS / 1000} s)`,
      );
    const nonce = new Uint8Array(randomBytes(16));
    const expiresAt = now + WEBAUTHN_CHALLENGE_TTL_MS;
    this.pending.set(Buffer.from(nonce).toString('hex'), expiresAt);
    return { nonce, expiresAt };
  }

  /** Spends the nonce (whatever the rest of the assertion turns out to be); throws when it cannot be used. */
  spend(nonce: Uint8Array, now: number): void {
    const key = Buffer.from(nonce).toString('hex');
    if (this.spent.has(key))
      throw new VaultError('ASSERTION_REPLAYED', 'this WebAuthn challenge was already used; each approval acts once — approve again');
    const expiresAt = this.pending.get(key);
    if (expiresAt === undefined)
      throw new VaultError(
        'WEBAUTHN_CHALLENGE_UNKNOWN',
        'the WebAuthn challenge was not issued by this vault in this unlock session; ask the vault for a new challenge',
      );
    this.pending.delete(key);
    this.spent.set(key, expiresAt);
    if (now > expiresAt)
      throw new VaultError('ASSERTION_EXPIRED', `the WebAuthn challenge expired ${now - expiresAt} ms ago; approve the request again`);
  }

  /**
   * Forgets a pending nonce that no assertion will answer (its request was refused before the
   * ceremony), freeing its slot; it is remembered as spent, so it can never be used after.
   */
  release(nonce: Uint8Array): boolean {
    const key = Buffer.from(nonce).toString('hex');
    const expiresAt = this.pending.get(key);
    if (expiresAt === undefined) return false;
    this.pending.delete(key);
    this.spent.set(key, expiresAt);
    return true;
  }

  private prune(now: number): void {
    for (const [k, exp] of this.pending) if (exp < now) this.pending.delete(k);
    for (const [k, exp] of this.spent) if (exp < now) this.spent.delete(k);
  }

  clear(): void {
    this.pending.clear();
    this.spent.clear();
  }
}
