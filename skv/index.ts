/**
 * The Secure Key Vault, public surface: the `Vault` facade, the dMemo protocol types and codec, the
 * verifiers, signing grants and the one error class. Everything else in skv/ is internal.
 */
export { Vault, type VaultOptions, type SignOptions } from './vault.js';
export { VaultChannel, VAULT_WORKER_PATH } from './vault-channel.js';
export type { VaultConfig } from './vault-core.js';
export { exportDigest } from './vault-core.js';
export { VaultError, VAULT_ERROR_CODES, VAULT_ISA_CODES, type VaultErrorCode } from './error.js';
export * from './protocol.js';
export { mintAssertion, type Assertion, type Approval, type AssertionPurpose, type VerifierRegistration } from './assertion.js';
export { WebAuthnVerifier, type WebAuthnCeremony, type WebAuthnCeremonyResult } from './webauthn-verifier.js';
export type { WebAuthnAssertion } from './webauthn-verification.js';
export { webAuthnChallenge, registrationDigest, WEBAUTHN_PURPOSES, type WebAuthnPurpose } from './webauthn-challenge.js';
export { LOCALHOST_ANY_PORT, type StoredCredential } from './webauthn-credential.js';
export { HmacVerifier, type Verifier, type VerificationRequest } from './verifier.js';
export { TerminalVerifier, renderVerificationRequest, verificationQuestion, type TerminalPrompt } from './terminal-verifier.js';
export { AutoApproveVerifier, AUTO_APPROVE_OPT_IN } from './auto-approve-verifier.js';
export { USER_APP, validateGrant, grantDigest, grantMatches, type SigningGrant } from './signing-grant.js';
export { packageSigningDigest, PACKAGE_HASH_BYTES } from './package-digest.js';
export { summarizeTransaction } from './transaction-summary.js';
export { vaultPaths, type VaultPaths } from './keystore-file.js';
export { KEYSTORE_FORMAT, KEYSTORE_VERSION } from './keystore-format.js';
export * as limits from './limits.js';
