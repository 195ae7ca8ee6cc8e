/**
 * User verification (the whitepaper's biometric gate), pluggable. A `Verifier` is registered at
 * unlock and receives, once, the secret it shares with the vault; afterwards it alone can mint
 * assertions. For each request it shows the user what the host decoded — never text an app chose —
 * and mints an assertion bound to that request's digest, or refuses with NOT_APPROVED.
 *
 * `HmacVerifier` does the minting for in-process verifiers (terminal, test); `WebAuthnVerifier`
 * relays an authenticator's assertion, which the vault verifies against the registered credential.
 */
import { VaultError } from './error.js';
import { mintAssertion, type Approval, type Assertion, type AssertionPurpose, type VerifierRegistration } from './assertion.js';
import type { WebAuthnChallengeResult } from './protocol.js';
import { DEFAULT_ASSERTION_TTL_MS } from './limits.js';

export interface VerificationRequest {
  /** `register`: another WebAuthn credential (only a WebAuthn verifier can approve it). */
  purpose: AssertionPurpose | 'register';
  /** The requesting app (`user` for the user acting directly). */
  app: string;
  /** The installed app's identity a `sign` request carries (publisher key or `unverified:<install id>`). */
  identity?: string;
  /** 32 bytes the assertion will be bound to (for `sign`: the transaction's signing digest). */
  digest: Uint8Array;
  /**
   * For `sign`: the bytes the vault will sign (the digest is computed from them), for a verifier
   * that decodes them itself (the console's dialog); it must check them against `digest`.
   */
  transaction?: { chainId: Uint8Array; bytes: Uint8Array; contextFreeData?: Uint8Array };
  /** What the host decoded, one line each, for the user to read. */
  summary: string[];
  /**
   * Present when the vault holds a WebAuthn credential: the challenge the vault issued for this
   * request, to pass to `navigator.credentials.get` (only an assertion over it is accepted).
   */
  webauthn?: WebAuthnChallengeResult;
}

export interface Verifier {
  /** Short name shown in status and errors, e.g. `terminal`, `auto-approve`, `webauthn`. */
  readonly kind: string;
  /** Called by the vault facade at every unlock with that session's registration. */
  register(registration: VerifierRegistration): void;
  /** Called at lock/close: forget the secret. */
  unregister(): void;
  /** Ask the user; resolve to an assertion, or reject with `VaultError('NOT_APPROVED')`. */
  verify(request: VerificationRequest): Promise<Approval>;
  /**
   * Optional: told, after the vault answered a request this verifier approved, whether the vault
   * acted (`null`) or refused, with its error code: an approval is only a claim until the vault
   * has checked it (a WebAuthn assertion can still be refused there).
   */
  settled?(request: VerificationRequest, refusal: string | null): void;
}

/** Base for verifiers that hold the vault's HMAC secret in this process. */
export abstract class HmacVerifier implements Verifier {
  abstract readonly kind: string;
  #registration: VerifierRegistration | null = null;
  readonly #ttlMs: number;

  constructor(opts: { ttlMs?: number } = {}) {
    this.#ttlMs = opts.ttlMs ?? DEFAULT_ASSERTION_TTL_MS;
  }

  /** Shows the request and answers whether the user approved it. */
  protected abstract approve(request: VerificationRequest): Promise<boolean>;

  register(registration: VerifierRegistration): void {
    this.#registration = { scheme: registration.scheme, secret: Uint8Array.from(registration.secret), session: registration.session };
  }

  unregister(): void {
    this.#registration?.secret.fill(0);
    this.#registration = null;
  }

  async verify(request: VerificationRequest): Promise<Assertion> {
    const reg = this.#registration;
    const purpose = request.purpose;
    if (purpose === 'register')
      throw new VaultError('NOT_APPROVED', 'only the registered WebAuthn authenticator can approve registering another; nothing was done');
    if (!reg) throw new VaultError('LOCKED', `the ${this.kind} verifier is not registered: unlock the vault with it first`);
    if (!(await this.approve(request)))
      throw new VaultError(
        'NOT_APPROVED',
        `the request was not approved (${this.kind} verifier); nothing was ${request.purpose === 'sign' ? 'signed' : 'done'}`,
      );
    return mintAssertion(reg, { purpose, app: request.app, digest: request.digest, ttlMs: this.#ttlMs });
  }
}
