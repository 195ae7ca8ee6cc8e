/**
 * The verifier for a vault with a registered WebAuthn credential. It holds nothing that could
 * approve: it hands the challenge the vault issued (with what the host decoded) to a ceremony — the
 * console's page calling `navigator.credentials.get`, or a test authenticator — and relays what the
 * authenticator returned. The vault verifies it; this process could not have made it. The HMAC
 * registration every verifier receives at unlock is dropped at once: with a credential registered
 * the vault refuses HMAC assertions anyway.
 */
import { VaultError } from './error.js';
import type { VerifierRegistration } from './assertion.js';
import type { Verifier, VerificationRequest } from './verifier.js';
import type { WebAuthnChallengeResult } from './protocol.js';
import type { WebAuthnAssertion } from './webauthn-verification.js';

/** What `navigator.credentials.get` returned: `rawId` and the response's three buffers. */
export interface WebAuthnCeremonyResult {
  credentialId: Uint8Array;
  authenticatorData: Uint8Array;
  clientDataJSON: Uint8Array;
  signature: Uint8Array;
}

/** Shows the request and runs the WebAuthn ceremony over `request.webauthn.challenge`; rejects NOT_APPROVED when the user declines. */
export type WebAuthnCeremony = (request: VerificationRequest & { webauthn: WebAuthnChallengeResult }) => Promise<WebAuthnCeremonyResult>;

export class WebAuthnVerifier implements Verifier {
  readonly kind = 'webauthn';

  constructor(private readonly ceremony: WebAuthnCeremony) {}

  register(registration: VerifierRegistration): void {
    registration.secret.fill(0);
  }

  unregister(): void {}

  async verify(request: VerificationRequest): Promise<WebAuthnAssertion> {
    const webauthn = request.webauthn;
    if (!webauthn)
      throw new VaultError(
        'WEBAUTHN_UNKNOWN_CREDENTIAL',
        'the vault holds no WebAuthn credential: register one before using the WebAuthn verifier',
      );
    const r = await this.ceremony({ ...request, webauthn });
    return {
      scheme: 'webauthn',
      purpose: request.purpose,
      app: request.app,
      nonce: webauthn.nonce,
      credentialId: r.credentialId,
      authenticatorData: r.authenticatorData,
      clientDataJSON: r.clientDataJSON,
      signature: r.signature,
    };
  }
}
