/**
 * The console's routes for what the vault must approve, and the dialogs that ask (same rules as
 * console-api.ts: every request needs the session and its token, writes are POSTs). The page polls
 * `/api/signing` for waiting dialogs and answers each with the assertion its authenticator made or
 * a denial; registers a passkey in two steps (the vault's challenge, then what
 * `navigator.credentials.create` returned); and changes grant limits, exports a key and installs
 * an app from a folder (preview, then install of exactly the package previewed) — each of which
 * makes the vault ask, so with a passkey each comes back to the page as a dialog.
 */
import type { ApiHandler } from './console-api.js';
import { ConsoleError } from './console-error.js';
import { folderArg } from './install-consent.js';

/** Grant limits and key export from the page: both need the user's approval in the vault (a dialog with a passkey). */
const MAX_FIELD_CHARS = 128;
/** As the unlock form's cap. */
const MAX_PASSPHRASE_CHARS = 1024;

function shortText(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_FIELD_CHARS)
    throw new ConsoleError('BAD_REQUEST', `"${name}" must be a non-empty string of at most ${MAX_FIELD_CHARS} characters`);
  return v;
}

/** Cap of the registration's base64url fields (an attestation object with `none` is a few hundred bytes). */
export const MAX_REGISTRATION_FIELD_CHARS = 16384;

function bytes(v: unknown, name: string): Uint8Array {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_REGISTRATION_FIELD_CHARS || !/^[A-Za-z0-9_-]+$/.test(v))
    throw new ConsoleError('BAD_REQUEST', `"${name}" must be base64url text of at most ${MAX_REGISTRATION_FIELD_CHARS} characters`);
  return new Uint8Array(Buffer.from(v, 'base64url'));
}

export const SIGNING_READS: Readonly<Record<string, ApiHandler>> = {
  // polled by the page: answered from memory, without a vault round trip
  '/api/signing': async (h) => ({ dialogs: h.signing.list() }),
  '/api/passkeys': async (h) => ({ passkeys: await h.passkeys() }),
  // apps' install requests waiting for the page (install-requests.ts): polled like the signing dialogs
  '/api/installs': async (h) => ({ requests: h.installs.list() }),
};

export const SIGNING_WRITES: Readonly<Record<string, ApiHandler>> = {
  '/api/signing/approve': async (h, b) => {
    h.signing.approve(b.id, b.assertion, b.override === true);
    return { relayed: true };
  },
  '/api/installs/answer': async (h, b) => {
    if (typeof b.yes !== 'boolean') throw new ConsoleError('BAD_REQUEST', '"yes" must be true or false');
    h.installs.answer(b.id, b.yes);
    return { answered: true };
  },
  '/api/signing/deny': async (h, b) => {
    h.signing.deny(b.id);
    return { denied: true };
  },
  '/api/grants/limits': async (h, b) => {
    if (typeof b.maxCount !== 'number') throw new ConsoleError('BAD_REQUEST', '"maxCount" must be a number');
    return h.setGrantLimits(shortText(b.app, 'app'), {
      maxCount: b.maxCount,
      ...(b.maxAmount !== undefined && b.maxAmount !== '' ? { maxAmount: shortText(b.maxAmount, 'maxAmount') } : {}),
      ...(b.period !== undefined && b.period !== '' ? { period: shortText(b.period, 'period') } : {}),
    });
  },
  '/api/keys/export': async (h, b) => {
    if (typeof b.passphrase !== 'string' || b.passphrase.length === 0 || b.passphrase.length > MAX_PASSPHRASE_CHARS)
      throw new ConsoleError('BAD_REQUEST', `"passphrase" must be a non-empty string of at most ${MAX_PASSPHRASE_CHARS} characters`);
    return { privateKey: await h.exportKey(shortText(b.publicKey, 'publicKey'), b.passphrase) };
  },
  '/api/apps/preview': async (h, b) => h.installPreview(folderArg(b.dir)),
  '/api/apps/install': async (h, b) => {
    if (typeof b.packageHash !== 'string' || !/^[0-9a-f]{64}$/.test(b.packageHash))
      throw new ConsoleError('BAD_REQUEST', '"packageHash" must be the preview\'s package hash (64 hex digits)');
    return h.install(folderArg(b.dir), b.packageHash);
  },
  '/api/passkey/challenge': async (h) => h.passkeyChallenge(),
  '/api/passkey/register': async (h, b) =>
    h.registerPasskey(bytes(b.clientDataJSON, 'clientDataJSON'), bytes(b.attestationObject, 'attestationObject')),
};
