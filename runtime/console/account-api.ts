/**
 * The console's routes for accounts and the queue's re-signing: who this host is logged in as,
 * creating an account on the default DMCS (`peeros account create`), logging in (`peeros login`)
 * and re-signing an expired queued transaction (`peeros queue resign`). Each write makes the vault
 * sign, so with a passkey each comes back to the page as the host's signing dialog. Same rules as
 * console-api.ts: every request needs the session and its token, writes are POSTs; every field is capped here and
 * checked again by the domain (an account name by the session's rule, a key by the ABI's).
 */
import type { ApiHandler } from './console-api.js';
import { ConsoleError } from './console-error.js';

/** An Antelope name is at most 13 characters; a public key (PUB_K1_…, PUB_WA_…) a few hundred. */
export const MAX_ACCOUNT_FIELD_CHARS = 256;
/** A queue entry's id (64 hex digits) or a prefix of it. */
const QUEUE_ID = /^[0-9a-f]{4,64}$/;

function field(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ACCOUNT_FIELD_CHARS)
    throw new ConsoleError('BAD_REQUEST', `"${name}" must be a non-empty string of at most ${MAX_ACCOUNT_FIELD_CHARS} characters`);
  return v;
}

function optional(v: unknown, name: string): string | undefined {
  return v === undefined || v === '' ? undefined : field(v, name);
}

export const ACCOUNT_READS: Readonly<Record<string, ApiHandler>> = {
  '/api/account': async (h) => ({ session: h.account() }),
};

export const ACCOUNT_WRITES: Readonly<Record<string, ApiHandler>> = {
  '/api/account/create': async (h, b) => h.createAccount(field(b.name, 'name'), optional(b.key, 'key'), optional(b.creator, 'creator')),
  '/api/login': async (h, b) => ({ session: await h.login(field(b.account, 'account')) }),
  '/api/queue/resign': async (h, b) => {
    if (typeof b.id !== 'string' || !QUEUE_ID.test(b.id))
      throw new ConsoleError('BAD_REQUEST', '"id" must be a queued transaction\'s id (4 to 64 hex digits)');
    return h.resign(b.id, b.force === true);
  },
};
