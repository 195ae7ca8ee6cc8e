/**
 * User-verification assertions: the proof, minted by the verifier registered at unlock, that the
 * user approved one exact thing. An assertion is bound to a purpose (`sign`, `export`, `grant`, `package`),
 * the requesting app, a 32-byte digest (for `sign`, the transaction's signing digest) and the
 * unlock session; it carries a random nonce (single use) and an expiry (short-lived).
 *
 * Scheme `hmac-sha256`: the vault generates a fresh 32-byte secret at every unlock and hands it,
 * once, in the unlock response, to the verifier being registered; the MAC is
 * HMAC-SHA256(secret, TAG ‖ purpose ‖ app ‖ session ‖ digest ‖ nonce ‖ expiresAt). Nothing without
 * the secret can mint one; a new unlock invalidates every earlier assertion.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { VaultError } from './error.js';
import { TAG_ASSERTION } from './domain-tags.js';
import { DEFAULT_ASSERTION_TTL_MS, MAX_REMEMBERED_NONCES } from './limits.js';
import type { WebAuthnAssertion } from './webauthn-verification.js';

/** `package`: a publisher signs an app package hash (skv/package-digest.ts). */
export type AssertionPurpose = 'sign' | 'export' | 'grant' | 'package';
export const ASSERTION_PURPOSES: readonly AssertionPurpose[] = ['sign', 'export', 'grant', 'package'];

export interface Assertion {
  scheme: 'hmac-sha256';
  purpose: AssertionPurpose;
  app: string;
  /** 32 bytes. */
  digest: Uint8Array;
  /** Unlock session id (16 hex) the verifier was registered for. */
  session: string;
  /** 16 random bytes. */
  nonce: Uint8Array;
  /** Unix milliseconds after which the vault refuses it. */
  expiresAt: number;
  /** 32 bytes. */
  mac: Uint8Array;
}

/** Any approval a request can carry: an HMAC assertion, or a WebAuthn assertion the vault verifies itself. */
export type Approval = Assertion | WebAuthnAssertion;

/** What a verifier receives at registration; it keeps the secret to itself. */
export interface VerifierRegistration {
  scheme: 'hmac-sha256';
  secret: Uint8Array;
  session: string;
}

function macOf(secret: Uint8Array, a: Omit<Assertion, 'mac' | 'scheme'>): Buffer {
  const exp = Buffer.alloc(8);
  exp.writeBigUInt64BE(BigInt(a.expiresAt));
  return createHmac('sha256', secret)
    .update(`${TAG_ASSERTION}\0${a.purpose}\0${a.app}\0${a.session}\0`)
    .update(a.digest)
    .update(a.nonce)
    .update(exp)
    .digest();
}

export interface MintOptions {
  purpose: AssertionPurpose;
  app: string;
  digest: Uint8Array;
  /** Lifetime, default 60 s. */
  ttlMs?: number;
  now?: number;
}

export function mintAssertion(reg: VerifierRegistration, o: MintOptions): Assertion {
  if (o.digest.length !== 32) throw new VaultError('INVALID_ARGUMENT', `assertion digest: expected 32 bytes, got ${o.digest.length}`);
  const fields = {
    purpose: o.purpose,
    app: o.app,
    digest: Uint8Array.from(o.digest),
    session: reg.session,
    nonce: new Uint8Array(randomBytes(16)),
    expiresAt: Math.floor((o.now ?? Date.now()) + (o.ttlMs ?? DEFAULT_ASSERTION_TTL_MS)),
  };
  return { scheme: 'hmac-sha256', ...fields, mac: new Uint8Array(macOf(reg.secret, fields)) };
}

/** Spent nonces, each remembered until its assertion would have expired anyway. */
export class NonceLedger {
  private readonly spent = new Map<string, number>();

  /** Records the nonce; false when it was already spent. */
  spend(nonce: Uint8Array, expiresAt: number, now: number): boolean {
    const key = Buffer.from(nonce).toString('hex');
    if (this.spent.has(key)) return false;
    if ((this.spent.size & 1023) === 1023 || this.spent.size >= MAX_REMEMBERED_NONCES) this.prune(now);
    if (this.spent.size >= MAX_REMEMBERED_NONCES) {
      throw new VaultError('ASSERTION_INVALID', `more than ${MAX_REMEMBERED_NONCES} live assertions; wait a minute and try again`);
    }
    this.spent.set(key, expiresAt);
    return true;
  }

  prune(now: number): void {
    for (const [k, exp] of this.spent) if (exp < now) this.spent.delete(k);
  }

  clear(): void {
    this.spent.clear();
  }
}

export interface AssertionCheck {
  purpose: AssertionPurpose;
  app: string;
  digest: Uint8Array;
  secret: Uint8Array;
  session: string;
  maxTtlMs: number;
  now: number;
  nonces: NonceLedger;
}

/** Throws the precise ASSERTION_* error, or spends the nonce and returns. */
export function checkAssertion(a: Approval | undefined, c: AssertionCheck): void {
  if (!a)
    throw new VaultError(
      'ASSERTION_REQUIRED',
      `a user-verification assertion is required to ${c.purpose}; have the registered verifier approve the request first`,
    );
  if (a.scheme !== 'hmac-sha256')
    throw new VaultError('ASSERTION_INVALID', `assertion scheme ${JSON.stringify(a.scheme)} is not supported (expected hmac-sha256)`);
  if (a.session !== c.session)
    throw new VaultError(
      'ASSERTION_INVALID',
      'the assertion was minted for another unlock session; ask the verifier registered at the current unlock',
    );
  const expected = macOf(c.secret, a);
  if (a.mac.length !== expected.length || !timingSafeEqual(a.mac, expected)) {
    throw new VaultError(
      'ASSERTION_INVALID',
      'the assertion does not verify: it was not minted by the verifier registered at unlock, or it was altered',
    );
  }
  if (a.purpose !== c.purpose) throw new VaultError('ASSERTION_MISMATCH', `the assertion approves '${a.purpose}', not '${c.purpose}'`);
  if (a.app !== c.app) throw new VaultError('ASSERTION_MISMATCH', `the assertion was approved for app '${a.app}', not '${c.app}'`);
  if (a.digest.length !== c.digest.length || !timingSafeEqual(a.digest, c.digest)) {
    throw new VaultError(
      'ASSERTION_MISMATCH',
      `the assertion is bound to another ${c.purpose === 'sign' ? 'transaction digest' : 'request'}; approve this exact request`,
    );
  }
  if (c.now > a.expiresAt)
    throw new VaultError('ASSERTION_EXPIRED', `the assertion expired ${c.now - a.expiresAt} ms ago; approve the request again`);
  if (a.expiresAt - c.now > c.maxTtlMs)
    throw new VaultError(
      'ASSERTION_INVALID',
      `the assertion claims to live ${a.expiresAt - c.now} ms, longer than the vault allows (${c.maxTtlMs} ms)`,
    );
  if (!c.nonces.spend(a.nonce, a.expiresAt, c.now))
    throw new VaultError('ASSERTION_REPLAYED', 'the assertion was already used; each approval signs once — approve the request again');
}
