/**
 * The console's routes for signing dialogs and passkeys (same rules as console-api.ts: reads need
 * the session, writes the CSRF token too). The page polls `/api/signing` for waiting dialogs,
 * answers each with the assertion its authenticator made or a denial, and registers a passkey in
 * two steps (the vault's challenge, then what `navigator.credentials.create` returned).
 */
import type { ApiHandler } from './console-api.js';
import { ConsoleError } from './console-error.js';

/** Cap of the registration's base64url fields (an attestation object with `none` is a few hundred bytes). */
export const MAX_REGISTRATION_FIELD_CHARS = 16384;

function bytes(v: unknown, name: string): Uint8Array {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_REGISTRATION_FIELD_CHARS || !/^[A-Za-z0-9_-]+$/.test(v))
    throw new ConsoleError('BAD_REQUEST', `"${name}" must be base64url text of at most ${MAX_REGISTRATION_FIELD_CHARS} characters`);
  return new Uint8Array(Buffer.from(v, 'base64url'));
}

export const SIGNING_READS: Readonly<Record<string, ApiHandler>> = {
  '/api/signing': async (h) => ({ dialogs: h.signing.list(), passkeys: await h.passkeys() }),
};

export const SIGNING_WRITES: Readonly<Record<string, ApiHandler>> = {
  '/api/signing/approve': async (h, b) => {
    h.signing.approve(b.id, b.assertion, b.override === true);
    return { relayed: true };
  },
  '/api/signing/deny': async (h, b) => {
    h.signing.deny(b.id);
    return { denied: true };
  },
  '/api/passkey/challenge': async (h) => h.passkeyChallenge(),
  '/api/passkey/register': async (h, b) =>
    h.registerPasskey(bytes(b.clientDataJSON, 'clientDataJSON'), bytes(b.attestationObject, 'attestationObject')),
};
