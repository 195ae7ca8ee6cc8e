/**
 * The console's JSON API: one handler per route over the console host. Reads are GETs; everything
 * that changes state is a POST (the server has checked the session and CSRF token before a handler
 * runs). Answers carry app-chosen strings as data: the page sets them with textContent.
 */
import { ConsoleError } from './console-error.js';
import type { ConsoleHost } from './console-host.js';

export type ApiBody = Record<string, unknown>;
export type ApiHandler = (host: ConsoleHost, body: ApiBody) => Promise<unknown>;

/** Longest passphrase accepted: far beyond any typed one, short of a payload. */
const MAX_PASSPHRASE_CHARS = 1024;
/** App and DMCS names are short identifiers. */
const MAX_NAME_CHARS = 64;

function text(body: ApiBody, field: string, max: number): string {
  const v = body[field];
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    throw new ConsoleError('BAD_REQUEST', `"${field}" must be a non-empty string of at most ${max} characters`);
  return v;
}

export const API_READS: Readonly<Record<string, ApiHandler>> = {
  '/api/status': async (h) => {
    const s = await h.status();
    return { unlocked: s.unlocked, keystore: s.keystore, keyCount: s.keyCount ?? null, autoLockAt: s.autoLockAt ?? null };
  },
  '/api/apps': async (h) => ({ apps: await h.apps() }),
  '/api/grants': async (h) => {
    const apps = await h.apps();
    return {
      apps: apps.map((a) => ({ name: a.name, capabilities: a.capabilities, raisedLimits: a.raisedLimits })),
      sessionGrants: h.sessionGrants(),
    };
  },
  '/api/activity': async (h) => ({ records: h.activity() }),
  '/api/dmcs': async (h) => h.dmcs(),
  '/api/queue': async (h) => ({ entries: h.queue() }),
  '/api/keys': async (h) => ({ keys: (await h.keys()).map((k) => ({ label: k.label, publicKey: k.publicKey, created: k.created })) }),
};

export const API_WRITES: Readonly<Record<string, ApiHandler>> = {
  '/api/unlock': async (h, b) => h.unlock(text(b, 'passphrase', MAX_PASSPHRASE_CHARS), b.create === true),
  '/api/lock': async (h) => {
    await h.lock();
    return { locked: true };
  },
  '/api/grants/revoke': async (h, b) => h.revokeSessionGrant(text(b, 'app', MAX_NAME_CHARS)),
  '/api/dmcs/use': async (h, b) => {
    await h.useDmcs(text(b, 'name', MAX_NAME_CHARS));
    return h.dmcs();
  },
  '/api/queue/flush': async (h) => h.flush(),
};
