/**
 * The signing dialogs waiting for the person at the console. The console's verifier puts each
 * request the vault wants approved here (with the view the host built and the vault's WebAuthn
 * challenge) and waits; the page lists them, shows the dialog in the host's chrome, and answers
 * with the assertion the browser's authenticator made (relayed to the vault, which verifies it) or
 * a denial. Bounded: at most MAX_PENDING_SIGNING_REQUESTS wait at once (more are refused at once),
 * and each is refused when nobody answers within SIGNING_REQUEST_TIMEOUT_MS. A denial, a timeout
 * or a lock is the vault's NOT_APPROVED, so the app gets its usual typed refusal.
 */
import { randomBytes } from 'node:crypto';
import { VaultError, type WebAuthnCeremonyResult, type WebAuthnChallengeResult } from '../../skv/index.js';
import { ConsoleError } from './console-error.js';
import type { SigningView } from './signing-view.js';

/** Dialogs waiting at once; an app flooding requests is refused beyond this. */
export const MAX_PENDING_SIGNING_REQUESTS = 8;
/** How long a dialog waits for an answer: under the vault's challenge life (2 minutes). */
export const SIGNING_REQUEST_TIMEOUT_MS = 100_000;
/** Cap of each base64url field of a relayed assertion (authenticator data and client data are a few hundred bytes). */
export const MAX_ASSERTION_FIELD_CHARS = 8192;

/** What the page needs to run `navigator.credentials.get`. */
export interface DialogChallenge {
  /** base64url. */
  challenge: string;
  rpId: string;
  /** base64url credential ids (allowCredentials). */
  credentialIds: string[];
  expiresAt: number;
}

export interface PendingDialog {
  id: string;
  view: SigningView;
  webauthn: DialogChallenge;
  /** When the console stops waiting (Unix ms). */
  deadline: number;
}

interface Waiting extends PendingDialog {
  resolve(r: WebAuthnCeremonyResult): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** The four buffers of a browser's assertion, as the page posts them (base64url). */
export interface RelayedAssertion {
  credentialId: string;
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
}

function field(a: Record<string, unknown>, name: keyof RelayedAssertion): Uint8Array {
  const v = a[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ASSERTION_FIELD_CHARS || !/^[A-Za-z0-9_-]+$/.test(v))
    throw new ConsoleError('BAD_REQUEST', `assertion.${name} must be base64url text of at most ${MAX_ASSERTION_FIELD_CHARS} characters`);
  return new Uint8Array(Buffer.from(v, 'base64url'));
}

export class SigningRequests {
  readonly #waiting = new Map<string, Waiting>();
  readonly #timeoutMs: number;
  readonly #max: number;

  constructor(o: { timeoutMs?: number; max?: number } = {}) {
    this.#timeoutMs = o.timeoutMs ?? SIGNING_REQUEST_TIMEOUT_MS;
    this.#max = o.max ?? MAX_PENDING_SIGNING_REQUESTS;
  }

  /** Shows a dialog and waits for the page's assertion; rejects NOT_APPROVED on deny, timeout, lock or overflow. */
  ask(view: SigningView, ch: WebAuthnChallengeResult): Promise<WebAuthnCeremonyResult> {
    if (this.#waiting.size >= this.#max)
      return Promise.reject(
        new VaultError('NOT_APPROVED', `${this.#max} signing dialogs are already waiting at the console; answer them first (refused)`),
      );
    const id = randomBytes(9).toString('base64url');
    return new Promise<WebAuthnCeremonyResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(
          new VaultError(
            'NOT_APPROVED',
            `nobody answered the console's signing dialog within ${this.#timeoutMs / 1000} s; nothing was signed`,
          ),
        );
      }, this.#timeoutMs);
      this.#waiting.set(id, {
        id,
        view,
        webauthn: {
          challenge: Buffer.from(ch.challenge).toString('base64url'),
          rpId: ch.credentials[0]?.rpId ?? 'localhost',
          credentialIds: ch.credentials.map((c) => Buffer.from(c.id).toString('base64url')),
          expiresAt: ch.expiresAt,
        },
        deadline: Date.now() + this.#timeoutMs,
        resolve,
        reject,
        timer,
      });
    });
  }

  list(): PendingDialog[] {
    return [...this.#waiting.values()].map(({ id, view, webauthn, deadline }) => ({ id, view, webauthn, deadline }));
  }

  #take(id: unknown): Waiting {
    const w = typeof id === 'string' ? this.#waiting.get(id) : undefined;
    if (!w) throw new ConsoleError('NOT_FOUND', 'no such signing dialog (answered, timed out, or the vault locked)');
    this.#waiting.delete(w.id);
    clearTimeout(w.timer);
    return w;
  }

  /**
   * Relays the page's assertion to the waiting verifier (the vault then verifies it). An
   * undecodable request needs `override` (the dialog's advanced choice), else it is refused here.
   */
  approve(id: unknown, assertion: unknown, override: boolean): void {
    const w = typeof id === 'string' ? this.#waiting.get(id) : undefined;
    if (!w) throw new ConsoleError('NOT_FOUND', 'no such signing dialog (answered, timed out, or the vault locked)');
    if (w.view.undecodable && !override)
      throw new ConsoleError('BAD_REQUEST', 'this request has actions that cannot be decoded: approving it needs the advanced override');
    if (typeof assertion !== 'object' || assertion === null) throw new ConsoleError('BAD_REQUEST', 'assertion must be an object');
    const a = assertion as Record<string, unknown>;
    const result: WebAuthnCeremonyResult = {
      credentialId: field(a, 'credentialId'),
      authenticatorData: field(a, 'authenticatorData'),
      clientDataJSON: field(a, 'clientDataJSON'),
      signature: field(a, 'signature'),
    };
    this.#take(id).resolve(result);
  }

  deny(id: unknown): void {
    this.#take(id).reject(new VaultError('NOT_APPROVED', 'denied at the console; nothing was signed'));
  }

  /** Refuses every waiting dialog (the vault locked, or the console stops). */
  clear(why: string): void {
    for (const w of [...this.#waiting.values()]) {
      this.#waiting.delete(w.id);
      clearTimeout(w.timer);
      w.reject(new VaultError('NOT_APPROVED', `${why}; nothing was signed`));
    }
  }
}
