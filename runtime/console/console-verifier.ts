/**
 * The console's verifier. Without a WebAuthn credential in the vault it is the session-grant
 * policy in front of a refusal (the host could mint an approval itself, so the console approves
 * nothing a session grant does not cover). With one, the vault hands every request a challenge,
 * and this verifier shows the host's signing dialog (signing-requests.ts) with the view built from
 * the bytes (signing-view.ts) and relays the assertion the page's authenticator made; the vault
 * verifies it and could not be given one this process made. The policy's secret is registered as
 * before, so unlocking a vault without a credential behaves as it did.
 */
import {
  VaultError,
  WebAuthnVerifier,
  type Approval,
  type VerificationRequest,
  type Verifier,
  type VerifierRegistration,
} from '../../skv/index.js';
import type { GrantPolicyVerifier } from '../transaction-service/grant-policy-verifier.js';
import type { SigningRequests } from './signing-requests.js';
import { buildSigningView, type SigningView, type ViewContext } from './signing-view.js';

export class ConsoleVerifier implements Verifier {
  /** Which path answered last: `session-grant` (no passkey) or `webauthn` (the activity log's note). */
  kind = 'session-grant';
  readonly #policy: GrantPolicyVerifier;
  readonly #webauthn: WebAuthnVerifier;

  constructor(policy: GrantPolicyVerifier, dialogs: SigningRequests, context: ViewContext) {
    this.#policy = policy;
    this.#webauthn = new WebAuthnVerifier(async (r) => {
      let view: SigningView;
      try {
        view = await buildSigningView(r, context);
      } catch (err) {
        // nothing is shown that the host could not build: refused, never approved blind
        throw new VaultError(
          'NOT_APPROVED',
          `the console could not build the signing dialog (${(err as Error).message}); nothing was signed`,
        );
      }
      return dialogs.ask(view, r.webauthn);
    });
  }

  register(registration: VerifierRegistration): void {
    this.#policy.register(registration);
  }

  unregister(): void {
    this.#policy.unregister();
  }

  async verify(request: VerificationRequest): Promise<Approval> {
    this.kind = request.webauthn ? 'webauthn' : this.#policy.kind;
    if (!request.webauthn) return this.#policy.verify(request);
    try {
      return await this.#webauthn.verify(request);
    } finally {
      this.#policy.forget(request.digest); // the policy was told of it, but with a passkey it approves nothing
    }
  }
}
