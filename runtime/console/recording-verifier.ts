/**
 * The activity log around the console's verifier (console-verifier.ts: the session-grant policy
 * without a passkey, the signing dialog with one): every request and the verifier's answer is
 * written, and when the vault then refuses an approved request (a WebAuthn assertion it did not
 * accept), that refusal with the vault's code. It wraps rather than extends, so the vault registers
 * its secret with the inner verifier alone.
 */
import { VaultError, type Approval, type VerificationRequest, type Verifier, type VerifierRegistration } from '../../skv/index.js';
import type { ActivityLog } from './activity-log.js';

export class RecordingVerifier implements Verifier {
  readonly #inner: Verifier;
  readonly #log: ActivityLog;

  constructor(inner: Verifier, log: ActivityLog) {
    this.#inner = inner;
    this.#log = log;
  }

  get kind(): string {
    return this.#inner.kind;
  }

  register(registration: VerifierRegistration): void {
    this.#inner.register(registration);
  }

  unregister(): void {
    this.#inner.unregister();
  }

  /** A request the verifier approved and the vault then refused (a WebAuthn check failed there) is logged again, refused, with the vault's code. */
  settled(request: VerificationRequest, refusal: string | null): void {
    this.#inner.settled?.(request, refusal);
    if (refusal === null) return;
    this.#log
      .add({
        at: new Date().toISOString(),
        purpose: request.purpose,
        app: request.app,
        digest: Buffer.from(request.digest).toString('hex'),
        summary: [...request.summary],
        outcome: 'refused',
        note: `the vault refused: ${refusal}`,
      })
      .catch(() => {});
  }

  async verify(request: VerificationRequest): Promise<Approval> {
    const base = {
      at: '',
      purpose: request.purpose,
      app: request.app,
      digest: Buffer.from(request.digest).toString('hex'),
      summary: [...request.summary],
    };
    try {
      const a = await this.#inner.verify(request);
      await this.#log.add({ ...base, at: new Date().toISOString(), outcome: 'approved', note: this.#inner.kind });
      return a;
    } catch (err) {
      const note = err instanceof VaultError ? err.code : 'error';
      await this.#log.add({ ...base, at: new Date().toISOString(), outcome: 'refused', note }).catch(() => {});
      throw err;
    }
  }
}
